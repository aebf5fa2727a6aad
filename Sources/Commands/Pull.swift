import Diagnostics
import ArgumentParser
import Builder
import ChartRepository
import Content
import Foundation
import HTTP
import K0sConfig
import OCI

/// `bundle pull`: download one chart from an OCI registry, verified, like `helm pull`.
struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download a chart from an OCI registry, verified against its digests.",
        discussion: """
            Writes CHART-VERSION.tgz (and CHART-VERSION.tgz.prov when the chart has provenance) \
            into the destination folder. Without --version the highest stable version is taken; \
            --version takes an exact version or a constraint such as ^1.2, ~1.2.0, ">=1.0 <2.0" or 1.x.
            """)

    @Argument(help: ArgumentHelp("The chart: oci://HOST[:PORT]/PATH/CHART, optionally :VERSION or @sha256:DIGEST; with --repo, the chart's name.", valueName: "reference"))
    var reference: String

    @Option(help: ArgumentHelp("A classic chart repository (serving index.yaml) to take the chart from, like helm pull --repo.", valueName: "url"))
    var repo: String?

    @Option(help: "Exact version or semver constraint (default: highest stable version).")
    var version: String?

    @OptionGroup(title: "Registry")
    var registry: RegistryOptions

    @Option(name: [.customShort("d"), .customLong("destination")], help: ArgumentHelp("Folder to write the chart into.", valueName: "dir"))
    var destination = "."

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: json) {
            if let repo {
                try pullFromRepository(repo)
                return
            }
            let chart = try ChartReference(parsing: reference)
            let transport = try HTTPTransports.standard()
            let found = try credentials(for: chart.registry)
            let client = try RegistryClient(
                registry: chart.registry, plainHTTP: registry.plainHTTP, tls: registry.tls,
                credentials: found?.credentials, transport: transport)
            client.credentialHelp = .flags(registry: chart.registry, source: found?.source)
            let puller = ChartPuller(client: client)
            puller.wording = .commandLine
            let resolved = try puller.resolve(chart, version: version)
            resolved.warnings.forEach(Output.warn)
            try createDestination(source: chart.registry)
            let pulled = try download(resolved, with: puller, subject: "\(resolved.config.name) \(resolved.version)")
            if json {
                var report = PullReport(pulled)
                report.warnings = Output.warnings(including: report.warnings)
                print(try Output.json(report))
            } else {
                print("Pulled \(chart.untagged):\(resolved.version)")
                print("  manifest    \(resolved.manifestDigest)")
                print("  chart       \(resolved.chartLayer.digest) (\(resolved.chartLayer.size) bytes)")
                print("  saved       \(pulled.chartPath)")
                if let prov = pulled.provenancePath, let layer = resolved.provenanceLayer {
                    print("  provenance  \(layer.digest) -> \(prov)")
                }
            }
        }
    }
}

extension Pull {
    /// The chart into the destination; a large one shows a progress bar on a terminal (not
    /// with --json or --quiet).
    func download(_ resolved: ResolvedChart, with puller: ChartPuller, subject: String) throws(RegistryError) -> PulledChart {
        let display = ProgressDisplay(quiet: json)
        defer { display.finish() }
        guard display.showsTransfers, resolved.chartLayer.size >= TransferProgress.threshold else { return try puller.download(resolved, into: destination) }
        return try puller.download(resolved, into: destination) { bytes, total in
            display.transfer(TransferProgress(subject: subject, bytes: bytes, total: total))
        }
    }

    /// The -d folder, created if missing; the error names it and the source being pulled from.
    func createDestination(source: String) throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(
                .localFile, registry: source, reason: "cannot create destination folder \(destination): \(error.localizedDescription)",
                hint: "Choose a writable folder with -d.")
        }
    }

    /// --username with --password-stdin, else what `docker login` or `helm registry login`
    /// stored for the host (a credential helper, or config.json), as plan and build read them.
    func credentials(for host: String) throws -> RegistryCredentials.Found? {
        if let given = try registry.credentials() { return .init(credentials: given, source: "--username") }
        return RegistryCredentials().find(repository: nil, registry: host)
    }

    /// `--repo`: the chart from a classic repository, checked against the index's digest.
    func pullFromRepository(_ repo: String) throws {
        guard !reference.contains("/") else {
            throw ValidationError("with --repo, give the chart's name (like \"nginx\"), not \(reference).")
        }
        var tls = registry.tls
        tls.source = "command-line flags"
        let host = URL(string: repo)?.hostAndPort ?? repo
        let login = try credentials(for: host)
        let client = try ChartRepositoryClient(url: repo, tls: tls, credentials: login?.credentials, transport: try HTTPTransports.standard(), cacheDir: BlobCache.defaultRoot())
        client.credentialHelp = .flags(registry: host, source: login?.source)
        let found = try client.resolve(chart: reference, version: version)
        found.warnings.forEach(Output.warn)
        try createDestination(source: repo)
        let (path, size) = try client.download(found, into: destination)
        if json {
            struct Report: Encodable {
                var repository: String, name: String, version: String, url: String, chart: PullReport.File, warnings: [String]
            }
            print(try Output.json(Report(repository: repo, name: found.entry.name, version: found.entry.version, url: found.url.absoluteString,
                                         chart: .init(path: path, digest: found.digest.description, size: size, mediaType: "application/tar+gzip"),
                                         warnings: Output.warnings(including: found.warnings))))
        } else {
            print("Pulled \(found.entry.name) \(found.entry.version) from \(repo)")
            print("  chart       \(found.digest) (\(size) bytes, as the index says)")
            print("  saved       \(path)")
        }
    }
}

/// What `bundle pull --json` prints.
struct PullReport: Encodable {
    struct File: Encodable, Sendable {
        var path: String
        var digest: String
        var size: Int64
        var mediaType: String
    }
    var reference: String
    var name: String
    var version: String
    var manifestDigest: String
    var chart: File
    @Nullable var provenance: File?
    var warnings: [String]

    init(_ pulled: PulledChart) {
        let r = pulled.resolved
        reference = r.reference.description
        name = r.config.name
        version = r.version
        manifestDigest = r.manifestDigest.description
        chart = File(path: pulled.chartPath, digest: r.chartLayer.digest.description, size: r.chartLayer.size, mediaType: r.chartLayer.mediaType)
        if let path = pulled.provenancePath, let layer = r.provenanceLayer {
            provenance = File(path: path, digest: layer.digest.description, size: layer.size, mediaType: layer.mediaType)
        }
        warnings = r.warnings
    }
}
