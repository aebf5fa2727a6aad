import Diagnostics
import BundleFormat
import FileSystem
import Foundation

/// What a node holds (`bundle status`).
public struct NodeStatus: Encodable, Sendable {
    public struct FileState: Encodable, Sendable {
        public var path: String
        /// intact, changed, missing, or unknown (installed by an older bundle tool).
        public var state: String
    }
    public var installed: Bool
    @Nullable public var name: String?
    @Nullable public var sequence: Int64?
    @Nullable public var manifestDigest: String?
    @Nullable public var installedAt: String?
    @Nullable public var verifiedBy: String?
    @Nullable public var mirror: String?
    @Nullable public var config: String?
    /// The config's state: intact (as the install wrote it), changed (edited since), or missing.
    @Nullable public var configState: String?
    /// The node's own config from before the first install (`CONFIG.bundle-backup`), when kept.
    @Nullable public var configBackup: String?
    public var charts: [String]
    public var images: [String]
    public var files: [FileState]
    /// Every file, and the config, still exactly what the install wrote.
    public var intact: Bool
}

/// What `bundle uninstall` did.
public struct UninstallReport: Encodable, Sendable {
    public var name: String
    public var removed: [String]
    /// Files changed since the install: left in place, named here.
    public var kept: [String]
    /// "restored from <backup>", "removed", "kept (changed since the install)" or "none".
    public var config: String
    /// The backup of the node's own config, when the config was kept (changed since the install).
    @Nullable public var configBackup: String?
    /// Removed chart files that a kept config still names: k0s will fail on them until the
    /// config is restored or edited.
    public var configNamesRemoved: [String] = []
    public var dryRun: Bool
}
