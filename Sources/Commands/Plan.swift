import ArgumentParser
import ChartRepository
import Foundation
import Builder
import HTTP
import K0sConfig
import OCI

/// `bundle plan`: read and validate a config, resolve every chart against its registry, and
/// show what a build would bundle, without downloading chart bodies.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a build would bundle: each chart resolved against its registry.",
        discussion: """
            Reads CONFIG (a k0s ClusterConfig, the short form, or a k0sctl Cluster), validates it as \
            k0s would, and resolves each chart's version and digests (manifests only, no chart \
            bodies). Exit status 0 only if every chart resolved. Credentials come from \
            BUNDLE_REPO_<NAME>_USERNAME / _PASSWORD, the repository entry, or a Docker/Helm config.json.
            """)

    @Argument(help: ArgumentHelp("The k0s config.", valueName: "config"))
    var config: String

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        let loaded: K0sConfig
        do {
            loaded = try K0sConfig.load(path: config)
        } catch {
            Output.error(error.description)
            if json { print(try Output.json(PlanReport(config: config, format: nil, problems: error.problems, charts: []))) }
            throw ExitCode(1)
        }
        if !json {
            for problem in loaded.problems where problem.severity != .error {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
        }
        let resolver = ChartResolver(config: loaded)
        let rows = loaded.charts.map { resolver.plan($0) }
        if json {
            print(try Output.json(PlanReport(config: config, format: loaded.format.rawValue, problems: loaded.problems, charts: rows)))
        } else {
            print(Self.table(rows))
            let failed = rows.filter { !$0.problems.isEmpty }
            for row in failed {
                for problem in row.problems { Output.error("\(row.release): \(problem)") }
            }
            print(failed.isEmpty
                  ? "\(rows.count) chart\(rows.count == 1 ? "" : "s") resolved; the plan is good."
                  : "\(failed.count) of \(rows.count) chart\(rows.count == 1 ? "" : "s") cannot be bundled (see errors above).")
        }
        if rows.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(1) }
    }

    static func table(_ rows: [PlanRow]) -> String {
        let header = ["RELEASE", "CHART", "REPOSITORY", "TLS", "AUTH", "REQUESTED", "RESOLVED", "MANIFEST"]
        let cells = rows.map { row in
            [row.release, row.chart, row.repository ?? "-", row.tls, row.auth, row.requested,
             row.problems.isEmpty ? (row.resolved ?? "-") : "FAILED", row.manifestDigest.map { String($0.prefix(19)) } ?? "-"]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// One chart of the plan.
struct PlanRow: Encodable {
    var release: String
    var chart: String
    var repository: String?
    var tls: String
    var auth: String
    var requested: String
    var resolved: String?
    var manifestDigest: String?
    var chartDigest: String?
    var chartSize: Int64?
    var problems: [String]
}

/// What `bundle plan --json` prints.
struct PlanReport: Encodable {
    struct Problem: Encodable {
        var severity: String
        var code: String
        var location: String?
        var path: String
        var message: String
    }
    var config: String
    var format: String?
    var ok: Bool
    var problems: [Problem]
    var charts: [PlanRow]

    init(config: String, format: String?, problems: [ConfigProblem], charts: [PlanRow]) {
        self.config = config
        self.format = format
        self.problems = problems.map { Problem(severity: $0.severity.rawValue, code: $0.code.rawValue, location: $0.location?.description, path: $0.path, message: $0.message) }
        self.charts = charts
        self.ok = !problems.contains { $0.severity == .error } && charts.allSatisfy { $0.problems.isEmpty }
    }
}

/// Resolves the charts of a config, one registry client per registry and trust setting, so
/// that connections and tokens are reused across charts.
final class ChartResolver {
    let config: K0sConfig
    let transport = CurlTransport()
    let credentials = RegistryCredentials()
    private var clients: [String: RegistryClient] = [:]
    private var repositoryClients: [String: ChartRepositoryClient] = [:]

    init(config: K0sConfig) {
        self.config = config
    }

    /// The client for a chart's registry with the TLS settings and credentials of its repository entry.
    func client(for reference: ChartReference, repository: RepositoryEntry?) throws(RegistryError) -> (RegistryClient, String) {
        let found = credentials.find(repository: repository, registry: reference.registry)
        let tls = repository?.tls ?? TLSSettings(source: "no repository entry for \(reference.registry)")
        let key = "\(reference.registry)|\(repository?.name ?? "")"
        if let existing = clients[key] { return (existing, found?.source ?? "") }
        let client = try RegistryClient(registry: reference.registry, tls: tls, credentials: found?.credentials, transport: transport)
        clients[key] = client
        return (client, found?.source ?? "")
    }

    func plan(_ chart: ChartEntry) -> PlanRow {
        var row = PlanRow(release: chart.name, chart: chart.chartname, repository: nil, tls: "-", auth: "-",
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
                row.problems += problems.map(\.located)
                return row
            }
            do {
                let host = URL(string: repository.url)?.hostAndPort ?? repository.url
                let found = credentials.find(repository: repository, registry: host)
                let client = try repositoryClients[name] ?? ChartRepositoryClient(
                    url: repository.url, tls: repository.tls, credentials: found?.credentials, transport: transport, cacheDir: BlobCache.defaultRoot())
                repositoryClients[name] = client
                let resolved = try client.resolve(chart: chartName, version: chart.version)
                row.resolved = resolved.entry.version
                row.chartDigest = resolved.digest.description
                row.auth = found.map { "basic (\($0.source))" } ?? "anonymous"
            } catch {
                row.problems.append("\(error)")
            }
        case .oci(let reference, let repositoryName):
            let repository = config.repository(named: repositoryName)
            row.repository = repositoryName
            row.tls = Self.describeTLS(repository)
            if let repository {
                let problems = config.fileProblems(for: repository)
                if !problems.isEmpty {
                    row.problems += problems.map(\.located)
                    return row
                }
            }
            do {
                let (client, credentialSource) = try client(for: reference, repository: repository)
                let resolved = try ChartPuller(client: client).resolve(reference, version: chart.version)
                row.resolved = resolved.version
                row.manifestDigest = resolved.manifestDigest.description
                row.chartDigest = resolved.chartLayer.digest.description
                row.chartSize = resolved.chartLayer.size
                row.auth = client.authScheme + (credentialSource.isEmpty ? "" : " (\(credentialSource))")
                if client.authScheme == "anonymous", !credentialSource.isEmpty { row.auth = "anonymous (credentials unused)" }
                resolved.warnings.forEach(Output.warn)
            } catch {
                row.problems.append(error.description)
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
