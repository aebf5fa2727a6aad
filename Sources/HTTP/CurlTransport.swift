import CCurl
import Crypto
import Foundation

/// The one transport over libcurl. It owns one easy handle (so connections and TLS sessions
/// are reused between requests to the same registry) and is therefore not `Sendable`:
/// concurrency happens above it, with one transport per thread.
public final class CurlTransport: HTTPTransport {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    public let options: TransportOptions
    private var validatedTLS: Set<TLSSettings> = []
    private var warnedInsecure: Set<String> = []

    public init(options: TransportOptions = .fromEnvironment()) throws(HTTPError) {
        guard CurlGlobal.initialized else {
            throw HTTPError(.transportSetupFailed, host: "libcurl", reason: "curl_global_init failed", hint: "libcurl could not start (out of memory, or a broken TLS library); check the libcurl installation.")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPError(.transportSetupFailed, host: "libcurl", reason: "curl_easy_init failed: libcurl could not allocate a handle", hint: "The machine is out of memory; free some and try again.")
        }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.options = options
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        let host = request.hostDescription
        if !validatedTLS.contains(request.tls) {
            try request.tls.validateFiles(host: host)
            validatedTLS.insert(request.tls)
        }
        if request.tls.insecureSkipVerify, request.url.scheme == "https", !warnedInsecure.contains(host) {
            warnedInsecure.insert(host)
            options.warn("TLS verification is disabled for \(host) (insecure, from \(request.tls.source)); anyone on the network path can impersonate this registry")
        }

        var current = request
        let origin = request.url.origin
        for _ in 0...options.maxRedirects {
            let response = try sendWithRetries(current, body: body)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else {
                return response
            }
            guard let next = URL(string: location, relativeTo: current.url)?.absoluteURL,
                  let scheme = next.scheme?.lowercased(), scheme == "https" || scheme == "http"
            else {
                throw HTTPError(
                    .invalidURL, host: current.hostDescription,
                    reason: "redirected to an unusable location \(location)",
                    hint: "The registry's redirect is broken; report it to the registry's operators.")
            }
            if scheme == "http", current.url.scheme?.lowercased() == "https" {
                throw HTTPError(
                    .invalidURL, host: current.hostDescription,
                    reason: "refused a redirect from HTTPS to plain HTTP (\(next.hostAndPort))",
                    hint: "Bytes fetched over plain HTTP could be altered in transit; fix the registry's storage redirect to use HTTPS.")
            }
            if next.origin != origin {
                // Credentials and the client certificate belong to the registry, not to blob storage or a CDN.
                current.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
                current.tls.certFile = nil
                current.tls.keyFile = nil
            }
            if response.status == 303 {
                current.method = "GET"
                current.body = nil
            }
            current.url = next
        }
        throw HTTPError(
            .tooManyRedirects, host: request.hostDescription,
            reason: "more than \(options.maxRedirects) redirects for \(request.url.path)",
            hint: "The registry or a proxy redirects in a loop; check its configuration.")
    }

    private func sendWithRetries(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        var attempt = 1
        while true {
            do {
                let response = try perform(request, body: body, attempt: attempt)
                let transient = response.status == 429 || [500, 502, 503, 504].contains(response.status)
                guard transient, attempt < options.maxAttempts else { return response }
                let delay = retryDelay(attempt: attempt, retryAfter: response.header("Retry-After"))
                options.warn("\(request.hostDescription): HTTP \(response.status) for \(request.method) \(request.url.path); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                Thread.sleep(forTimeInterval: delay)
            } catch {
                guard Self.isTransient(error.code), attempt < options.maxAttempts else { throw error }
                let delay = retryDelay(attempt: attempt, retryAfter: nil)
                options.warn("\(error.host): \(error.reason); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                Thread.sleep(forTimeInterval: delay)
            }
            attempt += 1
        }
    }

    static func isTransient(_ code: HTTPError.Code) -> Bool {
        switch code {
        case .connectionFailed, .timedOut, .truncated: return true
        default: return false
        }
    }

    /// Exponential backoff, or the server's `Retry-After` (seconds) when given, capped.
    func retryDelay(attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, options.maxRetryAfter)
        }
        return min(options.baseDelay * pow(2, Double(attempt - 1)), options.maxRetryAfter)
    }

    private func perform(_ request: HTTPRequest, body: ResponseBody, attempt: Int) throws(HTTPError) -> HTTPResponse {
        let host = request.hostDescription
        let context: TransferContext
        do {
            context = try TransferContext(body: body, attempt: attempt)
        } catch {
            throw HTTPError(
                .localFile, host: host, reason: "cannot write \(error.path): \(error.message)",
                hint: "Check that the destination folder exists and is writable.")
        }
        defer { context.close() }

        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        let options = CurlOptions(handle: handle, host: host)
        try configure(options, for: request, context: context, headerList: &headerList)

        let code = withExtendedLifetime(context) { curl_easy_perform(handle) }
        context.flush()

        if let failure = context.failure {
            switch failure {
            case .tooLarge(let limit):
                throw HTTPError(
                    .bodyTooLarge, host: host,
                    reason: "\(request.method) \(request.url.path) sent more than the \(limit) bytes expected",
                    hint: "The registry sent more data than its manifest declares; the content is not trusted. Report it to the registry's operators.")
            case .write(let message):
                throw HTTPError(
                    .localFile, host: host, reason: "writing the download failed: \(message)",
                    hint: "Check free space and permissions of the destination folder.")
            }
        }
        if code != CURLE_OK {
            let message = String(cString: errorBuffer)
            throw Self.classify(
                code: code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message,
                request: request, received: context.received)
        }
        var status = 0
        // Should libcurl not say, the status line the header callback saw is used instead.
        if withUnsafeMutablePointer(to: &status, { bundle_curl_get_long(handle, CURLINFO_RESPONSE_CODE, $0) }) != CURLE_OK { status = 0 }
        if status == 0 { status = context.status }
        return HTTPResponse(
            status: status, headers: context.headers, body: context.bodyData, bodySize: context.received,
            sha256Hex: context.digestHex(), url: request.url)
    }

    /// Maps a libcurl failure to a code and a message that says what to do.
    static func classify(code: CURLcode, message: String, request: HTTPRequest, received: Int64) -> HTTPError {
        let host = request.hostDescription
        let tls = request.tls
        let lower = message.lowercased()
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
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
                    ?? "Give the CA that signed the registry's certificate (--ca-file, or caFile in the repository entry).")
        case CURLE_SSL_CACERT_BADFILE:
            return HTTPError(
                .caFileUnusable, host: host,
                reason: "CA file \(tls.caFile ?? "?") (from \(tls.source)) could not be loaded: \(message)",
                hint: "It must hold PEM certificates (-----BEGIN CERTIFICATE-----).")
        case CURLE_SSL_CERTPROBLEM:
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
        case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
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
            return HTTPError(
                .connectionFailed, host: host,
                reason: "connection broken after \(received) bytes: \(message)",
                hint: tls.certFile == nil && request.url.scheme == "https"
                    ? "Retry; if it persists, check the registry and any proxy in between. A registry that requires a client certificate also drops connections without one (--cert-file, --key-file)."
                    : "Retry; if it persists, check the registry and any proxy in between.")
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
}

/// `curl_global_init` exactly once per process.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(3) == CURLE_OK
}

/// State of one transfer, reached from libcurl's callbacks through an unretained pointer.
final class TransferContext {
    enum Failure { case tooLarge(Int64), write(String) }
    struct OpenError: Error { var path: String; var message: String }

    private let limit: Int64
    private var fd: Int32 = -1
    private var memory = Data()
    private var errorBody = Data()
    private var hasher = SHA256()
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var received: Int64 = 0
    private(set) var failure: Failure?
    private let toFile: Bool
    private let attempt: Int
    private let progress: (@Sendable (FileProgress) -> Void)?
    private var onDisk: Int64 = 0

    init(body: ResponseBody, attempt: Int) throws(OpenError) {
        self.attempt = attempt
        switch body {
        case .memory(let limit):
            self.limit = limit
            toFile = false
            progress = nil
        case .file(let path, let limit, let progress):
            self.limit = limit
            toFile = true
            self.progress = progress
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 { throw OpenError(path: path, message: String(cString: strerror(errno))) }
            progress?(FileProgress(attempt: attempt, bytes: 0))
        }
    }

    /// Bytes waiting to be written: TLS hands over 16 KiB at a time, the disk gets 1 MiB.
    private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var buffered = 0

    deinit {
        buffer.deallocate()
    }

    func close() {
        if fd >= 0 {
            Foundation.close(fd)
            fd = -1
        }
    }

    /// Writes out what is buffered; false (with `failure` set) if the disk refused.
    @discardableResult
    func flush() -> Bool {
        guard toFile, buffered > 0 else { return true }
        defer { buffered = 0 }
        return writeOut(UnsafeRawBufferPointer(start: buffer.baseAddress, count: buffered))
    }

    /// Tells the listener how much is on disk now.
    private func report(_ count: Int) {
        onDisk += Int64(count)
        progress?(FileProgress(attempt: attempt, bytes: onDisk))
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // Non-empty here, so the buffer has an address.
            guard let base = bytes.baseAddress else { return true }
            let n = Foundation.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = .write(String(cString: strerror(errno)))
                return false
            }
            offset += n
        }
        report(bytes.count)
        return true
    }

    var bodyData: Data { (200..<300).contains(status) ? memory : errorBody }

    func digestHex() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func header(_ line: UnsafeBufferPointer<UInt8>) {
        guard let raw = String(bytes: line, encoding: .utf8) ?? String(bytes: line, encoding: .isoLatin1) else { return }
        // "\r\n" is one Character in Swift, so trim by character set, not by suffix.
        let text = raw.trimmingCharacters(in: .newlines)
        if text.hasPrefix("HTTP/") {
            // A new response (after a proxy CONNECT or a 100 Continue): start over.
            headers.removeAll()
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        headers.append((name, value))
    }

    /// Returns the number of bytes taken; anything else makes libcurl abort the transfer.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard (200..<300).contains(status) else {
            // Error documents are small; keep the first 64 KiB for the message.
            if errorBody.count < 65_536 { errorBody.append(contentsOf: bytes.prefix(65_536 - errorBody.count)) }
            return bytes.count
        }
        if received + Int64(bytes.count) > limit {
            failure = .tooLarge(limit)
            return 0
        }
        hasher.update(bufferPointer: bytes)
        if toFile {
            if buffered + bytes.count > buffer.count, !flush() { return 0 }
            if bytes.count > buffer.count {
                guard writeOut(bytes) else { return 0 }
            } else {
                UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<buffered + bytes.count]).copyMemory(from: bytes)
                buffered += bytes.count
            }
        } else {
            memory.append(contentsOf: bytes)
        }
        received += Int64(bytes.count)
        return bytes.count
    }
}

let curlWriteCallback: bundle_curl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return 0 }
    return context.write(UnsafeRawBufferPointer(start: pointer, count: length))
}

let curlHeaderCallback: bundle_curl_data_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let pointer else { return length }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        context.header(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}
