import Archive
import BundleFormat
import Content
import Crypto
import FileSystem
import Foundation
import OCI

/// Assemble, the build's last part: the manifest, its signature and every entry into one
/// archive, written under a temporary name beside the output and moved into place durably.
/// Blobs this build fetches are copied in while they download (see `Fetcher`); blobs found in
/// the cache, and not downloaded by this build (as the chart archives read for their images
/// were), are hashed again as they are copied, in case the cache was altered. If a transfer
/// was retried while being copied, the archive is written again from the (verified) cache.
/// Every chart is also checked for completeness (vendored dependencies, its real version), and
/// every problem is reported at once.
struct Assembler {
    let layout: BundleLayout
    let manifest: BundleManifest
    let manifestData: Data
    let signature: Data?
    let blobs: [String: BundleLayout.BlobEntry]
    let memoryEntries: [String: Data]
    let cache: BlobCache
    let options: BuildOptions
    let events: @Sendable (BuildEvent) -> Void
    /// Blobs this build downloaded and verified before assembling (chart archives read for
    /// their images): in the cache now, but reported as downloaded and copied as blobs fetched
    /// now are, without hashing them again.
    var fetchedEarlier: Set<Content.Digest> = []

    /// Which blob entries this build fetches (task index by entry), and which were in the cache.
    struct Fetches {
        var tasks: [Builder.FetchTask] = []
        var taskIndex: [String: Int] = [:]
        var alreadyHere: Set<String> = []
    }

    func plannedFetches() -> Fetches {
        var fetches = Fetches()
        let images = ImageSource(platforms: options.images.platforms)
        for file in manifest.files {
            guard let blob = blobs[file.path] else { continue }
            if cache.contains(blob.descriptor.digest, size: blob.descriptor.size) {
                fetches.alreadyHere.insert(file.path)
                continue
            }
            let task: Builder.FetchTask
            switch blob.owner {
            case .chart(let digest):
                guard let chart = layout.bundled[digest] else { continue }
                task = Builder.FetchTask(descriptor: blob.descriptor, artifact: chart.resolved, job: chart.job, cacheDir: cache.root)
            case .image(let job):
                task = Builder.FetchTask(descriptor: blob.descriptor, image: job, source: images)
            }
            fetches.taskIndex[file.path] = fetches.tasks.count
            fetches.tasks.append(task)
        }
        return fetches
    }

    /// Writes the bundle; returns the digests of charts this build downloaded.
    func write(fetches: Fetches, fetcher: Fetcher) throws -> Set<Content.Digest> {
        let temporary = DurableFile.temporaryPath(for: options.output)
        defer { unlink(temporary) }
        var pass = Pass(assembler: self, fetches: fetches, fetcher: fetcher, streaming: !fetches.tasks.isEmpty)
        while true {
            let restart: Bool
            do {
                restart = try pass.write(to: temporary)
            } catch let error as BuildError {
                throw error
            } catch {
                throw BuildError([BuildError.Problem(wrapping: error, subject: options.output)])
            }
            guard restart else { break }
            // Let every fetch finish into the cache, then write the archive from it.
            for (index, task) in fetches.tasks.enumerated() {
                if let problem = fetcher.waitUntilDone(index) {
                    throw BuildError([problem.about(task.subject)])
                }
            }
            events(.note("a transfer was retried while being copied into the bundle; writing it again from the cache"))
            pass.streaming = false
        }
        do {
            try DurableFile.flushTemporary(temporary)
            try DurableFile.commit(temporary, to: options.output)
        } catch {
            throw BuildError(.output, options.output, "cannot finish writing the bundle (\(error.operation)): \(error.reason)", hint: error.hint)
        }
        return pass.downloaded
    }
}

extension Assembler {
    /// One attempt at writing the archive.
    struct Pass {
        let assembler: Assembler
        let fetches: Fetches
        let fetcher: Fetcher
        var streaming: Bool
        var downloaded: Set<Content.Digest> = []
        var problems: [BuildError.Problem] = []
        var written = 0

        init(assembler: Assembler, fetches: Fetches, fetcher: Fetcher, streaming: Bool) {
            self.assembler = assembler
            self.fetches = fetches
            self.fetcher = fetcher
            self.streaming = streaming
        }

        /// Writes every entry; returns true when the archive must be written again.
        mutating func write(to temporary: String) throws -> Bool {
            problems = []
            written = 0
            let options = assembler.options
            let writer = try ArchiveWriter(path: temporary, compression: options.compression, mtime: options.sourceDateEpoch ?? 0,
                                           level: options.level ?? Builder.defaultLevel(options.compression), dropsFlushed: true)
            try writer.add(BundleManifest.manifestPath, data: assembler.manifestData)
            if let signature = assembler.signature { try writer.add(BundleManifest.signaturePath, data: signature) }
            for file in assembler.manifest.files {
                if let data = assembler.memoryEntries[file.path] {
                    if problems.isEmpty { try writer.add(file.path, data: data) }
                    continue
                }
                guard let blob = assembler.blobs[file.path] else { continue }
                if try !add(file.path, blob: blob, chart: blob.chart.flatMap { assembler.layout.bundled[$0] }, writer: writer) { return true }
            }
            // Blobs were copied once verified; their cache entries must also have been stored.
            for (index, task) in fetches.tasks.enumerated() where problems.isEmpty {
                if let problem = fetcher.waitUntilDone(index) { problems.append(problem.about(task.subject)) }
            }
            if !problems.isEmpty { throw BuildError(problems) }
            try writer.close()
            return false
        }

        /// Adds one blob entry (a chart's when `chart` is given, else an image's); returns false
        /// when a retried transfer means starting over.
        mutating func add(_ path: String, blob: BundleLayout.BlobEntry, chart: BundleLayout.Bundled?, writer: ArchiveWriter) throws -> Bool {
            let source = assembler.cache.blobPath(blob.descriptor.digest)
            let task = fetches.taskIndex[path]
            let subject = chart?.releases.joined(separator: ", ") ?? task.map { fetches.tasks[$0].subject } ?? path
            let check = { (file: String) -> BuildError.Problem? in
                guard blob.isChart, let chart else { return nil }
                return Builder.checkComplete(file, artifact: chart.resolved, releases: chart.releases)
            }
            guard problems.isEmpty else {
                // The bundle will not be written; go on only to report every problem at once.
                if let task, let problem = fetcher.waitUntilDone(task) {
                    problems.append(problem.about(subject))
                } else if let problem = check(source) {
                    problems.append(problem)
                }
                return true
            }
            if let task, streaming {
                // Fetched by this build: copied in as it downloads.
                switch try fetcher.stream(task, into: writer, as: path, cachePath: source, copied: transferReport(blob, subject: subject)) {
                case .problem(let problem):
                    problems.append(problem.about(subject))
                    return true
                case .retried:
                    return false
                case .copied(let file):
                    if let digest = blob.chart, blob.isChart { downloaded.insert(digest) }
                    if let problem = check(file.path) {
                        problems.append(problem)
                        return true
                    }
                }
            } else {
                if let problem = check(source) {
                    problems.append(problem)
                    return true
                }
                // Fetched by this build: by a task now, or earlier for its images.
                try copy(path, blob: blob, from: source, writer: writer, fetchedByThisBuild: task.map(fetcher.downloaded) ?? assembler.fetchedEarlier.contains(blob.descriptor.digest))
            }
            if blob.isChart, let chart { report(chart, path: path) }
            return true
        }

        /// Copies a blob that is complete in the cache; one this build did not download and verify
        /// (`fetchedByThisBuild`) is hashed again as it is copied.
        mutating func copy(_ path: String, blob: BundleLayout.BlobEntry, from source: String, writer: ArchiveWriter, fetchedByThisBuild: Bool) throws {
            if fetchedByThisBuild {
                // Downloaded and verified by this build.
                if let digest = blob.chart, blob.isChart { downloaded.insert(digest) }
                try writer.add(path, contentsOf: source)
                return
            }
            var check = ContentCheck(blob.descriptor)
            try writer.add(path, contentsOf: source) { check.update($0) }
            guard check.finish() != nil else { return }
            do {
                try DurableFile.remove(source)
            } catch {
                throw BuildError(.cacheCorrupt, source, "the cached blob no longer matches \(blob.descriptor.digest) (altered on disk) and cannot be removed: \(error.reason)",
                                 hint: "Remove it by hand, then build again.")
            }
            throw BuildError(.cacheCorrupt, source, "the cached blob no longer matches \(blob.descriptor.digest) (altered on disk); it was removed",
                             hint: "Build again to fetch it anew.")
        }

        /// Where the bytes of a large blob are reported, if anyone listens.
        func transferReport(_ blob: BundleLayout.BlobEntry, subject: String) -> ((Int64) -> Void)? {
            guard let listener = assembler.options.transferProgress, blob.descriptor.size >= TransferProgress.threshold else { return nil }
            let total = blob.descriptor.size
            return { bytes in listener(TransferProgress(subject: subject, bytes: bytes, total: total)) }
        }

        mutating func report(_ chart: BundleLayout.Bundled, path: String) {
            written += 1
            let r = chart.resolved
            let how = fetches.alreadyHere.contains(path) && !assembler.fetchedEarlier.contains(r.chart.digest) ? "cached" : "downloaded"
            assembler.events(.step("[\(written)/\(assembler.layout.order.count)] \(chart.releases.joined(separator: ", ")): \(r.origin) \(r.version) (\(FreeSpace.describe(r.chart.size)), \(how))"))
        }
    }
}
