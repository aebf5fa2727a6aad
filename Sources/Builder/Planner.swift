import ChartRepository
import Diagnostics
import Foundation
import HTTP
import K0sConfig
import OCI

/// One chart of a plan: where it comes from, how it is reached, what it resolves to.
public struct PlannedChart: Encodable, Sendable {
    public var release: String
    public var chart: String
    public var repository: String?
    public var tls: String
    public var auth: String
    public var requested: String
    public var resolved: String?
    public var manifestDigest: String?
    public var chartDigest: String?
    public var chartSize: Int64?
    /// What stops this chart from being bundled, each with its code (as `--json` errors are).
    public var problems: [ErrorReport]
}

/// Plans a build: resolves each chart of a config against its registry or repository
/// (manifests and indexes only, no chart bodies), with one client per registry and trust
/// setting so that connections and tokens are reused across charts.
public final class Planner {
    let config: K0sConfig
    let warn: (String) -> Void
    let credentials = RegistryCredentials()
    /// The build cache: chart configs and repository indexes a build would reuse.
    let cache: BlobCache
    /// One transport for the whole plan, so connections and tokens are reused across charts.
    private let clients: ClientPool

    public init(config: K0sConfig, transport: any HTTPTransport, cache: BlobCache = BlobCache(root: BlobCache.defaultRoot()), warn: @escaping (String) -> Void) {
        self.config = config
        self.clients = ClientPool(transport: transport)
        self.cache = cache
        self.warn = warn
    }

    /// The client for a chart's registry with the TLS settings and credentials of its repository entry.
    func client(for reference: ChartReference, repository: RepositoryEntry?) throws(RegistryError) -> (RegistryClient, String) {
        let found = credentials.find(repository: repository, registry: reference.registry)
        return (try clients.registry(reference.registry, repository: repository, credentials: found?.credentials), found?.source ?? "")
    }

    static func report(_ problem: ConfigProblem) -> ErrorReport {
        ErrorReport(code: problem.code.rawValue, errorClass: problem.code.errorClass.rawValue, subject: problem.location?.description ?? "",
                    message: problem.located, hint: "")
    }

    public func plan(_ chart: ChartEntry) -> PlannedChart {
        var row = PlannedChart(release: chart.name, chart: chart.chartname, repository: nil, tls: "-", auth: "-",
                          requested: chart.version ?? "highest stable", problems: [])
        switch chart.source {
        case .localFile:
            // Already a file on the node: nothing to resolve or pull.
            row.tls = "local file"
            row.resolved = chart.version ?? "-"
        case .repository(let name, let chartName):
            row.repository = name
            guard let repository = config.repository(named: name) else { return row }
            row.tls = repository.plainHTTP ? "plain http" : Self.describeTLS(repository)
            let problems = config.fileProblems(for: repository)
            if !problems.isEmpty {
                row.problems += problems.map(Self.report)
                return row
            }
            do {
                let host = URL(string: repository.url)?.hostAndPort ?? repository.url
                let found = credentials.find(repository: repository, registry: host)
                let client = try clients.chartRepository(repository, credentials: found?.credentials, cacheDir: cache.root)
                let resolved = try client.resolve(chart: chartName, version: chart.version)
                row.resolved = resolved.entry.version
                row.chartDigest = resolved.digest.description
                row.auth = found.map { "basic (\($0.source))" } ?? "anonymous"
            } catch {
                row.problems.append(error.report)
            }
        case .oci(let reference, let repositoryName):
            let repository = config.repository(named: repositoryName)
            row.repository = repositoryName
            row.tls = Self.describeTLS(repository)
            if let repository {
                let problems = config.fileProblems(for: repository)
                if !problems.isEmpty {
                    row.problems += problems.map(Self.report)
                    return row
                }
            }
            do {
                let (client, credentialSource) = try client(for: reference, repository: repository)
                let resolved = try ChartPuller(client: client, store: cache).resolve(reference, version: chart.version)
                row.resolved = resolved.version
                row.manifestDigest = resolved.manifestDigest.description
                row.chartDigest = resolved.chartLayer.digest.description
                row.chartSize = resolved.chartLayer.size
                row.auth = client.authScheme + (credentialSource.isEmpty ? "" : " (\(credentialSource))")
                if client.authScheme == "anonymous", !credentialSource.isEmpty { row.auth = "anonymous (credentials unused)" }
                resolved.warnings.forEach(warn)
            } catch {
                row.problems.append(error.report)
            }
        }
        return row
    }

    static func describeTLS(_ repository: RepositoryEntry?) -> String {
        guard let repository else { return "system roots" }
        if repository.insecure { return "INSECURE" }
        var parts: [String] = []
        parts.append(repository.caFile.map { "caFile \($0)" } ?? "system roots")
        if repository.certFile != nil { parts.append("mTLS") }
        return parts.joined(separator: " + ")
    }
}
