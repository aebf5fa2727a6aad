import Archive
import BundleFormat
import Content
import Diagnostics
import Foundation
import HTTP
import K0sConfig
import OCI

/// What `bundle build` does, and how.
public struct BuildOptions: Sendable {
    public var configPath: String
    /// Where the bundle goes; written under a temporary name and renamed when complete.
    public var output: String
    public var compression: ArchiveWriter.Compression = .gzip
    /// The compressor's level; nil for the tool's default (see `defaultLevel`).
    public var level: Int?
    /// Downloads at once: charts, then image manifests, then blobs.
    public var concurrency = 4
    public var cacheDir: String
    /// Resolve and fetch from the cache only.
    public var offline = false
    /// Default: SOURCE_DATE_EPOCH, else the current time.
    public var sequence: Int64?
    /// Default: the config file's name without extension.
    public var name: String?
    /// Default: SOURCE_DATE_EPOCH from the environment; it fixes mtimes and `created`.
    public var sourceDateEpoch: Int64?
    /// The node's k0s data dir the config is rewritten for.
    public var dataDir = NodeLayout.defaultDataDir
    /// The most a build may download (`--max-download`): a hostile registry cannot fill a disk.
    public var maxDownload: Int64 = 100 << 30
    /// Images: found, pulled and bundled unless disabled.
    public var images = ImageOptions()
    /// Makes each worker thread's transport (libcurl unless a test scripts one).
    public var makeTransport: TransportFactory = Transports.curl
    /// Byte counts of large blobs (from `TransferProgress.threshold` bytes) while they are
    /// downloaded and copied into the bundle, for a progress bar.
    public var transferProgress: (@Sendable (TransferProgress) -> Void)?

    public init(configPath: String, output: String, cacheDir: String) {
        self.configPath = configPath
        self.output = output
        self.cacheDir = cacheDir
    }
}

/// How far one large blob is: downloaded and copied into the bundle as it arrives.
public struct TransferProgress: Sendable {
    /// Blobs smaller than this are not reported (they pass in well under a second).
    public static let threshold: Int64 = 8 << 20
    /// The release or image, and the entry: "web: 127.0.0.1:5000/images/web:1.0".
    public var subject: String
    public var bytes: Int64
    public var total: Int64

    public init(subject: String, bytes: Int64, total: Int64) {
        self.subject = subject
        self.bytes = bytes
        self.total = total
    }
}

/// One chart release as the build saw it.
public struct ChartOutcome: Sendable {
    public var release: String
    public var reference: String
    public var version: String
    public var path: String
    public var size: Int64
    /// True when the chart came from the cache instead of the registry.
    public var cached: Bool
}

public struct BuildResult: Sendable {
    public var manifest: BundleManifest
    public var output: String
    public var size: Int64
    public var charts: [ChartOutcome]
    public var warnings: [String]
    public var signed: Bool
    public var keyID: String?
    /// True when the output already held exactly this bundle and was left as it was.
    public var upToDate: Bool
    /// Image blocks and lines found but not bundled, each with the reason.
    public var imagesSkipped: [String] = []
}

/// Builds one bundle from a k0s config, as a pipeline of parts: resolve (`Resolver`: config →
/// resolved charts, manifests only), layout (`BundleLayout`: a pure function to entries and
/// the manifest), sign, then fetch (`Fetcher`: verified blobs into the content-addressed cache)
/// while assemble (`Assembler`) writes the archive, copying each blob in as it arrives.
public final class Builder {
    public let options: BuildOptions
    /// Steps, notes and warnings as they happen (`BuildEvent`).
    let events: @Sendable (BuildEvent) -> Void
    let cache: BlobCache

    public init(options: BuildOptions, events: @escaping @Sendable (BuildEvent) -> Void) {
        self.options = options
        self.events = events
        self.cache = BlobCache(root: options.cacheDir)
    }

    struct PullJob: Sendable {
        enum Source: Sendable {
            case oci(ChartReference)
            /// A classic repository's URL and the chart's name in it.
            case repository(url: String, chart: String)
        }
        var chart: ChartEntry
        var source: Source
        var repository: RepositoryEntry?
        var credentials: RegistryCredentials.Found?

        /// The key under which the cache records how this request resolved.
        var resolutionKey: String {
            switch source {
            case .oci(let reference): return reference.description
            case .repository(let url, let chart): return "\(url)|\(chart)"
            }
        }
    }

    /// A job resolved: what will be bundled for it (metadata; the bodies come in the fetch).
    struct PullOutcome: Sendable {
        var job: PullJob
        var resolved: ChartArtifact?
        /// True when the chart's body was in the cache before the fetch.
        var cached = false
        var problem: BuildError.Problem?
    }

    /// One blob the archive needs, fetched by the worker pool in archive order, through the
    /// source of the artifact it belongs to (a chart's, an image's): the fetch never asks which.
    struct FetchTask: Sendable {
        typealias Download = @Sendable (ClientPool, String, (@Sendable (FileProgress) -> Void)?) throws -> Void
        var descriptor: Descriptor
        /// For messages: where the blob comes from.
        var origin: String
        /// The releases (or image) a problem with it is reported for.
        var subject: String
        /// Writes the blob, verified, to a path.
        var download: Download

        init(descriptor: Descriptor, artifact: ChartArtifact, job: PullJob, cacheDir: String) {
            self.descriptor = descriptor
            self.origin = artifact.origin
            self.subject = job.chart.name
            let source = job.artifactSource
            self.download = { clients, path, progress in
                try source.fetch(descriptor, of: artifact, job: job, clients: clients, cacheDir: cacheDir, to: path, progress: progress)
            }
        }

        init(descriptor: Descriptor, image job: ImageJob, source: ImageSource) {
            self.descriptor = descriptor
            self.origin = job.origin
            self.subject = job.context
            self.download = { clients, path, progress in
                try source.fetch(descriptor, job: job, clients: clients, to: path, progress: progress)
            }
        }
    }

    public func build(signingKey: SigningKey?) throws -> BuildResult {
        let config = try K0sConfig.load(path: options.configPath)
        try checkOutputFolder()
        let (jobs, jobProblems, notes) = Resolver.jobs(for: config)
        var warnings = config.problems.filter { $0.severity == .warning }.map(\.located) + notes
        if !jobProblems.isEmpty { throw BuildError(jobProblems) }
        // A config whose charts are all local files still makes a bundle (the config, for the
        // nodes), as `plan` accepts it; a config with no chart at all does not.
        if config.charts.isEmpty {
            throw BuildError(.config, options.configPath, "lists no charts (spec.extensions.helm.charts), so there is nothing to bundle")
        }
        try cache.prepare()

        // One pool of workers (each with its transport and clients) resolves, then fetches.
        let pool = try BuildPool(workers: min(options.concurrency, max(jobs.count, 1)), makeTransport: options.makeTransport)
        defer { pool.shutdown() }
        let outcomes = Resolver(cache: cache, offline: options.offline, events: events).resolve(jobs, on: pool)
        let problems = outcomes.compactMap(\.problem)
        if !problems.isEmpty { throw BuildError(problems) }

        let images = try imageOutcomes(outcomes, config: config, pool: pool, warnings: &warnings)
        let layout = BundleLayout(outcomes, images: images.outcomes)
        let node = NodeLayout(dataDir: options.dataDir)
        let certificates = try checkCertificates(config, used: layout.usedRepositories, node: node, warnings: &warnings)
        let (offlineText, rewriteWarnings) = try config.offlineConfig(layout.placement(on: node, caFiles: certificates.caFiles, outcomes: outcomes))
        warnings += rewriteWarnings.map(\.located)
        var memoryEntries = certificates.contents
        memoryEntries["k0s.yaml"] = Data(offlineText.utf8)
        memoryEntries.merge(try layout.imageMemoryEntries()) { a, _ in a }

        let epoch = options.sourceDateEpoch
        let metadata = BundleLayout.Metadata(
            name: options.name ?? Self.safeFileName(((options.configPath as NSString).lastPathComponent as NSString).deletingPathExtension),
            sequence: options.sequence ?? epoch ?? Int64(Date().timeIntervalSince1970),
            created: CertificateCheck.format(Date(timeIntervalSince1970: TimeInterval(epoch ?? 0))), dataDir: node.dataDir,
            configSource: (options.configPath as NSString).lastPathComponent, configFormat: config.format.rawValue,
            signer: signingKey.map { .init(algorithm: $0.algorithm.rawValue, keyID: $0.publicKey.keyID) })
        let (manifest, blobs) = layout.manifest(metadata, certificates: certificates.entries, memoryEntries: memoryEntries)
        // The installer's own rule, checked before signing: a signed bundle is never one that install refuses.
        do { try EntryRules.check(manifest, source: options.output) } catch {
            throw BuildError(.unsupportedChart, error.subject, error.reason, hint: "This bundle would be refused by `bundle install`; nothing was written. Report this with the config that caused it.")
        }
        let manifestData = try manifest.encoded()
        let signature = try signingKey?.sign(manifestData)

        var result = BuildResult(manifest: manifest, output: options.output, size: 0, charts: [], warnings: warnings,
                                 signed: signature != nil, keyID: signingKey?.publicKey.keyID, upToDate: false)
        result.imagesSkipped = images.skipped
        let wasCached = Dictionary(outcomes.compactMap { o in o.resolved.map { ($0.chart.digest, o.cached) } }, uniquingKeysWith: { a, _ in a })
        // Up to date: the output this cache last wrote, untouched since, with this very manifest
        // and signature (the quick check of make and rsync: size, mtime, inode).
        let outputRecord = OutputRecord(
            manifestDigest: Content.Digest.sha256(of: manifestData).description, signature: signature.map { Content.Digest.sha256(of: $0).description },
            compression: options.compression.rawValue, level: options.level ?? Self.defaultLevel(options.compression))
        var cached = wasCached
        for digest in images.fetched { cached[digest] = false }
        if cache.isUpToDate(output: options.output, as: outputRecord) {
            result.upToDate = true
            return finish(result, outcomes: outcomes, layout: layout, cached: cached)
        }

        var assembler = Assembler(layout: layout, manifest: manifest, manifestData: manifestData, signature: signature, blobs: blobs,
                                  memoryEntries: memoryEntries, cache: cache, options: options, events: events)
        assembler.fetchedEarlier = images.fetched
        let fetches = assembler.plannedFetches()
        try checkDownload(fetches.tasks, manifest: manifest)
        pool.grow(to: min(options.concurrency, fetches.tasks.count))
        let fetcher = Fetcher(tasks: fetches.tasks, cache: cache, pool: pool)
        let downloaded = try assembler.write(fetches: fetches, fetcher: fetcher)
        cache.remember(output: options.output, as: outputRecord)
        for digest in downloaded { cached[digest] = false }
        return finish(result, outcomes: outcomes, layout: layout, cached: cached)
    }

    /// The images of the resolved charts and the command line, resolved (none with --no-images).
    /// The chart archives are fetched into the cache first: their values and templates say
    /// which images they run.
    func imageOutcomes(_ outcomes: [PullOutcome], config: K0sConfig, pool: BuildPool, warnings: inout [String]) throws
        -> (outcomes: [ImageOutcome], skipped: [String], fetched: Set<Content.Digest>)
    {
        guard options.images.enabled else { return ([], [], []) }
        var seen = Set<Content.Digest>()
        let missing = outcomes.compactMap { o -> FetchTask? in
            guard let r = o.resolved, seen.insert(r.chart.digest).inserted, !o.cached else { return nil }  // the resolver checked the cache
            return FetchTask(descriptor: r.chart, artifact: r, job: o.job, cacheDir: cache.root)
        }
        try checkDownload(missing, manifest: nil)
        let fetcher = Fetcher(tasks: missing, cache: cache, pool: pool)
        // Each release is read as soon as its chart is in the cache, while the workers fetch
        // the others (reading an archive whole is most of finding its images).
        let task = Dictionary(missing.enumerated().map { ($1.descriptor.digest, $0) }, uniquingKeysWith: { first, _ in first })
        var fetchProblems: [BuildError.Problem] = [], waited = Set<Int>()
        let stage = ImageStage(options: options.images, cache: cache, offline: options.offline)
        let discovery = stage.discover(outcomes, config: config) { outcome in
            guard let digest = outcome.resolved?.chart.digest, let index = task[digest] else { return true }
            let problem = fetcher.waitUntilDone(index)
            if waited.insert(index).inserted, let problem { fetchProblems.append(problem) }
            return problem == nil
        }
        for index in missing.indices where !waited.contains(index) {
            if let problem = fetcher.waitUntilDone(index) { fetchProblems.append(problem) }
        }
        if !fetchProblems.isEmpty { throw BuildError(fetchProblems) }
        if !discovery.problems.isEmpty { throw BuildError(discovery.problems) }
        warnings += ImageStage.warnings(discovery)
        if !discovery.jobs.isEmpty { events(.note("resolving \(discovery.jobs.count) image(s) for \(options.images.platforms)")) }
        pool.grow(to: min(options.concurrency, discovery.jobs.count))
        let resolved = stage.resolve(discovery.jobs, on: pool)
        let problems = resolved.compactMap(\.problem)
        if !problems.isEmpty { throw BuildError(problems) }
        return (resolved, discovery.skipped, Set(missing.indices.filter(fetcher.downloaded).map { missing[$0].descriptor.digest }))
    }

    /// Fails before pulling anything if the bundle could not be written.
    func checkOutputFolder() throws(BuildError) {
        let outputFolder = URL(fileURLWithPath: options.output).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        guard access(outputFolder, W_OK) == 0 else {
            throw BuildError(.output, options.output, "cannot be written: \(outputFolder) is not a writable folder", hint: "Choose another with -o.")
        }
    }

    /// The CA certificates of the repositories bundled charts came from, checked.
    struct Certificates {
        var entries: [BundleManifest.Certificate] = []
        var contents: [String: Data] = [:]
        /// Repository name → the certificate's path on the node.
        var caFiles: [String: String] = [:]
    }

    func checkCertificates(_ config: K0sConfig, used: Set<String>, node: NodeLayout, warnings: inout [String]) throws(BuildError) -> Certificates {
        var certificates = Certificates()
        var problems: [BuildError.Problem] = []
        for repository in config.repositories where used.contains(repository.name) {
            guard let file = repository.resolvedCAFile else { continue }
            do {
                let check = try CertificateCheck(file: file, repository: repository.name)
                warnings += check.warnings
                let fileName = "\(Self.safeFileName(repository.name)).crt"
                certificates.caFiles[repository.name] = node.certificate(fileName)
                let entry = BundleManifest.Certificate(path: "certs/\(fileName)", repository: repository.name, subjects: check.subjects,
                                                       notAfter: CertificateCheck.format(check.notAfter))
                certificates.entries.append(entry)
                certificates.contents[entry.path] = check.pem
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw BuildError(problems) }
        return certificates
    }

    /// Complete for an air gap: every declared dependency vendored, and the archive's own
    /// Chart.yaml agreeing with the version the registry gave.
    /// `plan` runs the same check on the same archive in the cache.
    static func checkComplete(_ file: String, artifact: ChartArtifact, releases: [String]) -> BuildError.Problem? {
        let subject = releases.joined(separator: ", ")
        do {
            let contents = try ChartContents(archive: file)
            let missing = contents.missingDependencies
            if !missing.isEmpty {
                let list = missing.map { "\($0.name)\($0.version.map { " \($0)" } ?? "")\($0.repository.map { " from \($0)" } ?? "")" }
                return .init(code: .unvendoredDependencies, subject: subject,
                             message: "chart \(contents.name) \(contents.version) (\(artifact.origin)) declares dependencies that are not vendored in its charts/ folder, so Helm would fetch them from the network: \(list.joined(separator: "; ")). Run `helm dependency build` and push the chart again.")
            }
            if contents.version != artifact.version {
                return .init(code: .pullFailed, subject: subject,
                             message: "the archive's Chart.yaml says version \(contents.version), its registry says \(artifact.version); push the chart again")
            }
        } catch {
            // `file` may be a descriptor's /proc path: name the chart's origin instead, keep the code.
            let cause = BuildError.Problem(wrapping: error, subject: subject)
            return BuildError.Problem(code: cause.code, errorClass: cause.errorClass, subject: subject,
                                      message: "\(artifact.origin) \(artifact.version): the chart archive cannot be read: \((error as? any ToolError)?.reason ?? "\(error)")",
                                      hint: cause.hint)
        }
        return nil
    }

    private func finish(_ result: BuildResult, outcomes: [PullOutcome], layout: BundleLayout, cached: [Content.Digest: Bool]) -> BuildResult {
        var result = result
        var info = stat()
        result.size = stat(options.output, &info) == 0 ? Int64(info.st_size) : 0
        result.charts = outcomes.compactMap { outcome -> ChartOutcome? in
            guard let r = outcome.resolved, let bundled = layout.bundled[r.chart.digest] else { return nil }
            return ChartOutcome(release: outcome.job.chart.name, reference: r.reference, version: r.version, path: bundled.path,
                                size: r.chart.size, cached: cached[r.chart.digest] ?? outcome.cached)
        }
        return result
    }

    /// Charts are gzip archives already and make up nearly all of a bundle, so deflating them
    /// again gains nothing and costs ~40 MB/s: gzip stores (level 0) unless told otherwise.
    /// zstd notices incompressible blocks by itself, so its default level stays.
    public static func defaultLevel(_ compression: ArchiveWriter.Compression) -> Int? {
        compression == .gzip ? 0 : nil
    }

    static func safeFileName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
    }
}

/// The tool's version, recorded in bundles (`builder`) and printed by `bundle --version`.
public enum BuilderVersion {
    public static let current = "0.1.0"
}
