import Foundation
import OCI

/// The build host's content-addressed cache: verified blobs under `blobs/sha256/<hex>`, and
/// how each chart request resolved under `resolutions/`, so that a rebuild downloads only
/// what changed and `--offline` can rebuild from the cache alone.
/// The identity of a bundle a build would write: if an output file still has it, the build
/// leaves the file alone.
struct OutputRecord: Codable, Equatable, Sendable {
    var manifestDigest: String
    var signature: String?
    var compression: String
    var level: Int?
}

public struct BlobCache: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// `$BUNDLE_CACHE_DIR`, else `$XDG_CACHE_HOME/bundle`, else `~/.cache/bundle`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["BUNDLE_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/bundle" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/bundle"
    }

    public func blobPath(_ digest: Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.hex)" }

    public func contains(_ digest: Digest, size: Int64) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: blobPath(digest)),
              let fileSize = attributes[.size] as? Int64 ?? (attributes[.size] as? NSNumber)?.int64Value
        else { return false }
        return fileSize == size
    }

    /// Creates the folders; the error names the cache folder.
    func prepare() throws(BuildError) {
        do {
            for sub in ["blobs/sha256", "resolutions", "tmp"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
            }
        } catch {
            throw BuildError(.output, root, "cannot create the cache folder: \(error.localizedDescription). Choose another with --cache-dir or BUNDLE_CACHE_DIR.")
        }
    }

    /// Fetches a blob into the cache unless it is there; returns whether it was already cached.
    func ensure(_ descriptor: Descriptor, repository: String, client: RegistryClient) throws(RegistryError) -> Bool {
        if contains(descriptor.digest, size: descriptor.size) { return true }
        let temporary = "\(root)/tmp/\(descriptor.digest.hex).\(UUID().uuidString).partial"
        try client.fetchBlob(repository: repository, descriptor: descriptor, to: temporary)
        guard rename(temporary, blobPath(descriptor.digest)) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw RegistryError(.localFile, registry: client.registry, reason: "cannot store \(descriptor.digest) in the cache \(root): \(message)", hint: "Check the cache folder's space and permissions.")
        }
        return false
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
        let path = outputRecordPath(output)
        let temporary = path + ".\(UUID().uuidString).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data) { rename(temporary, path) }
    }

    /// A chart request's resolution, recorded after an online resolve.
    struct Resolution: Codable, Sendable {
        var reference: String
        var requested: String?
        var version: String
        var tag: String?
        var manifestDigest: Digest
        var chartLayer: Descriptor
        var provenanceLayer: Descriptor?
        var config: HelmChartConfig
    }

    private func resolutionPath(reference: String, requested: String?) -> String {
        let key = Digest.sha256(of: Data("\(reference)\n\(requested ?? "")".utf8)).hex
        return "\(root)/resolutions/\(key).json"
    }

    func record(_ resolved: ResolvedChart, requested: String?) {
        let resolution = Resolution(
            reference: resolved.reference.description, requested: requested, version: resolved.version, tag: resolved.tag,
            manifestDigest: resolved.manifestDigest, chartLayer: resolved.chartLayer, provenanceLayer: resolved.provenanceLayer,
            config: resolved.config)
        guard let data = try? JSONEncoder().encode(resolution) else { return }
        let path = resolutionPath(reference: resolved.reference.description, requested: requested)
        let temporary = path + ".\(UUID().uuidString).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data) { rename(temporary, path) }
    }

    func resolution(reference: ChartReference, requested: String?) -> ResolvedChart? {
        guard let data = FileManager.default.contents(atPath: resolutionPath(reference: reference.description, requested: requested)),
              let r = try? JSONDecoder().decode(Resolution.self, from: data),
              contains(r.chartLayer.digest, size: r.chartLayer.size)
        else { return nil }
        if let prov = r.provenanceLayer, !contains(prov.digest, size: prov.size) { return nil }
        return ResolvedChart(
            reference: reference, version: r.version, tag: r.tag, manifestDigest: r.manifestDigest, chartLayer: r.chartLayer,
            provenanceLayer: r.provenanceLayer, config: r.config, warnings: [])
    }
}
