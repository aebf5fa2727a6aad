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

/// Plans a build: resolves each chart of a config against its registry or repository as a
/// build does, fetches its archive into the build cache and runs the build's checks on it
/// (dependencies vendored), with one client per registry and trust setting so that
/// connections and tokens are reused across charts. Image blobs are never fetched.
public final class Planner {
    let config: K0sConfig
    let warn: (String) -> Void
    let credentials = RegistryCredentials()
    /// The build cache: chart configs and repository indexes a build would reuse.
    let cache: BlobCache
    /// One transport for the whole plan, so connections and tokens are reused across charts.
    let clients: ClientPool
    /// The charts resolved so far, in order, for `planImages`.
    private(set) var resolvedCharts: [(Builder.PullJob, ChartArtifact)] = []

    public init(config: K0sConfig, transport: any HTTPTransport, cache: BlobCache = BlobCache(root: BlobCache.defaultRoot()), warn: @escaping (String) -> Void) {
        self.config = config
        self.clients = ClientPool(transport: transport)
        self.cache = cache
        self.warn = warn
    }

    static func report(_ problem: ConfigProblem) -> ErrorReport { problem.report }

    /// One chart resolved by the same source a build uses, its archive checked as a build checks it.
    public func plan(_ chart: ChartEntry) -> PlannedChart {
        var row = PlannedChart(release: chart.name, chart: chart.chartname, repository: nil, tls: "-", auth: "-",
                               requested: chart.version ?? "highest stable", problems: [])
        switch chart.source {
        case .localFile:
            // Already a file on the node: nothing to resolve or pull.
            row.tls = "local file"
            row.resolved = chart.version ?? "-"
            return row
        case .repository(let name, _):
            row.repository = name
            guard let repository = config.repository(named: name) else { return row }
            row.tls = repository.plainHTTP ? "plain http" : Self.describeTLS(repository)
        case .oci(_, let repositoryName):
            row.repository = repositoryName
            row.tls = Self.describeTLS(config.repository(named: repositoryName))
        }
        guard let (job, credentialSource) = Resolver.job(for: chart, in: config, credentials: credentials) else { return row }
        if let repository = job.repository {
            let problems = config.fileProblems(for: repository)
            if !problems.isEmpty {
                row.problems += problems.map(Self.report)
                return row
            }
            if let half = credentials.halfSet(for: repository) {
                row.problems.append(BuildError.Problem(code: .config, subject: chart.name, message: half,
                                                       hint: "Export both variables for \(repository.name), or unset the one that is set.").report)
                return row
            }
        }
        do {
            let source: any ArtifactSource = job.source.isRepository ? RepositoryChartSource(fetchWhenUnsized: false) : job.artifactSource
            let resolved = try source.resolve(job, clients: clients, cacheDir: cache.root, warn: warn)
            row.resolved = resolved.version
            resolvedCharts.append((job, resolved))
            row.manifestDigest = resolved.manifestDigest?.description
            row.chartDigest = resolved.chart.digest.description
            row.chartSize = resolved.chart.size > 0 || resolved.download == nil ? resolved.chart.size : nil
            row.auth = try authentication(of: job, credentialSource: credentialSource)
            // The build's own check of the archive (dependencies vendored, version as served),
            // on the archive fetched into the cache as a build fetches it; never image blobs.
            try cache.prepare()
            let complete = try ensureInCache(job, resolved)
            row.chartSize = complete.chart.size
            if let problem = Builder.checkComplete(cache.blobPath(complete.chart.digest), artifact: complete, releases: [chart.name]) {
                row.problems.append(problem.report)
            }
        } catch {
            row.problems.append((error as? any ToolError)?.report ?? BuildError.Problem(wrapping: error, subject: chart.name).report)
        }
        return row
    }

    /// How the chart's registry or repository was reached: anonymous, basic or a bearer token,
    /// and where the credentials came from.
    func authentication(of job: Builder.PullJob, credentialSource: String) throws -> String {
        guard case .oci(let reference) = job.source else {
            return credentialSource.isEmpty ? "anonymous" : "basic (\(credentialSource))"
        }
        let scheme = try clients.registry(for: job, reference: reference).authScheme
        if scheme == "anonymous", !credentialSource.isEmpty { return "anonymous (credentials unused)" }
        return scheme + (credentialSource.isEmpty ? "" : " (\(credentialSource))")
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
