import Content
import Crypto
import FileSystem
import Foundation
import HTTP
import OCI

/// A chart resolved in a classic repository.
public struct RepositoryChart: Sendable {
    public var repositoryURL: String
    public var entry: IndexEntry
    /// The archive's absolute URL.
    public var url: URL
    public var digest: Content.Digest
    /// What the user should know about the choice (several entries of equal precedence).
    public var warnings: [String] = []
}

/// A client for one classic Helm chart repository (index.yaml over HTTP(S)): the index is
/// fetched with the repository's TLS settings and credentials and cached on disk with
/// revalidation (ETag, Last-Modified); versions resolve with Helm's rules; archives are
/// checked against the index's digest. Credentials and the client certificate go only to the
/// repository's own origin.
///
/// Not `Sendable`: it owns its transport. Use one per thread.
public final class ChartRepositoryClient {
    public let url: String
    let base: URL
    let tls: TLSSettings
    let credentials: Credentials?
    let transport: any HTTPTransport
    let cacheDir: String
    /// The largest index and archive accepted.
    public var indexLimit: Int64 = 512 << 20
    public var archiveLimit: Int64 = 2 << 30
    /// What a 401 tells the user to do: the command's way of taking credentials.
    public var credentialHelp: CredentialHelp
    private var indexFile: String?

    public init(url: String, tls: TLSSettings, credentials: Credentials?, transport: any HTTPTransport, cacheDir: String) throws(RegistryError) {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let base = URL(string: trimmed + "/"), let scheme = base.scheme?.lowercased(), scheme == "https" || scheme == "http", base.host != nil else {
            throw RegistryError(.invalidReference, registry: url, reason: "not an http(s) chart repository URL", hint: "Write it as https://HOST/PATH.")
        }
        self.url = trimmed
        self.base = base
        self.tls = tls
        self.credentials = credentials
        self.transport = transport
        self.cacheDir = cacheDir
        self.credentialHelp = .flags(registry: base.hostAndPort)
    }

    public var host: String { base.hostAndPort }

    private func headers(for target: URL) -> [(name: String, value: String)] {
        guard target.origin == base.origin, let credentials else { return [] }
        return [("Authorization", "Basic " + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString())]
    }

    private func tls(for target: URL) -> TLSSettings {
        var settings = tls
        if target.origin != base.origin {
            settings.certFile = nil
            settings.keyFile = nil
        }
        return settings
    }

    private func send(_ target: URL, method: String = "GET", extra: [(name: String, value: String)] = [], body: ResponseBody) throws(RegistryError) -> HTTPResponse {
        do {
            return try transport.send(HTTPRequest(method: method, url: target, headers: headers(for: target) + extra, tls: tls(for: target)), body: body)
        } catch {
            throw RegistryError(HTTPFailure: error, registry: host)
        }
    }

    /// `archive`: the failure is a chart archive's (the index was read), not the index's.
    private func failure(_ response: HTTPResponse, what: String, archive: Bool = false) -> RegistryError {
        switch response.status {
        case 401:
            guard let credentials else {
                return RegistryError(.credentialsRequired, registry: host, reason: "\(what) needs credentials (HTTP 401)", hint: credentialHelp.required)
            }
            return RegistryError(.credentialsRejected, registry: host, reason: "the repository rejected the credentials of user \"\(credentials.username)\" for \(what)",
                                 hint: credentialHelp.rejected(user: credentials.username))
        // nginx (and others) finish the handshake and answer 400 when the client certificate is missing or bad.
        case 400 where String(decoding: response.body, as: UTF8.self).contains("No required SSL certificate"):
            var error = RegistryError(.credentialsRequired, registry: host, reason: "the repository demands a client certificate and none was given (from \(tls.source))",
                                      hint: "Give certFile and keyfile in the repository entry (--cert-file and --key-file for pull).")
            error.transportCode = .clientCertificateRequired
            return error
        case 400 where String(decoding: response.body, as: UTF8.self).contains("SSL certificate error"):
            var error = RegistryError(.credentialsRejected, registry: host, reason: "the repository rejected client certificate \(tls.certFile ?? "?") (from \(tls.source))",
                                      hint: "Use a client certificate issued by a CA the repository trusts (its ssl_client_certificate), not expired.")
            error.transportCode = .clientCertificateRejected
            return error
        case 403:
            return RegistryError(.accessDenied, registry: host, reason: "access to \(what) denied (HTTP 403)", hint: "Ask the repository's administrators for read access.")
        case 404:
            if archive {
                return RegistryError(.repositoryNotFound, registry: host, reason: "the chart archive \(what) is not found (HTTP 404), though the repository's index lists it",
                                     hint: "The repository's index.yaml is stale or its urls point elsewhere: regenerate it (`helm repo index`) or ask its owners.")
            }
            return RegistryError(.repositoryNotFound, registry: host, reason: "\(what) not found (HTTP 404)", hint: "Check the repository URL; it must be the folder that holds index.yaml.")
        default:
            return RegistryError(.registryFailed, registry: host, reason: "\(what): HTTP \(response.status)", hint: response.status >= 500 ? "The repository is failing; retry later." : "Check the repository URL.")
        }
    }

    /// The index on disk, fetched or revalidated once per client.
    func indexPath() throws(RegistryError) -> String {
        if let indexFile { return indexFile }
        let key = Content.Digest.sha256(of: Data(url.utf8)).hex
        let folder = "\(cacheDir)/indexes"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder)/\(key).yaml", metaPath = "\(folder)/\(key).json"
        struct Meta: Codable { var etag: String?; var lastModified: String? }
        var extra: [(name: String, value: String)] = [("Accept", "application/x-yaml, text/yaml, */*")]
        if FileManager.default.fileExists(atPath: path), let data = FileManager.default.contents(atPath: metaPath),
           let meta = try? JSONDecoder().decode(Meta.self, from: data)
        {
            if let etag = meta.etag { extra.append(("If-None-Match", etag)) }
            if let modified = meta.lastModified { extra.append(("If-Modified-Since", modified)) }
        }
        let temporary = DurableFile.temporaryPath(for: path)
        defer { unlink(temporary) }  // gone already once renamed; removes a failed download
        let indexURL = base.appendingPathComponent("index.yaml")
        let response = try send(indexURL, extra: extra, body: .file(path: temporary, limit: indexLimit))
        if response.status == 304 {
            indexFile = path
            return path
        }
        guard response.status == 200 else { throw failure(response, what: "\(indexURL.path)") }
        do {
            // The validators are dropped first, so a crash between the two writes means a fresh fetch, never a stale 304.
            try DurableFile.remove(metaPath)
            try DurableFile.flushTemporary(temporary)
            try DurableFile.commit(temporary, to: path)
        } catch {
            throw RegistryError(.localFile, registry: host, reason: "cannot store the index in \(folder): \(error.reason)", hint: "Check the cache folder's space and permissions.")
        }
        let meta = Meta(etag: response.header("ETag"), lastModified: response.header("Last-Modified"))
        // Without the validators the next build fetches the index whole: nothing is lost but time.
        if let data = try? JSONEncoder().encode(meta) { try? DurableFile.write(data, to: metaPath) }
        indexFile = path
        return path
    }

    /// The entries of `chart` in the index.
    public func entries(of chart: String) throws(RegistryError) -> [IndexEntry] {
        let path = try indexPath()
        let found: [IndexEntry]?
        do {
            found = try RepositoryIndex.entries(of: chart, inFile: path)
        } catch {
            throw RegistryError(.badResponse, registry: host, reason: "\(url)/index.yaml \(error.message)", hint: "Is \(url) a Helm chart repository?")
        }
        guard let entries = found else {
            throw RegistryError(.repositoryNotFound, registry: host, reason: "the index of \(url) has no chart \"\(chart)\"", hint: "Check the chart's name (`helm search repo` lists them).")
        }
        return entries
    }

    /// Resolves `chart` with Helm's rules: an exact version, or the highest version matching
    /// a constraint (stable only unless it names a pre-release); none: highest stable.
    public func resolve(chart: String, version: String?) throws(RegistryError) -> RepositoryChart {
        let entries = try entries(of: chart)
        var chosen: IndexEntry?
        var warnings: [String] = []
        // As Helm's IndexFile.Get: the string must be a constraint; an entry whose version is
        // exactly the string wins; else the highest entry the constraint takes (the index's
        // versions read leniently, so `v1.0.0` takes part).
        let constraint: VersionConstraint
        if let version, !version.isEmpty {
            guard let parsed = VersionConstraint(version) else {
                throw RegistryError(.invalidReference, registry: host, reason: "\"\(version)\" is neither a version nor a version constraint",
                                    hint: "Use an exact version (1.2.3) or a constraint such as ^1.2, ~1.2.0, >=1.0 <2.0 or 1.x.")
            }
            constraint = parsed
        } else {
            constraint = .anyStable
        }
        if let version, let exact = entries.first(where: { $0.version == version }) {
            chosen = exact
        } else {
            let candidates = entries.compactMap { entry in SemanticVersion(entry.version).map { (version: $0, text: entry.version) } }
            if let choice = VersionSelection.highest(candidates, matching: constraint) {
                chosen = entries.first { $0.version == choice.chosen }
                if let warning = choice.tieWarning("\(url) \(chart)") { warnings.append(warning) }
            }
        }
        guard let entry = chosen else {
            let near = VersionSelection.nearest(to: version ?? "", among: entries.map(\.version))
            throw RegistryError(version.flatMap { SemanticVersion(strict: $0) } != nil ? .versionNotFound : .noMatchingVersion, registry: host,
                                reason: "\(url) has no version of \(chart) matching \(version ?? "a stable release")",
                                hint: near.isEmpty ? "The index lists no versions." : "Nearest available: \(near.joined(separator: ", ")).")
        }
        // The name and version become file names (NAME-VERSION.tgz): nothing that could leave a folder.
        guard PulledFile.isSafeComponent(entry.name), PulledFile.isSafeComponent(entry.version), entry.name == chart else {
            throw RegistryError(.notAChart, registry: host, reason: "the index lists \(chart) as name \"\(entry.name)\" version \"\(entry.version)\", which cannot be a chart file name",
                                hint: "Names and versions must not contain '/' or start with '.', and must match the entry; regenerate the index with `helm repo index`.")
        }
        guard let first = entry.urls.first, let target = URL(string: first, relativeTo: base)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "https" || scheme == "http"
        else {
            throw RegistryError(.badResponse, registry: host, reason: "the index gives no usable URL for \(chart) \(entry.version)", hint: "Regenerate the index with `helm repo index`.")
        }
        guard let hex = entry.digest?.lowercased(), let digest = Content.Digest("sha256:" + hex) else {
            throw RegistryError(.unsupported, registry: host, reason: "the index gives no sha256 digest for \(chart) \(entry.version), so the archive cannot be verified",
                                hint: "Regenerate the index with `helm repo index`, which records digests.")
        }
        return RepositoryChart(repositoryURL: url, entry: entry, url: target, digest: digest, warnings: warnings)
    }

    /// Downloads the archive into `directory` as `NAME-VERSION.tgz`, verified before it gets
    /// that name (see `PulledFile.writeAtomically`). Returns its path and size.
    public func download(_ chart: RepositoryChart, into directory: String) throws(RegistryError) -> (path: String, size: Int64) {
        let path = (directory as NSString).appendingPathComponent("\(chart.entry.name)-\(chart.entry.version).tgz")
        let size = try PulledFile.writeAtomically(to: path, registry: host) { temporary throws(RegistryError) in
            try download(chart, to: temporary)
        }
        return (path, size)
    }

    /// The archive's size, from a HEAD request's Content-Length; nil when the server does not
    /// say (any answer but 200, or no length: some storage refuses HEAD on presigned URLs), so
    /// that the caller downloads it to learn it, and a real failure is reported by that GET.
    public func size(of chart: RepositoryChart) throws(RegistryError) -> Int64? {
        let response = try send(chart.url, method: "HEAD", body: .memory(limit: 0))
        guard response.status == 200 else { return nil }
        return response.header("Content-Length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Downloads the archive to `path`, checking it against the index's digest.
    public func download(_ chart: RepositoryChart, to path: String) throws(RegistryError) -> Int64 {
        try download(from: chart.url.absoluteString, digest: chart.digest, size: nil, to: path)
    }

    /// Downloads an archive of known digest from `url` (as the index gave it) to `path`,
    /// verified; with a `size` (from resolving), more bytes abort the transfer and fewer are an
    /// error, else the archive limit applies. On failure the file is removed. Returns its size.
    @discardableResult
    public func download(from url: String, digest: Content.Digest, size: Int64?, to path: String,
                         progress: (@Sendable (FileProgress) -> Void)? = nil) throws(RegistryError) -> Int64 {
        guard let target = URL(string: url) else {
            throw RegistryError(.badResponse, registry: host, reason: "\(url) is not a usable URL", hint: "Regenerate the index with `helm repo index`.")
        }
        // One way out for a failure: the file removed.
        do throws(RegistryError) {
            let response = try send(target, body: .file(path: path, limit: size ?? archiveLimit, progress: progress))
            guard response.status == 200 else { throw failure(response, what: target.path, archive: true) }
            if let mismatch = ContentCheck.compare(receivedSize: response.bodySize, sha256Hex: response.sha256Hex, against: digest, size: size) {
                throw Self.mismatch(mismatch, of: target, digest: digest)
            }
            return response.bodySize
        } catch {
            unlink(path)
            throw error
        }
    }

    static func mismatch(_ mismatch: ContentCheck.Mismatch, of target: URL, digest: Content.Digest) -> RegistryError {
        switch mismatch {
        case .size(let received, let declared):
            RegistryError(.sizeMismatch, registry: target.hostAndPort, reason: "\(target.lastPathComponent) is \(received) bytes; it was \(declared) when resolved",
                          hint: "The archive changed on the server since; build again.")
        case .digest(let received):
            RegistryError(.digestMismatch, registry: target.hostAndPort,
                          reason: "\(target.lastPathComponent) has \(received), the index says \(digest)",
                          hint: "The archive or the index was altered; the bytes were discarded. Regenerate the index or ask the repository's operators.")
        }
    }
}
