import ChartRepository
import Content
import FileSystem
import Foundation
import HTTP
import OCI

/// The identity of a bundle a build would write: if an output file still has it, the build
/// leaves the file alone.
struct OutputRecord: Codable, Equatable, Sendable {
    var manifestDigest: String
    var signature: String?
    var compression: String
    var level: Int?
}

/// The build host's content-addressed cache: verified blobs under `blobs/sha256/<hex>` (with
/// how each file looked when it was verified under `verified/`), and
/// how each chart request resolved under `resolutions/`, so that a rebuild downloads only
/// what changed and `--offline` can rebuild from the cache alone.
public struct BlobCache: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// `$BUNDLE_CACHE_DIR`, else `$XDG_CACHE_HOME/bundle`, else `$HOME/.cache/bundle`, else (no HOME) `/var/cache/bundle`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["BUNDLE_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/bundle" }
        // HOME from the environment only (never the password database); root's cache without it.
        return FileStatus.home(environment).map { $0 + "/.cache/bundle" } ?? "/var/cache/bundle"
    }

    public func blobPath(_ digest: Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.hex)" }

    /// Whether the cache holds `digest` as it verified it: a blob stored by this cache is
    /// trusted while its file is the one it wrote (size, modification time and inode as
    /// recorded then); any other file of the right size (an older cache's, or one changed
    /// since) is hashed once, and trusted (and recorded) only when it matches.
    public func contains(_ digest: Digest, size: Int64) -> Bool {
        let path = blobPath(digest)
        guard let stamp = Self.stamp(path), stamp.size == size else { return false }
        if let recorded = try? String(contentsOfFile: verifiedPath(digest), encoding: .utf8), recorded == Self.describe(stamp) { return true }
        guard Self.hashes(path, to: digest, size: size) else { return false }
        recordVerified(digest)
        return true
    }

    /// Where the cache notes how a blob's file looked when it verified it.
    private func verifiedPath(_ digest: Digest) -> String { "\(root)/verified/\(digest.algorithm)/\(digest.hex)" }

    /// Notes the blob's file as verified: written in place, unflushed (`prepare` made the
    /// folder); a torn or missing note only means the blob is hashed again.
    private func recordVerified(_ digest: Digest) {
        guard let stamp = Self.stamp(blobPath(digest)) else { return }
        let fd = open(verifiedPath(digest), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = Array(Self.describe(stamp).utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private static func describe(_ stamp: (size: Int64, modified: Int64, inode: UInt64)) -> String {
        "\(stamp.size) \(stamp.modified) \(stamp.inode)"
    }

    /// Whether the file at `path` is exactly `size` bytes hashing to `digest` (ContentCheck).
    private static func hashes(_ path: String, to digest: Digest, size: Int64) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var check = ContentCheck(digest: digest, size: size)
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            guard chunk.withUnsafeBytes({ check.update($0) }) else { return false }
        }
        return check.finish() == nil
    }

    /// Creates the folders; the error names the cache folder.
    func prepare() throws(BuildError) {
        do {
            for sub in ["blobs/sha256", "resolutions", "verified/sha256"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
            }
            removeStalePartials()
        } catch {
            throw BuildError(.output, root, "cannot create the cache folder: \(error.localizedDescription). Choose another with --cache-dir or BUNDLE_CACHE_DIR.")
        }
    }

    /// Removes downloads a killed build left beside the blobs (`.HEX.PID.N.partial`), once they
    /// are an hour old, so a build running at the same time keeps its own.
    func removeStalePartials(now: Date = Date()) {
        let folder = "\(root)/blobs/sha256"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let path = folder + "/" + name
            guard let modified = FileStatus.modified(path),
                  now.timeIntervalSince(modified) > 3600 else { continue }
            try? DurableFile.remove(path)  // only space is at stake; the next build tries again
        }
    }

    /// Has `download` fetch a blob into the cache unless it is there; returns whether it was
    /// already cached. `download` writes (and verifies) a temporary file beside the blob's
    /// place; `progress` hears that file's path and how much of it is written; `verified` hears
    /// that every byte arrived and matched, before the file is flushed and named.
    func ensure(_ descriptor: Descriptor, origin: String, progress: (@Sendable (String, FileProgress) -> Void)? = nil,
                verified: (() -> Void)? = nil,
                download: (String, (@Sendable (FileProgress) -> Void)?) throws -> Void) throws -> Bool {
        if contains(descriptor.digest, size: descriptor.size) { return true }
        try store(descriptor.digest, origin: origin) { (temporary: String) throws -> Void in
            var onProgress: (@Sendable (FileProgress) -> Void)?
            if let progress { onProgress = { step in progress(temporary, step) } }
            try download(temporary, onProgress)
            verified?()
        }
        return false
    }

    /// Has `download` write a verified blob beside its place under `blobs/`, then flushes and
    /// names it (`DurableFile`), so that a crash never leaves a cache entry whose bytes do not
    /// match its name. The download's own errors pass through.
    private func store<Result>(_ digest: Digest, origin: String, _ download: (String) throws -> Result) throws -> Result {
        do {
            let result = try DurableFile.write(to: blobPath(digest), download)
            recordVerified(digest)
            return result
        } catch let error as FileSystemError {
            throw RegistryError(.localFile, registry: origin, reason: "cannot store \(digest) in the cache \(root): \(error.reason)", hint: "Check the cache folder's space and permissions.")
        }
    }

    /// Writes a small file of the cache, whole or not at all; `flush` makes it durable (blobs),
    /// records are not flushed (a torn one reads as missing and is made again). A failure only
    /// means it is not kept: the cache is an optimisation, and every read of it is verified.
    @discardableResult
    private func store(_ data: Data, at path: String, flush: Bool) -> Bool {
        (try? DurableFile.write(data, to: path, flush: flush)) != nil
    }

    /// What identifies a bundle file this cache's builds wrote, and how it looked on disk.
    struct OutputRecordFile: Codable {
        var record: OutputRecord
        var size: Int64
        var modified: Int64
        var inode: UInt64
    }

    private func outputRecordPath(_ output: String) -> String {
        let absolute = URL(fileURLWithPath: output).standardizedFileURL.path
        return "\(root)/outputs/\(Digest.sha256(of: Data(absolute.utf8)).hex).json"
    }

    private static func stamp(_ path: String) -> (size: Int64, modified: Int64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), UInt64(info.st_ino))
    }

    /// Whether `output` is the file a previous build wrote for exactly this record, untouched since.
    func isUpToDate(output: String, as record: OutputRecord) -> Bool {
        guard let data = FileManager.default.contents(atPath: outputRecordPath(output)),
              let saved = try? JSONDecoder().decode(OutputRecordFile.self, from: data),
              saved.record == record, let now = Self.stamp(output)
        else { return false }
        return now.size == saved.size && now.modified == saved.modified && now.inode == saved.inode
    }

    func remember(output: String, as record: OutputRecord) {
        guard let now = Self.stamp(output) else { return }
        let file = OutputRecordFile(record: record, size: now.size, modified: now.modified, inode: now.inode)
        try? FileManager.default.createDirectory(atPath: "\(root)/outputs", withIntermediateDirectories: true)
        guard let data = try? JSONEncoder().encode(file) else { return }
        store(data, at: outputRecordPath(output), flush: false)
    }

    /// Downloads a classic repository's chart into the cache unless it is there (known by the
    /// index's digest); returns whether it was cached, and its size.
    func ensure(_ chart: RepositoryChart, client: ChartRepositoryClient) throws -> (cached: Bool, size: Int64) {
        // The index gives the digest, not the size: the file's own, if the cache verified it.
        if let size = FileStatus.size(blobPath(chart.digest)), contains(chart.digest, size: size) { return (true, size) }
        return (false, try store(chart.digest, origin: chart.url.hostAndPort) { temporary in try client.download(chart, to: temporary) })
    }

    private func resolutionPath(key: String, requested: String?) -> String {
        "\(root)/resolutions/\(Digest.sha256(of: Data("\(key)\n\(requested ?? "")".utf8)).hex).json"
    }

    /// Records how a chart request resolved, for `--offline` rebuilds.
    func record(_ artifact: ChartArtifact, key: String, requested: String?) {
        guard let data = try? JSONEncoder().encode(artifact) else { return }
        store(data, at: resolutionPath(key: key, requested: requested), flush: false)
    }

    /// A recorded resolution whose blobs are all still in the cache.
    func resolution(key: String, requested: String?) -> ChartArtifact? {
        guard let data = FileManager.default.contents(atPath: resolutionPath(key: key, requested: requested)),
              let artifact = try? JSONDecoder().decode(ChartArtifact.self, from: data),
              contains(artifact.chart.digest, size: artifact.chart.size)
        else { return nil }
        if let prov = artifact.provenance, !contains(prov.digest, size: prov.size) { return nil }
        // An OCI chart recorded before manifests were bundled resolves again.
        if artifact.manifestDigest != nil, artifact.ociManifest == nil || !artifact.ociBlobs.allSatisfy({ contains($0.digest, size: $0.size) }) { return nil }
        return artifact
    }
}

extension BlobCache: SmallBlobStore {
    /// A small blob from the cache (read whole; only configs are kept this way), hashed as it
    /// is read: a file that no longer matches its name is removed, so that the blob fetched
    /// again is kept in its place.
    public func data(for descriptor: Descriptor) -> Data? {
        let path = blobPath(descriptor.digest)
        guard descriptor.size <= 1 << 20, contains(descriptor.digest, size: descriptor.size), let data = FileManager.default.contents(atPath: path) else { return nil }
        guard ContentCheck.compare(receivedSize: Int64(data.count), sha256Hex: Digest.sha256(of: data).hex, against: descriptor.digest, size: descriptor.size) == nil else {
            unlink(path)
            return nil
        }
        return data
    }

    /// Keeps a blob the registry client has verified.
    public func keep(_ data: Data, for descriptor: Descriptor) {
        // A blob the cache holds, verified, is not written again: every write is flushed, and
        // each `images`, `plan` or rebuild keeps every chart's manifest it resolves.
        if contains(descriptor.digest, size: descriptor.size) { return }
        // Noted as verified only when this write landed (a failed one leaves whatever was there).
        if store(data, at: blobPath(descriptor.digest), flush: true) { recordVerified(descriptor.digest) }
    }
}
