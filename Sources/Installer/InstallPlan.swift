import BundleFormat
import Foundation

/// What an install does on a node, in the order it does it: the files it places (entries of
/// the bundle, files it makes, the images tar), then the config; after them, the files of the
/// previous install that the new one does not carry are removed. The local strategy (charts,
/// certificates, images) and the mirror strategy (the mirror's CA, containerd's hosts files
/// and drop-in) each make one; `--dry-run` prints it, `Installer.apply` does it, all or nothing.
struct InstallPlan {
    enum Content {
        /// An entry of the bundle, staged and verified (charts, certificates).
        case entry(BundleManifest.File)
        /// Bytes the install makes (the mirror's CA, hosts files, the containerd drop-in).
        case bytes(Data)
        /// The images tar, written from the staged image entries.
        case imagesArchive(ImagesTar)
    }

    struct File {
        /// The path on the node, without the root prefix.
        var nodePath: String
        var content: Content

        /// The bundle entry it is made from, as messages name it (`images/` for the images tar);
        /// nil for bytes the install makes.
        var entry: String? {
            switch content {
            case .entry(let file): file.path
            case .imagesArchive: "images/"
            case .bytes: nil
            }
        }

        /// The sha256 the placed file will have, where known before placing it.
        var sha256: String? {
            switch content {
            case .entry(let file): file.sha256
            case .bytes(let data): NodeFiles.sha256(data)
            case .imagesArchive: nil
            }
        }
    }

    var files: [File]
    /// The mirror the config points k0s at (`--mirror`), nil for a local install.
    var mirror: String?

    /// What the record lists as this install's files.
    var recordFiles: [String] { files.map(\.nodePath) }

    /// Whether `record` is this plan's install of `bundle` (same bundle, `--config-out` and
    /// mirror), with every file whose bytes the plan knows and the node's config still what it
    /// wrote. The images tar and the config the install would write are the strategy's to check.
    func isRecorded(in record: InstalledRecord, bundle: BundleVerifier, target: InstallTarget) -> Bool {
        guard record.manifestDigest == bundle.manifestDigest, record.config == target.configOut, record.mirror == mirror,
              let configSHA256 = record.configSHA256, NodeFiles.sha256(of: target.configFile) == configSHA256 else { return false }
        return files.allSatisfy { $0.sha256 == nil || NodeFiles.sha256(of: target.rooted($0.nodePath)) == $0.sha256 }
    }

    /// The previous install's files that this one does not carry, to remove after the record.
    func removals(after previous: InstalledRecord?) -> [String] {
        Set(previous?.files ?? []).subtracting(recordFiles).sorted()
    }
}
