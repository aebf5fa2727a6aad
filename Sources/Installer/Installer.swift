import Diagnostics
import BundleFormat
import Crypto
import FileSystem
import Foundation
import K0sConfig

/// Where and how to install.
public struct InstallOptions: Sendable {
    public var bundle: String
    /// Prefix of every path written ("/" on a real node; a folder for tests and image builds).
    public var root = "/"
    public var dataDir = NodeLayout.defaultDataDir
    /// No `--data-dir` given: the data dir the bundle was built for (`build --data-dir`).
    public var dataDirFromBundle = false
    public var configOut = "/etc/k0s/k0s.yaml"
    public var allowDowngrade = false
    /// `--replace-bundle`: a bundle of another name may replace the installed one.
    public var replaceBundle = false
    /// `--prune-charts`: a merge drops the node's chart and repository entries the bundle does
    /// not name (kept by default: k0s uninstalls a release whose entry disappears).
    public var pruneCharts = false
    /// False with `--no-images` (controller-only nodes): the images tar is not placed.
    public var placeImages = true
    /// `--mirror`: point k0s and containerd at a mirror instead of placing charts and images.
    public var mirror: MirrorInstall?
    /// merge (default): an existing node config keeps everything but spec.extensions.helm;
    /// replace: the bundle's config is written whole.
    public var configMode: ConfigMode = .merge

    public enum ConfigMode: String, Sendable, CaseIterable { case merge, replace }

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

/// Seeds a node from a bundle: verify first, stage privately, then move into place atomically.
///
/// Order, so that a kill at any moment leaves the old state or the new one: (1) signature and
/// manifest checked before anything is written; (2) every entry streamed into a private
/// staging folder under the data dir, digested and compared, flushed; (3) charts and
/// certificates renamed into place (complete files only, under new or unchanged names);
/// (4) the previous config copied to a backup, the new config written aside and renamed
/// over it; (5) the record written last, naming files of the previous bundle to remove;
/// (6) those removed and the record rewritten. A later run finishes any of this.
public final class Installer {
    public private(set) var options: InstallOptions
    let trusted: [(key: VerificationKey, source: String)]
    let log: (String) -> Void

    public init(options: InstallOptions, trusted: [(key: VerificationKey, source: String)], log: @escaping (String) -> Void) {
        self.options = options
        self.trusted = trusted
        self.log = log
    }

    /// The node as the options name it (the data dir may change to the bundle's own).
    var nodeState: NodeState { NodeState(root: options.root, dataDir: options.dataDir) }
    func rooted(_ nodePath: String) -> String { nodeState.rooted(nodePath) }
    func configFile(_ nodePath: String) -> String { nodeState.configFile(nodePath) }
    var node: NodeLayout { nodeState.layout }
    var state: InstallState { nodeState.state }

    /// The entries placed as files of their own: charts and certificates. The config goes to
    /// `--config-out`, images become one tar (`placeImages`), charts' OCI manifests (`oci/`)
    /// are for `push`.
    static func placedFiles(_ manifest: BundleManifest) -> [BundleManifest.File] {
        manifest.files.filter { $0.path != manifest.config.path && !BundleManifest.isImageEntry($0.path) && !BundleManifest.isChartOCIEntry($0.path) }
    }

    /// Where an entry goes on the node (without the root prefix).
    func nodePath(for entry: String, manifest: BundleManifest) throws(BundleError) -> String {
        if entry == manifest.config.path { return options.configOut }
        if BundleManifest.isImageEntry(entry) { return imageArchivePath(manifest) }
        guard let path = node.nodePath(forEntry: entry) else {
            throw BundleError(.entryUnsafe, "\(options.bundle): entry \"\(entry)\"", reason: "has no place on a node (charts/NAME, certs/NAME)", hint: "Do not install this bundle.")
        }
        return path
    }

    /// What an install would do (`--dry-run`): everything verified and checked, the plan
    /// reported, nothing written.
    public func plan() throws -> InstallReport {
        let bundle = try verified()
        return try dryRun(bundle, report: report(bundle, status: .dryRun))
    }

    /// (1) Nothing is written before the signature and the manifest hold. No --data-dir: the
    /// one the bundle was built for, when it is an absolute path.
    private func verified() throws -> BundleVerifier {
        let bundle = try BundleVerifier(path: options.bundle, trusted: trusted)
        if options.dataDirFromBundle {
            options.dataDir = NodeLayout(dataDir: bundle.manifest.dataDir).dataDir
        }
        return bundle
    }

    private func report(_ bundle: BundleVerifier, status: InstallReport.Status) -> InstallReport {
        InstallReport(status: status, bundle: options.bundle, name: bundle.manifest.name, sequence: bundle.manifest.sequence,
                      manifestDigest: bundle.manifestDigest, verifiedBy: bundle.verifiedBy, files: [], config: rooted(options.configOut), backup: nil)
    }

    public func install() throws -> InstallReport {
        let bundle = try verified()
        let manifest = bundle.manifest
        var report = report(bundle, status: .installed)

        try state.create()
        let lock = try InstallLock(path: state.folder + "/install.lock")
        defer { lock.release() }
        try state.finishPendingRemovals()
        let previous = state.read()
        try prepare(manifest, digest: bundle.manifestDigest, previous: previous)
        if let mirror = options.mirror {
            return try installForMirror(bundle, mirror: mirror, previous: previous, report: report)
        }

        let expectedFiles = Self.placedFiles(manifest)
        if let previous, try isInPlace(expectedFiles, manifest: manifest, digest: bundle.manifestDigest, record: previous), imagesInPlace(manifest, record: previous) {
            report.status = .unchanged
            report.files = try expectedFiles.map { .init(path: rooted(try nodePath(for: $0.path, manifest: manifest)), action: "unchanged", sha256: $0.sha256) }
            if placesImages(manifest) { report.files.append(.init(path: rooted(imageArchivePath(manifest)), action: "unchanged", sha256: previous.imagesSHA256)) }
            return report
        }
        try checkSpace(manifest)

        // (2) Stage every entry privately, verified.
        let staging = state.folder + "/staging-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: staging) }  // removeStaleStaging retries what is left
        let placesImages = placesImages(manifest)
        // Verified, not kept: what this install does not place.
        let staged = try bundle.stage(into: staging) { file in
            !BundleManifest.isChartOCIEntry(file.path) && (placesImages || !BundleManifest.isImageEntry(file.path))
        }
        Checkpoint.reached("staged")

        // (3) Charts, certificates and images into place; (4) the config. Every final path is
        // checked first; a failure while placing puts back what this install replaced.
        try checkTargets(expectedFiles, manifest: manifest)
        let plan = try localPlan(manifest)
        let imagesSHA256 = try apply(plan, manifest: manifest, staged: staged, staging: staging, report: &report)

        // (5) The record, last; (6) files the new bundle no longer carries.
        try recordAndPrune(bundle, plan: plan, previous: previous, imagesSHA256: imagesSHA256, report: &report)
        return report
    }

    /// Whether this bundle is what the record says is installed, and every file and the config
    /// on the node are still exactly what that install wrote.
    func isInPlace(_ files: [BundleManifest.File], manifest: BundleManifest, digest: String, record: InstalledRecord) throws -> Bool {
        guard record.manifestDigest == digest, record.config == options.configOut, record.mirror == nil, let configSHA256 = record.configSHA256 else { return false }
        for file in files where NodeFiles.sha256(of: rooted(try nodePath(for: file.path, manifest: manifest))) != file.sha256 { return false }
        return NodeFiles.sha256(of: configFile(options.configOut)) == configSHA256
    }

    /// The config the node gets from the bundle's `data`, and the one it has now: the bundle's
    /// (pointed at the mirror, for --mirror) merged into the node's own unless --config-mode
    /// replace. What the merge kept, replaced and pruned of the node's entries goes to `report`.
    func configChange(_ data: Data, manifest: BundleManifest, report: inout InstallReport) throws -> (new: Data, old: Data?) {
        var newConfig = try options.mirror.map { try mirrorConfig(data, manifest: manifest, mirror: $0) } ?? NodeConfig.text(data, manifest: manifest, for: node)
        // A k0sctl Cluster bundle: the node gets the ClusterConfig it carries, not the whole file.
        if let clusterConfig = try K0sctlCluster.clusterConfig(in: String(decoding: newConfig, as: UTF8.self), file: "\(options.bundle): \(manifest.config.path)") {
            newConfig = Data(clusterConfig.utf8)
        }
        let oldConfig = FileManager.default.contents(atPath: configFile(options.configOut))
        if options.configMode == .merge, let oldConfig {
            let merged = try ConfigMerge.merge(node: String(decoding: oldConfig, as: UTF8.self), file: configFile(options.configOut),
                                               bundled: String(decoding: newConfig, as: UTF8.self), pruneCharts: options.pruneCharts,
                                               installed: installedEntries())
            newConfig = Data(merged.text.utf8)
            report.configKept = merged.kept
            report.configReplaced = merged.replaced
            report.configPruned = merged.pruned
            report.configRetired = merged.retired
        }
        return (newConfig, oldConfig)
    }

    /// What the installed bundle wrote into the config's charts: its release names, and its
    /// chart files (records written before releases were recorded have only those).
    func installedEntries() -> Set<String> {
        guard let record = state.read() else { return [] }
        // A mirror install wrote its repository entry (with the mirror's credentials): the previous bundle's too.
        return Set((record.releases ?? []) + record.files + (record.mirror != nil ? [Self.mirrorRepositoryName] : []))
    }

    /// The config: a backup of the previous one, then the new one renamed over it.
    func placeConfig(_ manifest: BundleManifest, staged: [String: String], report: inout InstallReport) throws {
        let configTarget = configFile(options.configOut)
        guard let stagedConfig = staged[manifest.config.path], let data = FileManager.default.contents(atPath: stagedConfig) else {
            throw BundleError(.writeFailed, manifest.config.path, reason: "the staged config cannot be read", hint: "Check the staging folder's file system; nothing was installed, run the install again.")
        }
        let (newConfig, oldConfig) = try configChange(data, manifest: manifest, report: &report)
        report.configSHA256 = NodeFiles.sha256(newConfig)
        if oldConfig == newConfig {
            report.files.append(.init(path: configTarget, action: "unchanged", sha256: nil))
            return
        }
        try NodeFiles.createFolder((configTarget as NSString).deletingLastPathComponent)
        // The backup is the node's own config: a config an earlier install wrote is not kept
        // over it, so that uninstall puts back what the node had before any bundle.
        let backup = configTarget + ".bundle-backup"
        let wroteItBefore = oldConfig.map { NodeFiles.sha256($0) == state.read()?.configSHA256 } ?? false
        // The node's config keeps its permissions; one holding the mirror's password is 0600.
        let existingMode = NodeFiles.permissions(of: configTarget)
        var mode = existingMode ?? 0o644
        if options.mirror?.password != nil { mode &= 0o600 }
        if let oldConfig, !wroteItBefore {
            try NodeFiles.writeDurably(oldConfig, to: backup, mode: existingMode ?? 0o600)
            report.backup = backup
            Checkpoint.reached("backup")
        }
        try NodeFiles.writeDurably(newConfig, to: configTarget, mode: mode)
        report.files.append(.init(path: configTarget, action: oldConfig == nil ? "created" : "replaced", sha256: nil))
        Checkpoint.reached("config")
    }

    /// Under the lock, before anything is placed: no downgrade, no leftovers of a killed
    /// install, and a node config the merge can take.
    func prepare(_ manifest: BundleManifest, digest: String, previous: InstalledRecord?) throws {
        try checkSequence(manifest, digest: digest, previous: previous)
        state.removeStaleStaging(configOut: options.configOut, placedFolders: [node.charts, node.certificates, node.images])
        _ = try OutputPath.prepare(rooted(options.configOut), option: "--config-out", missingFolder: .ignore, root: options.root)
        try checkNodeConfig()
    }

    /// A node config the merge cannot take is refused before anything is placed.
    func checkNodeConfig() throws(ConfigError) {
        guard options.configMode == .merge, let own = FileManager.default.contents(atPath: configFile(options.configOut)) else { return }
        if let refusal = ConfigMerge.refusal(node: String(decoding: own, as: UTF8.self), file: configFile(options.configOut)) { throw refusal }
    }

    func checkSequence(_ manifest: BundleManifest, digest: String, previous: InstalledRecord?) throws(BundleError) {
        guard let previous, previous.manifestDigest != digest else { return }
        // Another bundle's sequence says nothing about this one's: replacing it is its own decision.
        if previous.name != manifest.name {
            let removes = Set(previous.files).subtracting(newNodeFiles(manifest)).sorted()
            let what = "replaces bundle \"\(previous.name)\" (sequence \(previous.sequence)) with bundle \"\(manifest.name)\" (sequence \(manifest.sequence))"
            guard options.replaceBundle else {
                throw BundleError(.otherBundleInstalled, options.bundle,
                                  reason: "\(what)\(removes.isEmpty ? "" : ", which removes \(removes.map { rooted($0) }.joined(separator: ", "))")",
                                  hint: "Pass --replace-bundle if the node should now hold \"\(manifest.name)\" instead; nothing was written")
            }
            log("this install \(what)\(removes.isEmpty ? "" : "; it removes \(removes.count) file\(removes.count == 1 ? "" : "s") of \"\(previous.name)\"")")
            return
        }
        guard !options.allowDowngrade else { return }
        if manifest.sequence < previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has sequence \(manifest.sequence), older than the installed bundle \"\(previous.name)\" (sequence \(previous.sequence))",
                              hint: "A signed old bundle must not roll a node back silently; pass --allow-downgrade if that is what you want.")
        }
        if manifest.sequence == previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has the same sequence (\(manifest.sequence)) as the installed bundle \"\(previous.name)\" but different content",
                              hint: "Build with a higher --sequence (or SOURCE_DATE_EPOCH), or pass --allow-downgrade to replace it anyway.")
        }
    }

    /// The files this install will hold: its plan's (a mirror install's are the CA and
    /// containerd's files, not charts).
    func newNodeFiles(_ manifest: BundleManifest) -> [String] {
        let plan: InstallPlan? = if let mirror = options.mirror { try? mirrorPlan(manifest, mirror: mirror) } else { try? localPlan(manifest) }
        return plan?.recordFiles ?? []
    }

    func checkSpace(_ manifest: BundleManifest) throws(BundleError) {
        var folder = state.folder
        var stats = statvfs()
        while statvfs(folder, &stats) != 0 {
            guard folder != "/" else {
                throw BundleError(.notEnoughSpace, state.folder, reason: "free space cannot be determined: \(String(cString: strerror(errno)))", hint: "Check that the data dir's file system is mounted.")
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
        let (available, overflow) = Int64(clamping: stats.f_bavail).multipliedReportingOverflow(by: Int64(clamping: stats.f_frsize))
        // Twice the bundle (staged, then the files replaced) and a little for the config and record.
        var needed: Int64 = 1 << 20
        for file in manifest.files {
            let (sum, over) = needed.addingReportingOverflow(file.size.multipliedReportingOverflow(by: 2).partialValue)
            guard !over, file.size >= 0, file.size < Int64(1) << 53 else {
                throw BundleError(.manifestInvalid, "\(options.bundle): bundle.json", reason: "lists \"\(file.path)\" with an impossible size \(file.size)", hint: "Do not install this bundle.")
            }
            needed = sum
        }
        if !overflow, available < needed {
            throw BundleError(.notEnoughSpace, options.bundle, reason: "needs about \(needed / 1_048_576) MiB, but \(folder) has \(available / 1_048_576) MiB free",
                              hint: "Free some space under \(options.dataDir), then install again. Nothing was written.")
        }
    }
}

/// Named points of an install (`staged`, `placed ENTRY`, `placed images`, `backup`, `config`,
/// `record`, `removed`), where the crash tests stop it: `BUNDLE_TEST_CHECKPOINT=kill:NAME`
/// makes the process kill itself (SIGKILL) on reaching NAME, so every point is covered every
/// run without timing; `pause:NAME:FILE` creates FILE there and waits (at most 120 s) until
/// the test removes it. No effect without the variable.
enum Checkpoint {
    enum Action: Equatable { case kill, pause(marker: String) }

    static let configured: (name: String, action: Action)? = {
        guard let text = ProcessInfo.processInfo.environment["BUNDLE_TEST_CHECKPOINT"] else { return nil }
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        switch (parts.first, parts.count) {
        case ("kill", 2): return (parts[1], .kill)
        case ("pause", 3): return (parts[1], .pause(marker: parts[2]))
        default: return nil
        }
    }()

    static func reached(_ name: String) {
        guard let configured, configured.name == name else { return }
        switch configured.action {
        case .kill:
            kill(getpid(), SIGKILL)
        case .pause(let marker):
            FileManager.default.createFile(atPath: marker, contents: Data(name.utf8))
            for _ in 0..<12_000 where FileManager.default.fileExists(atPath: marker) { usleep(10_000) }
        }
    }
}
