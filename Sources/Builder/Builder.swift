import Archive
import BundleFormat
import ChartRepository
import Crypto
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
    /// Charts pulled at once.
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
    public var dataDir = BundleManifest.NodeLayout.defaultDataDir

    public init(configPath: String, output: String, cacheDir: String) {
        self.configPath = configPath
        self.output = output
        self.cacheDir = cacheDir
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
}

/// Builds one bundle from a k0s config: resolves and pulls every chart (in parallel, through
/// the content-addressed cache, each blob verified), checks that each chart is complete for an
/// air gap and each CA file usable, rewrites the config for offline use, and writes a
/// reproducible, signed archive.
public final class Builder {
    public let options: BuildOptions
    let progress: @Sendable (String) -> Void
    let cache: BlobCache

    public init(options: BuildOptions, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.progress = progress
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
        var credentials: Credentials?

        /// The key under which the cache records how this request resolved.
        var resolutionKey: String {
            switch source {
            case .oci(let reference): return reference.description
            case .repository(let url, let chart): return "\(url)|\(chart)"
            }
        }
    }

    /// A job resolved: what will be bundled for it; for classic repositories (whose index
    /// gives no size) and --offline, the body is already in the cache.
    struct PullOutcome: Sendable {
        var job: PullJob
        var resolved: ChartArtifact?
        /// True when the chart's body was in the cache before this build.
        var cached = false
        /// True when this build fetched the body during resolution.
        var fetched = false
        var problem: BuildError.Problem?
    }

    /// One blob the archive needs, fetched by the worker threads in archive order.
    struct FetchTask: Sendable {
        var descriptor: Descriptor
        var job: PullJob
    }

    public func build(signingKey: SigningKey?) throws -> BuildResult {
        let config = try K0sConfig.load(path: options.configPath)
        // Fail before pulling anything if the bundle could not be written.
        let outputFolder = URL(fileURLWithPath: options.output).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        guard access(outputFolder, W_OK) == 0 else {
            throw BuildError(.output, options.output, "cannot be written: \(outputFolder) is not a writable folder; choose another with -o")
        }
        var warnings = config.problems.filter { $0.severity == .warning }.map(\.located)
        var problems: [BuildError.Problem] = []

        // What to pull.
        var jobs: [PullJob] = []
        let credentials = RegistryCredentials()
        for chart in config.charts {
            switch chart.source {
            case .oci(let reference, let repositoryName):
                let repository = config.repository(named: repositoryName)
                if let repository {
                    problems += config.fileProblems(for: repository).map { BuildError.Problem(code: .certificate, subject: chart.name, message: $0.located) }
                }
                jobs.append(PullJob(chart: chart, source: .oci(reference), repository: repository,
                                    credentials: credentials.find(repository: repository, registry: reference.registry)?.credentials))
            case .repository(let name, let chartName):
                guard let repository = config.repository(named: name) else { continue }
                problems += config.fileProblems(for: repository).map { BuildError.Problem(code: .certificate, subject: chart.name, message: $0.located) }
                let host = URL(string: repository.url)?.hostAndPort ?? repository.url
                jobs.append(PullJob(chart: chart, source: .repository(url: repository.url, chart: chartName), repository: repository,
                                    credentials: credentials.find(repository: repository, registry: host)?.credentials))
            case .localFile(let path):
                warnings.append("\(chart.name): \(path) is a local file on the node; it is not bundled and must already be on every controller")
            }
        }
        if !problems.isEmpty { throw BuildError(problems) }
        if jobs.isEmpty {
            throw BuildError(.config, options.configPath, "lists no charts to pull (oci:// or REPOSITORY/CHART), so there is nothing to bundle")
        }
        try cache.prepare()

        // 1. Resolve every chart (manifests only for OCI, so this is quick).
        let outcomes = resolve(jobs)
        problems += outcomes.compactMap(\.problem)
        if !problems.isEmpty { throw BuildError(problems) }

        // One archive entry per distinct chart; different charts never share a path.
        var byDigest: [OCI.Digest: Bundled] = [:]
        var order: [OCI.Digest] = []
        for outcome in outcomes {
            guard let resolved = outcome.resolved else { continue }
            let digest = resolved.chart.digest
            if byDigest[digest] == nil {
                byDigest[digest] = Bundled(resolved: resolved, job: outcome.job, releases: [], path: "")
                order.append(digest)
            }
            byDigest[digest]!.releases.append(outcome.job.chart.name)
        }
        var usedPaths: Set<String> = []
        let sortedDigests = order.sorted { a, b in
            let left = byDigest[a]!.resolved.reference
            let right = byDigest[b]!.resolved.reference
            return left != right ? left < right : a < b
        }
        for digest in sortedDigests {
            let resolved = byDigest[digest]!.resolved
            var path = "charts/\(resolved.fileName)"
            if usedPaths.contains(path) {
                path = "charts/\(resolved.name)-\(resolved.version)-\(digest.hex.prefix(12)).tgz"
            }
            usedPaths.insert(path)
            byDigest[digest]!.path = path
        }

        // CA certificates of the repositories bundled charts came from.
        var certificates: [(entry: BundleManifest.Certificate, content: Data)] = []
        var caFiles: [String: String] = [:]
        let usedRepositories = Set(order.compactMap { byDigest[$0]!.job.repository?.name })
        for repository in config.repositories where usedRepositories.contains(repository.name) {
            guard let file = repository.resolvedCAFile else { continue }
            do {
                let check = try CertificateCheck(file: file, repository: repository.name)
                warnings += check.warnings
                let path = "certs/\(Self.safeFileName(repository.name)).crt"
                caFiles[repository.name] = "\(options.dataDir)/\(BundleManifest.NodeLayout.certificatesFolder)/\(Self.safeFileName(repository.name)).crt"
                certificates.append((BundleManifest.Certificate(path: path, repository: repository.name, subjects: check.subjects, notAfter: CertificateCheck.format(check.notAfter)), check.pem))
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw BuildError(problems) }

        // The offline config.
        var placement = OfflinePlacement(caFiles: caFiles)
        for outcome in outcomes {
            guard let resolved = outcome.resolved, let bundled = byDigest[resolved.chart.digest] else { continue }
            placement.chartPaths[outcome.job.chart.name] = "\(options.dataDir)/\(BundleManifest.NodeLayout.chartsFolder)/\((bundled.path as NSString).lastPathComponent)"
            placement.versions[outcome.job.chart.name] = resolved.version
        }
        let (offlineText, rewriteWarnings) = try config.offlineConfig(placement)
        warnings += rewriteWarnings.map(\.located)
        let configData = Data(offlineText.utf8)

        // The manifest: every digest and size is known from the registries already.
        let epoch = options.sourceDateEpoch
        let sequence = options.sequence ?? epoch ?? Int64(Date().timeIntervalSince1970)
        var files: [BundleManifest.File] = []
        var charts: [BundleManifest.Chart] = []
        var blobEntries: [String: (descriptor: Descriptor, bundled: OCI.Digest)] = [:]
        for digest in order {
            let bundled = byDigest[digest]!
            let r = bundled.resolved
            files.append(.init(path: bundled.path, size: r.chart.size, sha256: digest.hex))
            blobEntries[bundled.path] = (r.chart, digest)
            var provenancePath: String?
            if let prov = r.provenance {
                provenancePath = bundled.path + ".prov"
                files.append(.init(path: provenancePath!, size: prov.size, sha256: prov.digest.hex))
                blobEntries[provenancePath!] = (prov, digest)
            }
            charts.append(.init(path: bundled.path, name: r.name, version: r.version, releases: bundled.releases.sorted(),
                                reference: r.reference, repository: bundled.job.repository?.name,
                                manifestDigest: r.manifestDigest?.description, chartDigest: digest.description, provenance: provenancePath))
        }
        var memoryEntries: [String: Data] = [:]
        for certificate in certificates { memoryEntries[certificate.entry.path] = certificate.content }
        memoryEntries["k0s.yaml"] = configData
        for (path, data) in memoryEntries {
            files.append(.init(path: path, size: Int64(data.count), sha256: OCI.Digest.sha256(of: data).hex))
        }
        files.sort { $0.path < $1.path }
        let name = options.name ?? ((options.configPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let manifest = BundleManifest(
            builder: "bundle \(BuilderVersion.current)", name: name, sequence: sequence,
            created: CertificateCheck.format(Date(timeIntervalSince1970: TimeInterval(epoch ?? 0))), dataDir: options.dataDir,
            config: .init(path: "k0s.yaml", source: (options.configPath as NSString).lastPathComponent, format: config.format.rawValue),
            charts: charts.sorted { $0.path < $1.path }, certificates: certificates.map(\.entry).sorted { $0.path < $1.path }, files: files,
            signer: signingKey.map { .init(algorithm: $0.algorithm.rawValue, keyID: $0.publicKey.keyID) })
        let manifestData = try manifest.encoded()
        let signature = try signingKey?.sign(manifestData)

        // Up to date: the output this cache last wrote, untouched since, with this very manifest
        // and signature (the quick check of make and rsync: size, mtime, inode).
        let outputRecord = OutputRecord(
            manifestDigest: OCI.Digest.sha256(of: manifestData).description, signature: signature.map { OCI.Digest.sha256(of: $0).description },
            compression: options.compression.rawValue, level: options.level ?? Self.defaultLevel(options.compression))
        let wasCached = Dictionary(outcomes.compactMap { o in o.resolved.map { ($0.chart.digest, o.cached) } }, uniquingKeysWith: { a, _ in a })
        if cache.isUpToDate(output: options.output, as: outputRecord) {
            progress("\(options.output) is up to date")
            return result(manifest: manifest, outcomes: outcomes, byDigest: byDigest, cached: wasCached, warnings: warnings,
                          signature: signature, signingKey: signingKey, upToDate: true)
        }

        // 2. Fetch the bodies in archive order while the archive is written: entry k is copied
        //    in while the workers fetch the entries after it.
        var tasks: [FetchTask] = []
        var taskIndex: [String: Int] = [:]
        var alreadyHere: Set<String> = []
        for file in files {
            guard let blob = blobEntries[file.path] else { continue }
            if cache.contains(blob.descriptor.digest, size: blob.descriptor.size) {
                alreadyHere.insert(file.path)
            } else {
                taskIndex[file.path] = tasks.count
                tasks.append(FetchTask(descriptor: blob.descriptor, job: byDigest[blob.bundled]!.job))
            }
        }
        let fetcher = Fetcher(tasks: tasks, cache: cache, workers: options.concurrency)
        defer { fetcher.cancelAndWait() }
        let fetchedByResolve = Set(outcomes.filter(\.fetched).compactMap { $0.resolved?.chart.digest })

        let outputURL = URL(fileURLWithPath: options.output)
        let directory = outputURL.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(outputURL.lastPathComponent).\(getpid()).partial"
        defer { unlink(temporary) }
        var cached = wasCached
        // Written in one pass, copying fetched blobs as they arrive; if a transfer was retried
        // while being copied, the archive is written again from the (verified) cache.
        var streaming = !tasks.isEmpty
        while true {
            var written = 0
            var restart = false
            do {
                let writer = try ArchiveWriter(path: temporary, compression: options.compression, mtime: epoch ?? 0,
                                               level: options.level ?? Self.defaultLevel(options.compression))
                try writer.add(BundleManifest.manifestPath, data: manifestData)
                if let signature { try writer.add(BundleManifest.signaturePath, data: signature) }
                for file in files {
                    if let data = memoryEntries[file.path] {
                        if problems.isEmpty { try writer.add(file.path, data: data) }
                        continue
                    }
                    guard let blob = blobEntries[file.path] else { continue }
                    let bundled = byDigest[blob.bundled]!
                    let source = cache.blobPath(blob.descriptor.digest)
                    let isChart = blob.descriptor.digest == blob.bundled
                    let task = taskIndex[file.path]
                    guard problems.isEmpty else {
                        // The bundle will not be written; go on only to report every problem at once.
                        if let task, let problem = fetcher.waitUntilDone(task) {
                            problems.append(.init(code: .pullFailed, subject: bundled.releases.joined(separator: ", "), message: problem))
                        } else if isChart, let problem = checkComplete(source, bundled: bundled) {
                            problems.append(problem)
                        }
                        continue
                    }
                    if let task, streaming {
                        // Fetched by this build: copied in as it downloads.
                        switch try fetcher.stream(task, into: writer, as: file.path, cachePath: source) {
                        case .problem(let problem):
                            problems.append(.init(code: .pullFailed, subject: bundled.releases.joined(separator: ", "), message: problem))
                            continue
                        case .retried:
                            restart = true
                        case .copied:
                            break
                        }
                        if restart { break }
                        if isChart { cached[blob.bundled] = false }
                        if isChart, let problem = checkComplete(source, bundled: bundled) {
                            problems.append(problem)
                            continue
                        }
                    } else {
                        if isChart, let problem = checkComplete(source, bundled: bundled) {
                            problems.append(problem)
                            continue
                        }
                        if task != nil || fetchedByResolve.contains(blob.descriptor.digest) {
                            // Downloaded and verified by this build.
                            if isChart { cached[blob.bundled] = false }
                            try writer.add(file.path, contentsOf: source)
                        } else {
                            // Found in the cache: hashed again as it is archived, in case the cache was altered.
                            var hasher = SHA256()
                            try writer.add(file.path, contentsOf: source) { hasher.update(bufferPointer: $0) }
                            let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                            guard hex == blob.descriptor.digest.hex else {
                                unlink(source)
                                throw BuildError(.cacheCorrupt, source, "the cached blob no longer matches \(blob.descriptor.digest) (altered on disk); it was removed, build again to fetch it anew")
                            }
                        }
                    }
                    if isChart {
                        written += 1
                        let r = bundled.resolved
                        progress("[\(written)/\(order.count)] \(bundled.releases.joined(separator: ", ")): \(r.origin) \(r.version) (\(Self.bytes(r.chart.size)), \(alreadyHere.contains(file.path) && !fetchedByResolve.contains(blob.descriptor.digest) ? "cached" : "downloaded"))")
                    }
                }
                if !problems.isEmpty { throw BuildError(problems) }
                if !restart { try writer.close() }
            } catch let error as BuildError {
                throw error
            } catch {
                throw BuildError(.output, options.output, "cannot write the bundle: \(error)")
            }
            guard restart else { break }
            // Let every fetch finish into the cache, then write the archive from it.
            for index in tasks.indices {
                if let problem = fetcher.waitUntilDone(index) {
                    throw BuildError(.pullFailed, tasks[index].job.chart.name, problem)
                }
            }
            progress("a transfer was retried while being copied into the bundle; writing it again from the cache")
            streaming = false
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temporary, options.output) == 0 else {
            throw BuildError(.output, options.output, "cannot move the finished bundle into place: \(String(cString: strerror(errno)))")
        }
        cache.remember(output: options.output, as: outputRecord)
        return result(manifest: manifest, outcomes: outcomes, byDigest: byDigest, cached: cached, warnings: warnings,
                      signature: signature, signingKey: signingKey, upToDate: false)
    }

    /// A chart chosen for the bundle, with the releases that use it.
    struct Bundled {
        var resolved: ChartArtifact
        var job: PullJob
        var releases: [String]
        var path: String
    }

    /// Complete for an air gap: every declared dependency vendored, and the archive's own
    /// Chart.yaml agreeing with the version the registry gave.
    func checkComplete(_ file: String, bundled: Bundled) -> BuildError.Problem? {
        let subject = bundled.releases.joined(separator: ", ")
        do {
            let contents = try ChartContents(archive: file)
            let missing = contents.missingDependencies
            if !missing.isEmpty {
                let list = missing.map { "\($0.name)\($0.version.map { " \($0)" } ?? "")\($0.repository.map { " from \($0)" } ?? "")" }
                return .init(code: .unvendoredDependencies, subject: subject,
                             message: "chart \(contents.name) \(contents.version) (\(bundled.resolved.origin)) declares dependencies that are not vendored in its charts/ folder, so Helm would fetch them from the network: \(list.joined(separator: "; ")). Run `helm dependency build` and push the chart again.")
            }
            if contents.version != bundled.resolved.version {
                return .init(code: .pullFailed, subject: subject,
                             message: "the archive's Chart.yaml says version \(contents.version), its registry says \(bundled.resolved.version); push the chart again")
            }
        } catch {
            return .init(code: .pullFailed, subject: subject, message: "\(bundled.resolved.origin): the chart archive cannot be read: \(error)")
        }
        return nil
    }

    private func result(manifest: BundleManifest, outcomes: [PullOutcome], byDigest: [OCI.Digest: Bundled], cached: [OCI.Digest: Bool],
                        warnings: [String], signature: Data?, signingKey: SigningKey?, upToDate: Bool) -> BuildResult {
        let size = (try? FileManager.default.attributesOfItem(atPath: options.output)[.size] as? NSNumber)??.int64Value ?? 0
        let chartOutcomes = outcomes.compactMap { outcome -> ChartOutcome? in
            guard let r = outcome.resolved, let bundled = byDigest[r.chart.digest] else { return nil }
            return ChartOutcome(release: outcome.job.chart.name, reference: r.reference, version: r.version, path: bundled.path,
                                size: r.chart.size, cached: cached[r.chart.digest] ?? outcome.cached)
        }
        return BuildResult(manifest: manifest, output: options.output, size: size, charts: chartOutcomes, warnings: warnings,
                           signed: signature != nil, keyID: signingKey?.publicKey.keyID, upToDate: upToDate)
    }

    /// Resolves every job on `options.concurrency` threads, each with its own transport and
    /// clients (libcurl handles are never shared): OCI manifests only; classic-repository
    /// charts are downloaded here, since their index gives no size.
    func resolve(_ jobs: [PullJob]) -> [PullOutcome] {
        let queue = JobQueue(jobs)
        let group = DispatchGroup()
        let workers = max(1, min(options.concurrency, jobs.count))
        let cache = self.cache, offline = options.offline, progress = self.progress
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let transport = CurlTransport()
                var clients: [String: RegistryClient] = [:]
                var repositories: [String: ChartRepositoryClient] = [:]
                while let (index, job) = queue.take() {
                    var outcome = PullOutcome(job: job)
                    do {
                        if offline {
                            guard let resolved = cache.resolution(key: job.resolutionKey, requested: job.chart.version) else {
                                throw BuildError(.notInCache, job.chart.name, "\(job.chart.chartname) \(job.chart.version ?? "(highest stable)") is not in the cache \(cache.root); build once online, or drop --offline")
                            }
                            outcome.resolved = resolved
                            outcome.cached = true
                        } else {
                            switch job.source {
                            case .oci(let reference):
                                let key = "\(reference.registry)|\(job.repository?.name ?? "")"
                                let client = try clients[key] ?? Self.registryClient(for: job, reference: reference, transport: transport)
                                clients[key] = client
                                let resolved = try ChartPuller(client: client, store: cache).resolve(reference, version: job.chart.version)
                                resolved.warnings.forEach(progress)
                                outcome.resolved = ChartArtifact(oci: resolved)
                                outcome.cached = cache.contains(resolved.chartLayer.digest, size: resolved.chartLayer.size)
                            case .repository(let url, let chart):
                                let client = try repositories[url] ?? ChartRepositoryClient(
                                    url: url, tls: job.repository!.tls, credentials: job.credentials, transport: transport, cacheDir: cache.root)
                                repositories[url] = client
                                let found = try client.resolve(chart: chart, version: job.chart.version)
                                let (cached, size) = try cache.ensure(found, client: client)
                                outcome.resolved = ChartArtifact(
                                    reference: job.chart.chartname, origin: "\(url) \(chart)", name: found.entry.name, version: found.entry.version,
                                    chart: Descriptor(mediaType: MediaType.legacyChartContent, digest: found.digest, size: size))
                                outcome.cached = cached
                                outcome.fetched = !cached
                            }
                            cache.record(outcome.resolved!, key: job.resolutionKey, requested: job.chart.version)
                        }
                    } catch let error as BuildError {
                        outcome.problem = error.problems.first
                    } catch {
                        outcome.problem = .init(code: .pullFailed, subject: job.chart.name, message: "\(error)")
                    }
                    queue.put(index, outcome)
                }
            }
        }
        group.wait()
        return queue.results()
    }

    static func registryClient(for job: PullJob, reference: ChartReference, transport: CurlTransport) throws(RegistryError) -> RegistryClient {
        try RegistryClient(
            registry: reference.registry, plainHTTP: job.repository?.plainHTTP ?? false,
            tls: job.repository?.tls ?? TLSSettings(source: "no repository entry for \(reference.registry)"),
            credentials: job.credentials, transport: transport)
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

    static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        if count < 1 << 30 { return String(format: "%.1f MiB", Double(count) / 1_048_576) }
        return String(format: "%.2f GiB", Double(count) / 1_073_741_824)
    }
}

/// The tool's version, recorded in bundles (`builder`) and printed by `bundle --version`.
public enum BuilderVersion {
    public static let current = "0.1.0"
}
