import Content
import Crypto
import Foundation
import HTTP
import OCI
import Synchronization

/// Answers HTTP requests from a table, so the build's parts can be unit-tested without a
/// network: the responses are what the distribution registry (and a classic repository)
/// send for the same requests. It counts requests per path, so a test can prove what was
/// (not) fetched. Shared by every transport a factory makes; safe across threads.
final class ScriptedServer: Sendable {
    struct Response: Sendable {
        var status = 200
        var headers: [(name: String, value: String)] = []
        var body = Data()
    }

    private let routes = Mutex<[String: Response]>([:])
    private let served = Mutex<[String: Int]>([:])

    func answer(_ path: String, _ response: Response) {
        routes.withLock { $0[path] = response }
    }

    func answer(_ path: String, body: Data, contentType: String? = nil, digest: Bool = false) {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if digest { headers.append(("Docker-Content-Digest", Content.Digest.sha256(of: body).description)) }
        answer(path, Response(headers: headers, body: body))
    }

    /// How many times `path` was asked for.
    func count(_ path: String) -> Int { served.withLock { $0[path] ?? 0 } }
    var requests: [String] { served.withLock { Array($0.keys).sorted() } }

    /// The response for `path`; a HEAD gets the GET's status and headers with Content-Length
    /// and no body, and is counted as "HEAD path".
    func response(for path: String, method: String = "GET") -> Response {
        served.withLock { $0[method == "GET" ? path : "\(method) \(path)", default: 0] += 1 }
        if method != "GET", let special = routes.withLock({ $0["\(method) \(path)"] }) { return special }
        guard var response = routes.withLock({ $0[path] }) else {
            return Response(status: 404, body: Data(#"{"errors":[{"code":"NOT_FOUND","message":"not scripted"}]}"#.utf8))
        }
        if method == "HEAD" {
            response.headers.append(("Content-Length", "\(response.body.count)"))
            response.body = Data()
        }
        return response
    }

    /// A factory for builds and plans: each call makes a transport onto this server.
    var factory: @Sendable () throws(HTTPError) -> any HTTPTransport {
        { () throws(HTTPError) -> any HTTPTransport in ScriptedTransport(server: self) }
    }
}

/// One transport onto a `ScriptedServer`: bodies go to memory or to a file as asked, hashed.
final class ScriptedTransport: HTTPTransport {
    let server: ScriptedServer

    init(server: ScriptedServer) {
        self.server = server
    }

    func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        let scripted = server.response(for: request.url.path + (request.url.query.map { "?\($0)" } ?? ""), method: request.method)
        let hex = SHA256.hash(data: scripted.body).map { String(format: "%02x", $0) }.joined()
        var memory = scripted.body
        if case .file(let path, let limit, let progress) = body, (200..<300).contains(scripted.status) {
            guard Int64(scripted.body.count) <= limit else {
                throw HTTPError(.bodyTooLarge, host: request.hostDescription, reason: "more than \(limit) bytes", hint: "")
            }
            guard FileManager.default.createFile(atPath: path, contents: scripted.body) else {
                throw HTTPError(.localFile, host: request.hostDescription, reason: "cannot write \(path)", hint: "")
            }
            progress?(FileProgress(attempt: 1, bytes: Int64(scripted.body.count)))
            memory = Data()
        }
        return HTTPResponse(status: scripted.status, headers: scripted.headers, body: memory, bodySize: Int64(scripted.body.count),
                            sha256Hex: hex, url: request.url)
    }
}
