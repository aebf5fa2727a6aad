import BundleFormat
import Foundation

/// The node one install writes, known once the bundle is verified: the options, the data dir
/// settled (`--data-dir`, else the one the bundle was built for), and the node's paths and
/// state under the root. Every part of an install reads the node through it.
struct InstallTarget {
    let options: InstallOptions
    let node: NodeState
    /// The config file the install replaces (the target of a link), resolved once.
    let configFile: String

    init(options: InstallOptions, manifest: BundleManifest) {
        self.options = options
        node = NodeState(root: options.root, dataDir: NodeLayout(dataDir: options.dataDir ?? manifest.dataDir).dataDir)
        configFile = node.configFile(options.configOut)
    }

    /// The bundle file, as messages name it.
    var bundle: String { options.bundle }
    var layout: NodeLayout { node.layout }
    var state: InstallState { node.state }
    /// `--config-out`, a node path.
    var configOut: String { options.configOut }

    /// A node path under the root.
    func rooted(_ nodePath: String) -> String { node.rooted(nodePath) }

    /// Where a chart or certificate entry goes on the node (without the root prefix).
    func nodePath(forEntry entry: String) throws(BundleError) -> String {
        guard let path = layout.nodePath(forEntry: entry) else {
            throw BundleError(.entryUnsafe, "\(bundle): entry \"\(entry)\"", reason: "has no place on a node (charts/NAME, certs/NAME)", hint: "Do not install this bundle.")
        }
        return path
    }

    /// A private staging folder under the state folder (removed by its user; a killed install's
    /// is removed by the next one).
    func newStagingFolder() -> String {
        state.folder + "/staging-\(getpid())-\(UUID().uuidString.prefix(8))"
    }
}
