import Archive
import BundleFormat
import FileSystem
import Foundation

/// The bundle's images on the node: its OCI layout (`images/…` entries, staged and verified
/// like every entry) written as one uncompressed tar, `<data-dir>/images/bundle-<name>.tar`,
/// which k0s's workers import into containerd. The tar is written aside, flushed and renamed,
/// and only when its bytes change, so k0s imports it once per change (it watches mtimes).
struct ImagesTar {
    let target: InstallTarget
    /// False with `--no-images` (controller-only nodes).
    let wanted: Bool

    /// The image entries of a bundle (empty when it has no images).
    static func entries(_ manifest: BundleManifest) -> [BundleManifest.File] {
        manifest.files.filter { BundleManifest.isImageEntry($0.path) }
    }

    func nodePath(_ manifest: BundleManifest) -> String { target.layout.imageArchive(bundle: manifest.name) }

    /// Whether this install places an images tar.
    func places(_ manifest: BundleManifest) -> Bool { wanted && manifest.images != nil }

    /// Writes the images tar from the staged entries: `oci-layout`, `index.json`, then the
    /// blobs by digest, each entry at its path inside the layout, mtime 0, so the same images
    /// give the same bytes. Returns what was done and the tar's sha256. The plan holds the
    /// images tar only where the install places one (`places`).
    func write(_ manifest: BundleManifest, staged: [String: String], placement: inout Placement) throws -> (placed: InstallReport.Placed, sha256: String) {
        let tar = target.rooted(nodePath(manifest))
        try NodeFiles.createFolder((tar as NSString).deletingLastPathComponent)
        let prefix = BundleManifest.imagesFolder + "/"
        let order = ["images/oci-layout": 0, "images/index.json": 1]
        let files = Self.entries(manifest).sorted { (order[$0.path] ?? 2, $0.path) < (order[$1.path] ?? 2, $1.path) }
        let temporary = DurableFile.temporaryPath(for: tar)
        defer { unlink(temporary) }
        do {
            let writer = try ArchiveWriter(path: temporary, compression: nil, mtime: 0)
            for file in files {
                guard let source = staged[file.path] else {
                    throw BundleError(.entryMissing, "\(target.bundle): entry \"\(file.path)\"", reason: "was not staged", hint: "The bundle is incomplete; copy it again.")
                }
                try writer.add(String(file.path.dropFirst(prefix.count)), contentsOf: source)
            }
            try writer.close()
        } catch let error as ArchiveError {
            throw BundleError(.writeFailed, tar, reason: "the images tar cannot be written: \(error.reason)", hint: "Check free space under \(target.node.dataDir); the node's images were not changed.")
        }
        guard let sha256 = NodeFiles.sha256(of: temporary) else {
            throw BundleError(.writeFailed, tar, reason: "the images tar just written cannot be read back", hint: "Check the file system under \(target.node.dataDir).")
        }
        let existed = FileManager.default.fileExists(atPath: tar)
        if existed, NodeFiles.sha256(of: tar) == sha256 {
            return (InstallReport.Placed(path: tar, action: "unchanged", sha256: sha256), sha256)
        }
        do {
            try DurableFile.flushTemporary(temporary)
        } catch {
            throw BundleError(.writeFailed, tar, reason: "cannot be put in place: \(error.reason)", hint: error.hint)
        }
        try placement.put(temporary, at: tar)
        try NodeFiles.syncFolder((tar as NSString).deletingLastPathComponent)
        Checkpoint.reached("placed images")
        return (InstallReport.Placed(path: tar, action: existed ? "replaced" : "created", sha256: sha256), sha256)
    }

    /// Whether the images tar the record names is still what that install wrote.
    func isInPlace(_ manifest: BundleManifest, record: InstalledRecord) -> Bool {
        guard places(manifest) else { return record.imagesSHA256 == nil }
        guard let expected = record.imagesSHA256 else { return false }
        return NodeFiles.sha256(of: target.rooted(nodePath(manifest))) == expected
    }
}
