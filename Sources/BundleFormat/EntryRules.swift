import Diagnostics
import Foundation

/// The one rule for what a bundle may hold, used by both sides: the build names every entry
/// with it and checks the manifest against it before signing, the installer refuses any
/// manifest that breaks it. So a bundle that was signed is never one that install refuses.
public enum EntryRules {
    /// Paths the installer knows how to place; anything else in a manifest is refused.
    public static func check(_ manifest: BundleManifest, source path: String) throws(BundleError) {
        guard BundleManifest.isValidName(manifest.name) else {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "name: \"\(Escaped(String(manifest.name.prefix(140))))\" is not 1 to 128 of A-Z a-z 0-9 . _ -",
                              hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        guard NodeLayout.isValidDataDir(manifest.dataDir) else {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "dataDir: \"\(Escaped(String(manifest.dataDir.prefix(200))))\" is not \(NodeLayout.dataDirRule)",
                              hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        var seen = Set<String>()
        var folded = Set<String>()
        for file in manifest.files {
            guard isSafePath(file.path), file.path == manifest.config.path || isPlaceable(file.path) else {
                throw BundleError(.entryUnsafe, "\(path): bundle.json", reason: "lists \"\(Escaped(file.path))\", which is not a place a bundle may write (charts/NAME, certs/NAME, images/…, \(Escaped(manifest.config.path)))",
                                  hint: "The bundle was not made by `bundle build`; do not install it.")
            }
            guard seen.insert(file.path).inserted else {
                throw BundleError(.entryDuplicate, "\(path): bundle.json", reason: "lists \"\(file.path)\" twice")
            }
            guard folded.insert(file.path.lowercased()).inserted else {
                throw BundleError(.entryUnsafe, "\(path): bundle.json", reason: "lists \"\(file.path)\" and another path that differs only in case (one file on a case-insensitive file system)",
                                  hint: "The bundle was not made by `bundle build`; do not install it.")
            }
            guard file.size >= 0, file.sha256.count == 64 else {
                throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "lists \"\(file.path)\" without a valid size and sha256")
            }
        }
        guard seen.contains(manifest.config.path) else {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "does not list its config \(Escaped(manifest.config.path)) among the files", hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        for chart in manifest.charts where !seen.contains(chart.path) {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "chart \(Escaped(chart.path)) is not among the files", hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        for image in manifest.images ?? [] where !MirrorTarget.isValidImageReference(image.reference) || !image.names.allSatisfy(MirrorTarget.isValidImageReference) {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "lists the image \"\(Escaped(String(image.reference.prefix(200))))\", which is not host[:port]/path[:tag][@digest]",
                              hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        let hasImages = seen.contains { BundleManifest.isImageEntry($0) }
        if hasImages != (manifest.images != nil) || (hasImages && !(seen.contains("images/oci-layout") && seen.contains("images/index.json"))) {
            throw BundleError(.manifestInvalid, "\(path): bundle.json", reason: "lists an incomplete image layout (images/oci-layout, images/index.json and the images section go together)",
                              hint: "The bundle was not made by `bundle build`; do not install it.")
        }
    }

    /// `charts/NAME`, `certs/NAME`, `images/oci-layout`, `images/index.json`, `images/blobs/sha256/<64 hex>`,
    /// `oci/blobs/sha256/<64 hex>`.
    public static func isPlaceable(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0] == "charts" || parts[0] == "certs" { return true }
        if path == "images/oci-layout" || path == "images/index.json" { return true }
        return parts.count == 4 && (parts[0] == "images" || parts[0] == "oci") && parts[1] == "blobs" && parts[2] == "sha256" && parts[3].utf8.count == 64
            && parts[3].utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// A relative path of plain components, judged on its bytes before anything else: split on
    /// `/` only, no empty, `.` or `..` component, no leading dot, and only the safe set
    /// `[A-Za-z0-9._+-]` (every name `bundle build` writes), at most 255 bytes.
    public static func isSafePath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        return bytes.split(separator: 0x2F, omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.first != 0x2E && part.allSatisfy(isAllowed)
        }
    }

    /// A byte an entry's name may hold: `[A-Za-z0-9._+-]`.
    static func isAllowed(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2B || c == 0x2D
    }

    /// A file name for an entry made from any text (a chart's name and version from its
    /// Chart.yaml): every byte outside the allowed set becomes `_`, and so does a leading dot,
    /// so that what the build writes is what the installer accepts.
    public static func fileName(from text: String) -> String {
        var bytes = Array(text.utf8.prefix(200)).map { isAllowed($0) ? $0 : 0x5F }
        if bytes.first == 0x2E || bytes.isEmpty { bytes.insert(0x5F, at: 0) }
        return String(decoding: bytes, as: UTF8.self)
    }

}
