import CCurl
import Content
import Foundation

extension CurlTransport {
    /// Maps a libcurl failure to a code and a message that says what to do.
    /// `answered`: a status line arrived before the failure.
    static func classify(code: CURLcode, message: String, request: HTTPRequest, received: Int64, answered: Bool = false) -> HTTPError {
        let host = request.hostDescription
        let tls = request.tls
        let lower = message.lowercased()
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
            return classifyServerCertificate(message: message, request: request)
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return classifyLocalFiles(code: code, message: message, tls: tls, host: host)
        // SEND_FAIL_REWIND: a reused connection closed under an upload; the retry sends it anew.
        case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND:
            return classifyBrokenConnection(code: code, message: message, request: request, received: received, answered: answered)
        case CURLE_PARTIAL_FILE:
            return HTTPError(
                .truncated, host: host,
                reason: "the registry stopped sending \(request.url.path) after \(received) bytes (\(message))",
                hint: "Retry later; if it persists, the registry's storage or a proxy is cutting transfers.")
        case CURLE_COULDNT_CONNECT:
            return HTTPError(
                .connectionFailed, host: host, reason: "cannot connect: \(message)",
                hint: "Check that the registry runs and listens on this port, and any proxy settings (HTTPS_PROXY, NO_PROXY).")
        case CURLE_COULDNT_RESOLVE_HOST:
            return HTTPError(
                .hostNotFound, host: host, reason: "host name not found: \(message)",
                hint: "Check the spelling of the host in the chart reference and this machine's DNS.")
        case CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPError(
                .proxyFailed, host: host, reason: "proxy host not found: \(message)",
                hint: "Check HTTPS_PROXY / HTTP_PROXY, or exempt this host with NO_PROXY.")
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(
                .timedOut, host: host, reason: "timed out after \(received) bytes: \(message)",
                hint: "The registry is unreachable or stalled; check the network path and proxies.")
        case CURLE_OUT_OF_MEMORY:
            // libcurl refuses a response header line over 100 KB (and reports it as memory).
            return HTTPError(
                .bodyTooLarge, host: host, reason: "\(request.method) \(request.url.path): the server sent response headers larger than libcurl accepts (100 KB a line; libcurl error \(code.rawValue))",
                hint: "This is not how a registry answers; check the host and any proxy in between.")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return HTTPError(
                .invalidURL, host: host, reason: "unusable URL \(request.url.absoluteString): \(message)",
                hint: "Check the reference.")
        default:
            if lower.contains("proxy") {
                return HTTPError(
                    .proxyFailed, host: host, reason: "proxy failed: \(message)",
                    hint: "Check HTTPS_PROXY / HTTP_PROXY, or exempt this host with NO_PROXY.")
            }
            return HTTPError(
                .transferFailed, host: host, reason: "\(request.method) \(request.url.path) failed: \(message) (libcurl error \(code.rawValue))",
                hint: "Retry; if it persists, check the registry and the network path.")
        }
    }

    /// The registry's certificate failed verification: expired, another name, or another CA.
    static func classifyServerCertificate(message: String, request: HTTPRequest) -> HTTPError {
        let host = request.hostDescription
        let tls = request.tls
        let lower = message.lowercased()
        if lower.contains("expired") {
            return HTTPError(
                .certificateExpired, host: host,
                reason: "the registry's certificate has expired (\(message))",
                hint: "Ask the registry's operators to renew it; check this machine's clock with `date`.")
        }
        if lower.contains("not yet valid") {
            return HTTPError(
                .certificateExpired, host: host,
                reason: "the registry's certificate is not valid yet (\(message))",
                hint: "Check this machine's clock with `date`.")
        }
        if lower.contains("subject name") || lower.contains("host name") || lower.contains("hostname") {
            return HTTPError(
                .hostnameMismatch, host: host,
                reason: "the registry's certificate does not name \(request.url.host ?? host) (\(message))",
                hint: "Use the host name the certificate was issued for, or have it reissued with this name in its subjectAltName.")
        }
        return HTTPError(
            .certificateUntrusted, host: host,
            reason: "certificate not trusted by \(tls.trustDescription): \(message)",
            hint: tls.caFile.map { "Is \($0) the CA that signed the registry's certificate? A bundle of root and intermediate PEM certificates works." }
                ?? "Give the CA that signed the registry's certificate with \(tls.howToGiveCA).")
    }

    /// This side's TLS files cannot be used: the CA file, the client certificate or its key.
    static func classifyLocalFiles(code: CURLcode, message: String, tls: TLSSettings, host: String) -> HTTPError {
        let lower = message.lowercased()
        if code == CURLE_SSL_CACERT_BADFILE {
            return HTTPError(
                .caFileUnusable, host: host,
                reason: "CA file \(tls.caFile ?? "?") (from \(tls.source)) could not be loaded: \(message)",
                hint: "It must hold PEM certificates (-----BEGIN CERTIFICATE-----).")
        }
        // The key file was checked to be an unencrypted PEM key, so OpenSSL refusing it means it belongs to another certificate.
        if lower.contains("private key") {
            return HTTPError(
                .clientKeyMismatch, host: host,
                reason: "client key \(tls.keyFile ?? "?") does not match client certificate \(tls.certFile ?? "?") (from \(tls.source))",
                hint: "Give the private key that was made together with this certificate.")
        }
        return HTTPError(
            .clientCertificateUnusable, host: host,
            reason: "client certificate \(tls.certFile ?? "?") or key \(tls.keyFile ?? "?") (from \(tls.source)) could not be used: \(message)",
            hint: "Both must be PEM files, and the key must belong to the certificate and not be encrypted.")
    }

    /// The connection broke during or after the handshake: often a client certificate the
    /// registry wants or refuses, else a TLS or network failure.
    static func classifyBrokenConnection(code: CURLcode, message: String, request: HTTPRequest, received: Int64, answered: Bool = false) -> HTTPError {
        let host = request.hostDescription
        let tls = request.tls
        let lower = message.lowercased()
        if lower.contains("certificate required")
            || (tls.certFile == nil && (lower.contains("handshake failure") || lower.contains("bad certificate")))
        {
            return HTTPError(
                .clientCertificateRequired, host: host,
                reason: "the registry demands a client certificate and none was given (from \(tls.source))",
                hint: "Give one with --cert-file and --key-file (or certFile and keyfile in the repository entry).")
        }
        if lower.contains("unknown ca") || lower.contains("bad certificate") || lower.contains("certificate unknown")
            || lower.contains("unsupported certificate") || lower.contains("access denied") || lower.contains("decrypt error")
            || lower.contains("certificate expired") || lower.contains("certificate revoked")
        {
            return HTTPError(
                .clientCertificateRejected, host: host,
                reason: "the registry rejected client certificate \(tls.certFile ?? "(none)") (from \(tls.source)): \(message)",
                hint: "Use a client certificate issued by a CA the registry trusts (its clientcas), not expired.")
        }
        // With TLS 1.3 the server judges the client certificate after the handshake; its alert
        // can be lost to the connection reset that follows, so a reset before any response
        // byte while presenting a certificate means the certificate was refused.
        if let certFile = tls.certFile, received == 0, request.url.scheme == "https", lower.contains("reset") {
            return HTTPError(
                .clientCertificateRejected, host: host,
                reason: "the registry closed the connection right after the TLS handshake, rejecting client certificate \(certFile) (from \(tls.source)): \(message)",
                hint: "Use a client certificate issued by a CA the registry trusts (its clientcas), not expired.")
        }
        if code == CURLE_SSL_CONNECT_ERROR {
            return HTTPError(
                .tlsFailed, host: host, reason: "TLS handshake failed: \(message)",
                hint: "Check that \(host) speaks HTTPS on this port (use --plain-http only for a plain-HTTP registry).")
        }
        let withoutCertificate = tls.certFile == nil && request.url.scheme == "https"
        var error = HTTPError(
            .connectionFailed, host: host,
            reason: "connection broken after \(received) bytes: \(message)",
            hint: withoutCertificate
                ? "Retry; if it persists, check the registry and any proxy in between. A registry that requires a client certificate also drops connections without one (--cert-file, --key-file)."
                : "Retry; if it persists, check the registry and any proxy in between.")
        error.brokenBeforeAnswer = withoutCertificate && received == 0 && !answered
        return error
    }
}
