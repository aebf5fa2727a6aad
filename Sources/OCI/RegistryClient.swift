import Content
import Foundation
import HTTP

/// A client for one OCI registry (distribution spec v1.1): tags, manifests and blobs, with
/// anonymous, Basic and Bearer-token authentication. Every byte it returns has been checked
/// against a digest and a size limit.
///
/// Not `Sendable`: it owns its transport and its token cache. Use one per thread.
public final class RegistryClient {
    /// Limits on what a misbehaving registry can make us do.
    public struct Limits: Sendable {
        public var manifestBytes: Int64 = 4 << 20
        public var configBytes: Int64 = 1 << 20
        public var tagListPageBytes: Int64 = 8 << 20
        public var tagListPages: Int = 100
        public var tokenBytes: Int64 = 1 << 20
        /// A chart layer (or provenance file) at most: 4 GiB, far above any real chart.
        public var chartBytes: Int64 = 4 << 30
        public init() {}
    }

    /// `host:port` as written in references.
    public let registry: String
    public let tls: TLSSettings
    public let limits: Limits
    let baseURL: URL
    let transport: any HTTPTransport
    let credentials: Credentials?
    /// Bearer tokens by scope, reused for every request in that scope.
    private var tokens: [String: String] = [:]
    /// Set once the registry asked for Basic auth, so later requests send it up front.
    private var sendBasic = false
    /// How many tokens were fetched; lets tests prove tokens are reused.
    public private(set) var tokenFetches = 0
    /// How the command that made this client takes credentials, and where the ones in use came
    /// from: what 401 and 403 errors tell the user to do.
    public var credentialHelp: CredentialHelp
    /// The authentication the registry asked for so far: "anonymous", "basic" or "bearer token".
    public private(set) var authScheme = "anonymous"

    public init(
        registry: String, plainHTTP: Bool = false, tls: TLSSettings, credentials: Credentials? = nil,
        transport: any HTTPTransport, limits: Limits = Limits()
    ) throws(RegistryError) {
        guard let url = URL(string: "\(plainHTTP ? "http" : "https")://\(registry)") else {
            throw RegistryError(.invalidReference, registry: registry, reason: "not a usable registry address", hint: "Write it as host or host:port.")
        }
        self.registry = registry
        self.baseURL = url
        self.tls = tls
        self.credentials = credentials
        self.credentialHelp = .flags(registry: registry)
        self.transport = transport
        self.limits = limits
    }

    // MARK: Tags

    /// All tags of `repository`, following `Link` pagination up to `limits.tagListPages` pages.
    public func tags(repository: String) throws(RegistryError) -> [String] {
        var url = try endpoint("/v2/\(repository)/tags/list", query: "n=1000")
        var tags: [String] = []
        for _ in 0..<limits.tagListPages {
            let response = try get(url, repository: repository, accept: "application/json", body: .memory(limit: limits.tagListPageBytes))
            guard response.status == 200 else {
                throw failure(response, what: "the tag list of \(repository)", repository: repository)
            }
            struct TagList: Decodable { var tags: [String]? }
            guard let page = try? JSONDecoder().decode(TagList.self, from: response.body) else {
                throw RegistryError(
                    .badResponse, registry: registry, reason: "the tag list of \(repository) is not valid JSON",
                    hint: "Is \(registry) an OCI registry? Check the host and port.")
            }
            tags += page.tags ?? []
            guard let next = Self.nextLink(response.headerValues("Link")) else { return tags }
            guard let nextURL = URL(string: next, relativeTo: baseURL)?.absoluteURL, nextURL.origin == baseURL.origin else {
                throw RegistryError(
                    .badResponse, registry: registry, reason: "the tag list's next-page link \(next) leaves the registry",
                    hint: "Report the registry's broken pagination to its operators.")
            }
            url = nextURL
        }
        throw RegistryError(
            .tooManyTagPages, registry: registry,
            reason: "the tag list of \(repository) has more than \(limits.tagListPages) pages",
            hint: "Pin the chart with an exact version or a digest so the tag list is not needed.")
    }

    /// The `rel="next"` target of RFC 8288 `Link` header values.
    static func nextLink(_ values: [String]) -> String? {
        for value in values {
            for link in value.split(separator: ",") {
                let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
                if parts.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" || $0 == "rel=next" }) {
                    return String(target.dropFirst().dropLast())
                }
            }
        }
        return nil
    }

    // MARK: Blobs

    /// Streams a blob to `path`, checking size and digest; on any failure the file is removed.
    /// `progress` hears how much of it is on disk as it arrives.
    public func fetchBlob(repository: String, descriptor: Descriptor, to path: String, progress: (@Sendable (FileProgress) -> Void)? = nil) throws(RegistryError) {
        do {
            try checkSupported(descriptor, repository: repository)
            let url = try endpoint("/v2/\(repository)/blobs/\(descriptor.digest)")
            let response = try get(url, repository: repository, accept: nil, body: .file(path: path, limit: descriptor.size, progress: progress))
            try verify(response, descriptor: descriptor, repository: repository)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Fetches a small blob (a config) into memory, checking size and digest.
    public func fetchBlob(repository: String, descriptor: Descriptor, limit: Int64) throws(RegistryError) -> Data {
        try checkSupported(descriptor, repository: repository)
        guard descriptor.size <= limit else {
            throw RegistryError(
                .tooLarge, registry: registry,
                reason: "blob \(descriptor.digest) of \(repository) declares \(descriptor.size) bytes, more than the \(limit) allowed for \(descriptor.mediaType)",
                hint: "This does not look like a Helm chart's config; check the reference.")
        }
        let url = try endpoint("/v2/\(repository)/blobs/\(descriptor.digest)")
        let response = try get(url, repository: repository, accept: nil, body: .memory(limit: descriptor.size))
        try verify(response, descriptor: descriptor, repository: repository)
        return response.body
    }

    private func checkSupported(_ descriptor: Descriptor, repository: String) throws(RegistryError) {
        guard descriptor.digest.algorithm == "sha256" else {
            throw RegistryError(
                .unsupported, registry: registry,
                reason: "blob \(descriptor.digest) of \(repository) uses \(descriptor.digest.algorithm), which this tool cannot verify",
                hint: "Push the chart with sha256 digests (Helm's default).")
        }
    }

    private func verify(_ response: HTTPResponse, descriptor: Descriptor, repository: String) throws(RegistryError) {
        guard response.status == 200 else {
            throw failure(response, what: "blob \(descriptor.digest) of \(repository)", repository: repository)
        }
        switch ContentCheck.compare(receivedSize: response.bodySize, sha256Hex: response.sha256Hex, against: descriptor.digest, size: descriptor.size) {
        case nil: return
        case .size(let received, let declared)?:
            throw RegistryError(
                .sizeMismatch, registry: registry,
                reason: "blob \(descriptor.digest) of \(repository) is \(received) bytes, the manifest says \(declared)",
                hint: "The registry sent a different blob than the manifest lists; push \(repository) again.")
        case .digest(let received)?:
            throw RegistryError(
                .digestMismatch, registry: registry,
                reason: "blob of \(repository) should have digest \(descriptor.digest) but has \(received)",
                hint: "The registry's storage or something in between altered it; the bytes were discarded. Push \(repository) again and check the registry's storage.")
        }
    }

    // MARK: Requests and authentication

    func endpoint(_ path: String, query: String? = nil) throws(RegistryError) -> URL {
        var text = baseURL.absoluteString + path
        if let query { text += "?" + query }
        guard let url = URL(string: text) else {
            throw RegistryError(.invalidReference, registry: registry, reason: "\(path) cannot be part of a URL",
                                hint: "Check the chart's path and version: tags are letters, digits, '.', '_' and '-'.")
        }
        return url
    }

    /// One request with the scope's token (or Basic credentials once asked for); pushes give
    /// a method, headers and a request body or an upload.
    func send(_ url: URL, scope: String, accept: String?, body: ResponseBody, method: String = "GET",
              headers extra: [(name: String, value: String)] = [], requestBody: Data? = nil, upload: HTTPRequest.Upload? = nil) throws(RegistryError) -> HTTPResponse {
        var headers = extra
        if let accept { headers.append(("Accept", accept)) }
        if let token = tokens[scope] {
            headers.append(("Authorization", "Bearer \(token)"))
        } else if sendBasic, let credentials {
            headers.append(("Authorization", credentials.basicAuthorization))
        }
        do {
            var request = HTTPRequest(method: method, url: url, headers: headers, tls: tls, body: requestBody)
            request.upload = upload
            return try transport.send(request, body: body)
        } catch {
            throw RegistryError(HTTPFailure: error, registry: registry)
        }
    }

    /// GET with authentication: on a 401, answers the challenge once and repeats the request.
    func get(_ url: URL, repository: String, accept: String?, body: ResponseBody) throws(RegistryError) -> HTTPResponse {
        let scope = "repository:\(repository):pull"
        var response = try send(url, scope: scope, accept: accept, body: body)
        if response.status == 401 {
            let challenged = try authenticate(response, scope: scope)
            response = try send(url, scope: scope, accept: accept, body: body)
            if response.status == 401 {
                guard let credentials else {
                    throw RegistryError(
                        .credentialsRequired, registry: registry,
                        reason: "\(repository) needs credentials (\(challenged) authentication; anonymous access was refused)",
                        hint: credentialHelp.required)
                }
                throw RegistryError(
                    .credentialsRejected, registry: registry,
                    reason: "the registry rejected the credentials of user \"\(credentials.username)\" for \(repository)",
                    hint: credentialHelp.rejected(user: credentials.username))
            }
        }
        if response.status == 403 {
            throw RegistryError(
                .accessDenied, registry: registry,
                reason: "access to \(repository) denied (HTTP 403)\(errorDetail(response))",
                hint: credentials.map { "User \"\($0.username)\" lacks pull access to \(repository); ask the registry's administrators." }
                    ?? credentialHelp.withPullAccess)
        }
        return response
    }

    /// Answers a 401's challenge; returns its scheme name for messages.
    func authenticate(_ response: HTTPResponse, scope: String) throws(RegistryError) -> String {
        let challenges = response.headerValues("WWW-Authenticate").compactMap(AuthChallenge.init(header:))
        if let bearer = challenges.first(where: { if case .bearer = $0 { true } else { false } }),
           case let .bearer(realm, service, challengeScope) = bearer
        {
            tokens[scope] = try fetchToken(realm: realm, service: service, scopes: Set([scope, challengeScope].compactMap { $0 }).sorted())
            authScheme = "bearer token"
            return "Bearer token"
        }
        if challenges.contains(where: { if case .basic = $0 { true } else { false } }) {
            guard credentials != nil else {
                throw RegistryError(
                    .credentialsRequired, registry: registry,
                    reason: "the registry requires Basic authentication for \(Self.repository(ofScope: scope)) and no credentials were given",
                    hint: credentialHelp.required)
            }
            sendBasic = true
            authScheme = "basic"
            return "Basic"
        }
        let offered = response.headerValues("WWW-Authenticate").joined(separator: "; ")
        throw RegistryError(
            .unsupported, registry: registry,
            reason: "the registry asks for authentication this tool does not speak (\(offered.isEmpty ? "no WWW-Authenticate header" : offered))",
            hint: "Registries that use Basic or Bearer-token authentication are supported.")
    }

    /// The repository a token scope is for: `team/app` of `repository:team/app:pull,push`.
    static func repository(ofScope scope: String) -> String {
        guard scope.hasPrefix("repository:"), let actions = scope.lastIndex(of: ":") else { return scope }
        let name = scope[scope.index(scope.startIndex, offsetBy: "repository:".count)..<actions]
        return name.isEmpty ? scope : String(name)
    }

    /// Fetches a Bearer token from the realm, with Basic credentials when we have them.
    private func fetchToken(realm: String, service: String?, scopes: [String]) throws(RegistryError) -> String {
        guard var components = URLComponents(string: realm), let scheme = components.scheme, ["https", "http"].contains(scheme) else {
            throw RegistryError(
                .badResponse, registry: registry, reason: "the token realm \(realm) is not an http(s) URL",
                hint: "The registry's auth configuration is broken; tell its operators.")
        }
        if scheme == "http", baseURL.scheme == "https" {
            throw RegistryError(
                .badResponse, registry: registry, reason: "refused to send credentials to the plain-HTTP token realm \(realm)",
                hint: "Configure the registry's token realm with https.")
        }
        var items = components.queryItems ?? []
        if let service { items.append(URLQueryItem(name: "service", value: service)) }
        for scope in scopes { items.append(URLQueryItem(name: "scope", value: scope)) }
        components.queryItems = items
        guard let url = components.url else {
            throw RegistryError(.badResponse, registry: registry, reason: "the token realm \(realm) is not a valid URL", hint: "Tell the registry's operators.")
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let credentials { headers.append(("Authorization", credentials.basicAuthorization)) }
        let response: HTTPResponse
        do {
            response = try transport.send(HTTPRequest(url: url, headers: headers, tls: tls), body: .memory(limit: limits.tokenBytes))
        } catch {
            throw RegistryError(HTTPFailure: error, registry: registry, context: "token service \(url.hostAndPort)")
        }
        tokenFetches += 1
        if response.status == 401 || response.status == 403 {
            if let credentials {
                throw RegistryError(
                    .credentialsRejected, registry: registry,
                    reason: "the token service \(url.hostAndPort) rejected the credentials of user \"\(credentials.username)\"",
                    hint: credentialHelp.rejected(user: credentials.username))
            }
            throw RegistryError(
                .credentialsRequired, registry: registry,
                reason: "the token service \(url.hostAndPort) refuses anonymous access to \(scopes.map(Self.repository(ofScope:)).joined(separator: ", "))",
                hint: credentialHelp.required)
        }
        struct TokenResponse: Decodable { var token: String?; var access_token: String? }
        guard response.status == 200,
              let decoded = try? JSONDecoder().decode(TokenResponse.self, from: response.body),
              let token = decoded.token ?? decoded.access_token, !token.isEmpty
        else {
            throw RegistryError(
                .badResponse, registry: registry,
                reason: "the token service \(url.hostAndPort) answered HTTP \(response.status) without a token",
                hint: "Check the token service; it must answer JSON with a \"token\" field.")
        }
        return token
    }

    // MARK: Errors

    /// The distribution spec's error codes from a response body, for messages.
    private func errorCodes(_ response: HTTPResponse) -> [(code: String, message: String)] {
        struct Document: Decodable {
            struct Entry: Decodable { var code: String?; var message: String? }
            var errors: [Entry]?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: response.body) else { return [] }
        return (document.errors ?? []).map { ($0.code ?? "", $0.message ?? "") }
    }

    func errorDetail(_ response: HTTPResponse) -> String {
        let codes = errorCodes(response)
        guard !codes.isEmpty else { return "" }
        return ": " + codes.map { $0.message.isEmpty ? $0.code : "\($0.code) \($0.message)" }.joined(separator: "; ")
    }

    func failure(_ response: HTTPResponse, what: String, repository: String) -> RegistryError {
        let codes = errorCodes(response).map(\.code)
        switch response.status {
        case 404 where codes.contains("NAME_UNKNOWN"):
            return RegistryError(
                .repositoryNotFound, registry: registry, reason: "no chart repository \(repository) (NAME_UNKNOWN)",
                hint: "Check the chart's path in the reference; `helm push` stores a chart under its name in the path you push to.")
        case 404:
            return RegistryError(
                .versionNotFound, registry: registry, reason: "\(what) not found\(errorDetail(response))",
                hint: "Check the version or digest.")
        case 400 where baseURL.scheme == "http" && String(decoding: response.body.prefix(4096), as: UTF8.self).contains("HTTPS server"):
            // Go's TLS servers (the distribution registry, Harbor, Zot) answer plain HTTP so.
            return RegistryError(
                .registryFailed, registry: registry, reason: "\(registry) speaks TLS on this port, and the request was plain HTTP",
                hint: "Drop --plain-http (and give --ca-file if its certificate comes from a private CA).")
        default:
            return RegistryError(
                .registryFailed, registry: registry, reason: "\(what): HTTP \(response.status)\(errorDetail(response))",
                hint: response.status >= 500 ? "The registry is failing; retry later or tell its operators." : "Check the reference and credentials.")
        }
    }
}

extension RegistryError {
    /// Wraps a transport failure, keeping the host and the advice it carries.
    public init(HTTPFailure error: HTTPError, registry: String, context: String? = nil) {
        let code: Code = error.code == .localFile ? .localFile : .registryFailed
        self.init(code, registry: error.host, reason: (context.map { "\($0): " } ?? "") + error.reason, hint: error.hint)
        self.transportCode = error.code
    }
}

extension RegistryClient {
    /// `repository@sha256:…` for a digest, `repository:tag` for a tag, as references are written.
    public static func display(repository: String, reference: String) -> String {
        Digest(reference) != nil ? "\(repository)@\(reference)" : "\(repository):\(reference)"
    }
}
