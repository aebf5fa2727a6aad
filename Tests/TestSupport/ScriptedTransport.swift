import Content
import Foundation
import HTTP
import Synchronization

/// The test suites' one transport without a network: it answers each request from a script
/// (a function of the request, or a `ScriptedServer`'s table), records what it was sent, and
/// delivers bodies as the real transport does: to memory, or to a file within the request's
/// limit with its progress heard, always hashed. Real registries answer the same requests in
/// IntegrationTests.
public final class ScriptedTransport: HTTPTransport {
    public typealias Answer = (status: Int, headers: [(String, String)], body: Data)

    public private(set) var requests: [HTTPRequest] = []
    private let answer: (HTTPRequest) throws(HTTPError) -> Answer

    /// Answers with `answer` (which may throw a transport failure).
    public init(_ answer: @escaping (HTTPRequest) throws(HTTPError) -> Answer) {
        self.answer = answer
    }

    /// Answers from `server`'s table.
    public convenience init(server: ScriptedServer) {
        self.init { request in
            let scripted = server.response(for: request.url.path + (request.url.query.map { "?\($0)" } ?? ""), method: request.method)
            return (scripted.status, scripted.headers.map { ($0.name, $0.value) }, scripted.body)
        }
    }

    /// Answers each request with the next of `outcomes`, in order (an answer or a failure).
    public convenience init(sequence outcomes: [Result<Answer, HTTPError>]) {
        let queue = Mutex(outcomes)
        self.init { _ throws(HTTPError) in
            let next = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let next else { return (500, [], Data("nothing scripted".utf8)) }
            return try next.get()
        }
    }

    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        requests.append(request)
        let (status, headers, data) = try answer(request)
        var memory = data
        if case .file(let path, let limit, let progress) = body, (200..<300).contains(status) {
            guard Int64(data.count) <= limit else {
                throw HTTPError(.bodyTooLarge, host: request.hostDescription, reason: "more than \(limit) bytes", hint: "")
            }
            guard FileManager.default.createFile(atPath: path, contents: data) else {
                throw HTTPError(.localFile, host: request.hostDescription, reason: "cannot write \(path)", hint: "")
            }
            progress?(FileProgress(attempt: request.attempt, bytes: Int64(data.count)))
            memory = Data()
        }
        return HTTPResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: memory, bodySize: Int64(data.count),
                            sha256Hex: Digest.sha256(of: data).hex, url: request.url)
    }
}

/// Answers HTTP requests from a table, so the build's parts can be unit-tested without a
/// network: the responses are what the distribution registry (and a classic repository)
/// send for the same requests. It counts requests per path, so a test can prove what was
/// (not) fetched. Shared by every transport a factory makes; safe across threads.
public final class ScriptedServer: Sendable {
    public struct Response: Sendable {
        public var status = 200
        public var headers: [(name: String, value: String)] = []
        public var body = Data()

        public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    private let routes = Mutex<[String: Response]>([:])
    private let served = Mutex<[String: Int]>([:])

    public init() {}

    public func answer(_ path: String, _ response: Response) {
        routes.withLock { $0[path] = response }
    }

    public func answer(_ path: String, body: Data, contentType: String? = nil, digest: Bool = false) {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if digest { headers.append(("Docker-Content-Digest", Digest.sha256(of: body).description)) }
        answer(path, Response(headers: headers, body: body))
    }

    /// How many times `path` was asked for.
    public func count(_ path: String) -> Int { served.withLock { $0[path] ?? 0 } }
    public var requests: [String] { served.withLock { Array($0.keys).sorted() } }

    /// The response for `path`; a HEAD gets the GET's status and headers with Content-Length
    /// and no body, and is counted as "HEAD path".
    public func response(for path: String, method: String = "GET") -> Response {
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
    public var factory: @Sendable () throws(HTTPError) -> any HTTPTransport {
        { () throws(HTTPError) -> any HTTPTransport in ScriptedTransport(server: self) }
    }
}
