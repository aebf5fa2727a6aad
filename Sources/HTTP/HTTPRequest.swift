import Content
import Foundation

/// One HTTP request, with the TLS settings of the registry it is for.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    /// Header fields in order. `Authorization` is dropped when a redirect leaves the origin.
    public var headers: [(name: String, value: String)]
    public var tls: TLSSettings
    /// A small request body (manifests, token forms).
    public var body: Data?
    /// A blob to upload, streamed from a file (`PUT`/`PATCH`): its path, the offset to start
    /// at and how many bytes to send.
    public var upload: Upload?
    /// Which try of the request this is (`RetryPolicy` counts), for the log and for progress.
    public var attempt = 1

    public struct Upload: Sendable {
        public var path: String
        public var offset: Int64
        public var length: Int64
        /// Hears each run of bytes handed to libcurl (a retried upload is heard again).
        public var progress: (@Sendable (Int64) -> Void)?
        public init(path: String, offset: Int64 = 0, length: Int64, progress: (@Sendable (Int64) -> Void)? = nil) {
            self.path = path
            self.offset = offset
            self.length = length
            self.progress = progress
        }
    }

    public init(
        method: String = "GET", url: URL, headers: [(name: String, value: String)] = [],
        tls: TLSSettings, body: Data? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.tls = tls
        self.body = body
    }

    /// `host:port` (port omitted when absent) for messages.
    public var hostDescription: String { url.hostAndPort }
}

/// Where a response body goes. Bodies of non-2xx responses always go to memory (bounded),
/// because they are error documents, whatever was asked for here.
public enum ResponseBody: Sendable {
    /// Keep in memory, refusing more than `limit` bytes.
    case memory(limit: Int64)
    /// Stream to `path` (created or truncated), hashing as it goes, refusing more than `limit`
    /// bytes; `progress` hears how much is on disk, so a reader can follow the file as it grows.
    case file(path: String, limit: Int64, progress: (@Sendable (FileProgress) -> Void)? = nil)
}

/// How far a `.file` download is: a retry starts the file over, with the next attempt number.
public struct FileProgress: Sendable {
    public var attempt: Int
    /// Bytes written to the file (and flushed to the kernel) in this attempt.
    public var bytes: Int64

    public init(attempt: Int, bytes: Int64) {
        self.attempt = attempt
        self.bytes = bytes
    }
}

/// A response: status, headers and what was received, with its SHA-256.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The body for `.memory` sinks and for every non-2xx response.
    public var body: Data
    /// Number of body bytes received (written to the file for `.file` sinks).
    public var bodySize: Int64
    /// Lower-case hex SHA-256 of the body bytes received.
    public var sha256Hex: String
    /// The URL that finally answered, after redirects.
    public var url: URL

    public init(
        status: Int, headers: [(name: String, value: String)], body: Data, bodySize: Int64,
        sha256Hex: String, url: URL
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodySize = bodySize
        self.sha256Hex = sha256Hex
        self.url = url
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// All values of a header, matched case-insensitively.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends requests. The OCI client receives one in its initializer, so its logic can be
/// unit-tested without a network; production uses `CurlTransport`.
public protocol HTTPTransport {
    /// Sends `request` and returns the response (`CurlTransport`: one exchange; the policies
    /// of `HTTPTransports.standard` around it follow redirects and retry transient failures).
    /// Throws `HTTPError` for failures below HTTP (TLS, connection, truncation).
    func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse
}

extension URL {
    /// `host:port` as written in references and messages; IPv6 hosts in brackets.
    public var hostAndPort: String {
        let h = host ?? "?"
        let shown = h.contains(":") ? "[\(h)]" : h
        if let port { return "\(shown):\(port)" }
        return shown
    }

    /// scheme://host:port with the default port made explicit, to compare origins.
    public var origin: String {
        let scheme = (self.scheme ?? "").lowercased()
        let defaultPort = scheme == "http" ? 80 : 443
        return "\(scheme)://\((host ?? "").lowercased()):\(port ?? defaultPort)"
    }
}
