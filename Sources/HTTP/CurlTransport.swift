import CCurl
import Content
import Crypto
import Foundation

/// The one transport over libcurl: one HTTP exchange per request (the policies in
/// `HTTPTransports.standard` follow redirects and retry). It owns one easy handle (so
/// connections and TLS sessions are reused between requests to the same registry) and is
/// therefore not `Sendable`: concurrency happens above it, with one transport per thread.
public final class CurlTransport: HTTPTransport {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    public let options: TransportOptions
    private var validatedTLS: Set<TLSSettings> = []

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

    /// One exchange: no redirect followed, no retry (`HTTPTransports.standard` adds those).
    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        if !validatedTLS.contains(request.tls) {
            try request.tls.validateFiles(host: request.hostDescription)
            validatedTLS.insert(request.tls)
        }
        return try performLogged(request, body: body)
    }

    /// One attempt (`request.attempt`), as `--verbose` and `--debug` show it.
    private func performLogged(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        logRequest(request)
        do throws(HTTPError) {
            let response = try perform(request, body: body)
            logResponse(request, response)
            return response
        } catch {
            logFailure(request, error)
            throw error
        }
    }

    private func perform(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        let host = request.hostDescription
        let context: TransferContext
        do {
            context = try TransferContext(body: body, attempt: request.attempt, upload: request.upload)
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
