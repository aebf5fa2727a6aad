import BundleFormat
import Diagnostics

/// Where and how to install.
public struct InstallOptions: Sendable {
    public var bundle: String
    /// Prefix of every path written ("/" on a real node; a folder for tests and image builds).
    public var root = "/"
    /// `--data-dir`; nil: the data dir the bundle was built for (`build --data-dir`).
    public var dataDir: String?
    public var configOut = "/etc/k0s/k0s.yaml"
    /// merge (default): an existing node config keeps everything but spec.extensions.helm;
    /// replace: the bundle's config is written whole.
    public var configMode: ConfigMode = .merge
    /// `--prune-charts`: a merge drops the node's chart and repository entries the bundle does
    /// not name (kept by default: k0s uninstalls a release whose entry disappears).
    public var pruneCharts = false
    /// `--allow-downgrade`: a bundle of the same name with an older (or the same) sequence may
    /// replace the installed one.
    public var allowDowngrade = false
    /// `--replace-bundle`: a bundle of another name may replace the installed one.
    public var replaceBundle = false
    /// Where the node gets its charts and images from.
    public var source: Source = .bundle(images: true)

    public enum ConfigMode: String, Sendable, CaseIterable { case merge, replace }

    /// Where the node gets its charts and images: `images` is false with `--no-images`
    /// (controller-only nodes: no images tar is placed, containerd is left alone).
    public enum Source: Sendable {
        /// Charts, certificates and the images tar placed from the bundle.
        case bundle(images: Bool)
        /// `--mirror`: k0s and containerd pointed at a mirror; no chart or image file placed.
        case mirror(MirrorInstall, images: Bool)
    }

    public init(bundle: String) {
        self.bundle = bundle
    }
}

/// What an install did (or, for a dry run, would do).
public struct InstallReport: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable { case installed, unchanged, dryRun = "dry-run" }
    public struct Placed: Sendable, Encodable {
        public var path: String
        /// created, replaced, unchanged, removed (or "would …" in a dry run).
        public var action: String
        public var sha256: String?
    }
    public var status: Status
    public var bundle: String
    public var name: String
    public var sequence: Int64
    public var manifestDigest: String
    @Nullable public var verifiedBy: String?
    public var files: [Placed]
    public var config: String
    @Nullable public var backup: String?
    /// sha256 of the config written (hex), recorded so a repeat install can tell it is untouched.
    @Nullable public var configSHA256: String?
    /// The mirror the node now uses, for `--mirror`.
    @Nullable public var mirror: String?
    /// A dry run's change to the config as a unified diff, one line per element; empty when
    /// the config would stay as it is.
    @Nullable public var configDiff: [String]?
    /// The node's own config entries the merge kept (the bundle does not name them), replaced
    /// (the bundle names them) and pruned (`--prune-charts`): `chart NAME`, `repository NAME`.
    public var configKept: [String] = []
    public var configReplaced: [String] = []
    public var configPruned: [String] = []
    /// Chart entries of the previous bundle that this one no longer carries: dropped.
    public var configRetired: [String] = []
    /// What was printed as warnings.
    public var warnings: [String] = []
}
