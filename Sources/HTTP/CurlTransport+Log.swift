import Diagnostics
import Foundation

/// What `--verbose` and `--debug` say about each exchange: the request with its trust, and
/// the answer. Secrets stay out: credential headers are redacted, bodies never shown, a URL's
/// user and password dropped.
extension CurlTransport {
    func logRequest(_ request: HTTPRequest) {
        let attempt = request.attempt
        guard Log.shows(.debug) else { return }
        var lines = ["> \(request.method) \(Self.shown(request.url))\(attempt > 1 ? " (attempt \(attempt))" : "")"]
        lines += request.headers.map { "> " + Log.header($0.name, $0.value) }
        if let body = request.body { lines.append("> (body: \(body.count) bytes)") }
        if let upload = request.upload { lines.append("> (upload: \(upload.length) bytes of \(upload.path) from offset \(upload.offset))") }
        Log.debug(lines.joined(separator: "\n"))
    }

    func logResponse(_ request: HTTPRequest, _ response: HTTPResponse) {
        if Log.shows(.debug) {
            let lines = ["< HTTP \(response.status)"] + response.headers.map { "< " + Log.header($0.name, $0.value) }
            Log.debug(lines.joined(separator: "\n"))
        }
        Log.verbose("\(request.method) \(Self.shown(request.url)): HTTP \(response.status), \(response.bodySize) bytes; trusting \(Self.trust(of: request))")
    }

    func logFailure(_ request: HTTPRequest, _ error: HTTPError) {
        Log.verbose("\(request.method) \(Self.shown(request.url)): failed (\(error.code.rawValue)): \(error.reason); trusting \(Self.trust(of: request))")
    }

    /// The trust a request was made with: the CA (or none), and the client certificate.
    static func trust(of request: HTTPRequest) -> String {
        guard request.url.scheme?.lowercased() == "https" else { return "nothing (plain HTTP)" }
        let tls = request.tls
        return tls.trustDescription + (tls.certFile.map { ", client certificate \($0)" } ?? "")
    }

    /// The URL without user information, and query values other than the registry API's
    /// own redacted (a signed storage URL is a credential until it expires).
    static func shown(_ url: URL) -> String {
        guard url.user != nil || url.password != nil, var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            return Log.redactingQuery(url.absoluteString)
        }
        parts.user = nil
        parts.password = nil
        return Log.redactingQuery(parts.string ?? url.absoluteString)
    }
}
