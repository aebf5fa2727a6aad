import Foundation

/// Where everything a bundle brings goes on a node, for one k0s data dir: the one place that
/// maps a data dir to paths, used by the build (to rewrite the config) and by the installer
/// (to place files), so that the two cannot disagree.
public struct NodeLayout: Sendable, Equatable {
    public static let defaultDataDir = "/var/lib/k0s"
    /// Charts, where k0s's docs put them: `<data-dir>/charts`.
    public static let chartsFolder = "charts"
    /// CA certificates of the repositories charts came from.
    public static let certificatesFolder = "bundle/certs"
    /// Images, where k0s's workers import them.
    public static let imagesFolder = "images"
    /// The record of what was installed, the install lock and the staging folders.
    public static let stateFolder = "bundle"

    /// The node's k0s data dir, absolute, without a trailing slash.
    public let dataDir: String

    /// The one rule for a data dir (`build --data-dir`, `install --data-dir`, bundle.json's
    /// `dataDir`): an absolute, normalised path (no empty, `.` or `..` component, no trailing
    /// slash) other than `/`, so that every path under it stays where k0s looks.
    public static func isValidDataDir(_ path: String) -> Bool {
        guard path.hasPrefix("/"), path.count > 1, path.utf8.count <= 1024, !path.hasSuffix("/"), !path.contains("\0") else { return false }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// What `isValidDataDir` asks, for messages.
    public static let dataDirRule = "an absolute, normalised path other than / (like /var/lib/k0s)"

    public init(dataDir: String = NodeLayout.defaultDataDir) {
        self.dataDir = dataDir.count > 1 && dataDir.hasSuffix("/") ? String(dataDir.dropLast()) : dataDir
    }

    public var charts: String { "\(dataDir)/\(Self.chartsFolder)" }
    public var certificates: String { "\(dataDir)/\(Self.certificatesFolder)" }
    public var images: String { "\(dataDir)/\(Self.imagesFolder)" }
    public var state: String { "\(dataDir)/\(Self.stateFolder)" }

    /// A chart archive's path on the node, from its file name (`app-1.2.3.tgz`).
    public func chart(_ fileName: String) -> String { "\(charts)/\(fileName)" }
    /// The one uncompressed OCI-layout tar of a bundle's images, which k0s's workers import.
    public func imageArchive(bundle name: String) -> String {
        let safe = String(name.unicodeScalars.map { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) ? Character($0) : "_" })
        return "\(images)/bundle-\(safe).tar"
    }

    /// A CA certificate's path on the node, from its file name (`corp.crt`).
    public func certificate(_ fileName: String) -> String { "\(certificates)/\(fileName)" }

    /// Where a bundle entry (`charts/x.tgz`, `certs/x.crt`) goes on the node; nil for entries
    /// that are not placed as files (the config goes to the install's `--config-out`).
    public func nodePath(forEntry entry: String) -> String? {
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "charts": return chart(String(parts[1]))
        case "certs": return certificate(String(parts[1]))
        default: return nil
        }
    }
}
