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

    /// `options` nil: the defaults with the environment's overrides (`fromEnvironment`).
    public init(options: TransportOptions? = nil) throws(HTTPError) {
        let resolved: TransportOptions
        if let options { resolved = options } else { resolved = try TransportOptions.fromEnvironment() }
        let options = resolved
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
                current.upload = nil
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
                let response = try performLogged(request, body: body, attempt: attempt)
                let transient = response.status == 429 || [500, 502, 503, 504].contains(response.status)
                guard transient, attempt < options.maxAttempts else { return response }
                let delay = retryDelay(attempt: attempt, retryAfter: response.header("Retry-After"))
                options.warn("\(request.hostDescription): HTTP \(response.status) for \(request.method) \(request.url.path); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                Thread.sleep(forTimeInterval: delay)
            } catch {
                guard Self.isTransient(error.code), attempt < options.maxAttempts else { throw error }
                if attempt == 1 && error.brokenBeforeAnswer {
                    // Most likely a registry refusing the missing client certificate, its alert
                    // lost to the reset: asked again at once, it says so. No warning for that.
                    attempt += 1
                    continue
                }
                let delay = retryDelay(attempt: attempt, retryAfter: nil)
                options.warn("\(error.host): \(error.reason); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                Thread.sleep(forTimeInterval: delay)
            }
            attempt += 1
        }
    }

    /// One attempt, as `--verbose` and `--debug` show it.
    private func performLogged(_ request: HTTPRequest, body: ResponseBody, attempt: Int) throws(HTTPError) -> HTTPResponse {
        logRequest(request, attempt: attempt)
        do throws(HTTPError) {
            let response = try perform(request, body: body, attempt: attempt)
            logResponse(request, response)
            return response
        } catch {
            logFailure(request, error)
            throw error
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
            context = try TransferContext(body: body, attempt: attempt, upload: request.upload)
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
        context.finishBody()

        if let failure = context.failure {
            switch failure {
            case .tooLarge(let limit):
                throw HTTPError(
                    .bodyTooLarge, host: host,
                    reason: "\(request.method) \(request.url.path) sent more than the \(limit) bytes expected",
                    hint: "The registry sent more data than its manifest declares; the content is not trusted. Report it to the registry's operators.")
            case .write(let message):
                var destination = ""
                if case .file(let path, _, _) = body { destination = " to \(path)" }
                throw HTTPError(
                    .localFile, host: host, reason: "writing the download\(destination) failed: \(message)",
                    hint: "Check free space, permissions and the health of the disk holding the destination folder.")
            }
        }
        if context.headersTooLarge {
            throw HTTPError(
                .bodyTooLarge, host: host,
                reason: "\(request.method) \(request.url.path): the server sent more than \(TransferContext.maxHeaderBytes / 1024) KiB of response headers",
                hint: "This is not how a registry answers; check the host and any proxy in between.")
        }
        if code != CURLE_OK {
            let message = String(cString: errorBuffer)
            throw Self.classify(
                code: code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message,
                request: request, received: context.received, answered: context.status != 0)
        }
        var status = 0
        // Should libcurl not say, the status line the header callback saw is used instead.
        if withUnsafeMutablePointer(to: &status, { bundle_curl_get_long(handle, CURLINFO_RESPONSE_CODE, $0) }) != CURLE_OK { status = 0 }
        if status == 0 { status = context.status }
        return HTTPResponse(
            status: status, headers: context.headers, body: context.bodyData, bodySize: context.received,
            sha256Hex: context.digestHex(), url: request.url)
    }
}

/// `curl_global_init` exactly once per process.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(3) == CURLE_OK
}
