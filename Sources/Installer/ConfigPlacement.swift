import BundleFormat
import Foundation
import K0sConfig

/// The node's config: the one the install writes (the bundle's, as the strategy gives it to
/// this node, merged into the node's own unless `--config-mode replace`), and writing it after
/// a backup of the node's own, renamed over the old one.
struct ConfigPlacement {
    let target: InstallTarget
    let strategy: any InstallStrategy
    /// The node's install record as the install read it under its lock.
    let previous: InstalledRecord?

    /// A node config the merge cannot take is refused before anything is placed.
    func checkNodeConfig() throws(ConfigError) {
        guard target.options.configMode == .merge, let own = FileManager.default.contents(atPath: target.configFile) else { return }
        if let refusal = ConfigMerge.refusal(node: String(decoding: own, as: UTF8.self), file: target.configFile) { throw refusal }
    }

    /// The config the node gets from the bundle's `data`, and the one it has now, with what
    /// the merge kept, replaced and pruned of the node's entries.
    func change(_ data: Data, manifest: BundleManifest) throws -> ConfigChange {
        var newConfig = try strategy.bundledConfig(data, manifest: manifest)
        // A k0sctl Cluster bundle: the node gets the ClusterConfig it carries, not the whole file.
        if let clusterConfig = try K0sctlCluster.clusterConfig(in: String(decoding: newConfig, as: UTF8.self), file: "\(target.bundle): \(manifest.config.path)") {
            newConfig = Data(clusterConfig.utf8)
        }
        let oldConfig = FileManager.default.contents(atPath: target.configFile)
        var change = ConfigChange(new: newConfig, old: oldConfig)
        if target.options.configMode == .merge, let oldConfig {
            let merged = try ConfigMerge.merge(node: String(decoding: oldConfig, as: UTF8.self), file: target.configFile,
                                               bundled: String(decoding: newConfig, as: UTF8.self), pruneCharts: target.options.pruneCharts,
                                               installed: installedEntries())
            change.new = Data(merged.text.utf8)
            (change.kept, change.replaced, change.pruned, change.retired) = (merged.kept, merged.replaced, merged.pruned, merged.retired)
        }
        return change
    }

    /// The change from the staged config entry: worked out before anything is placed, so that
    /// a config the node cannot take stops the install while the node is untouched.
    func change(_ manifest: BundleManifest, staged: [String: String]) throws -> ConfigChange {
        guard let path = staged[manifest.config.path], let data = FileManager.default.contents(atPath: path) else {
            throw BundleError(.writeFailed, manifest.config.path, reason: "the staged config cannot be read", hint: "Check the staging folder's file system; nothing was installed, run the install again.")
        }
        return try change(data, manifest: manifest)
    }

    /// What the installed bundle wrote into the config's charts: its release names, and its
    /// chart files (records written before releases were recorded have only those).
    func installedEntries() -> Set<String> {
        guard let record = previous else { return [] }
        // A mirror install wrote its repository entry (with the mirror's credentials): the previous bundle's too.
        return Set((record.releases ?? []) + record.files + (record.mirror != nil ? [MirrorStrategy.repositoryName] : []))
    }

    /// The config: a backup of the previous one, then the new one renamed over it.
    func place(_ change: ConfigChange, report: inout InstallReport) throws {
        let configTarget = target.configFile
        let (newConfig, oldConfig) = (change.new, change.old)
        change.report(into: &report)
        report.configSHA256 = NodeFiles.sha256(newConfig)
        if oldConfig == newConfig {
            report.files.append(.init(path: configTarget, action: "unchanged", sha256: nil))
            return
        }
        try NodeFiles.createFolder((configTarget as NSString).deletingLastPathComponent)
        // The backup is the node's own config: a config an earlier install wrote is not kept
        // over it, so that uninstall puts back what the node had before any bundle.
        let backup = configTarget + ".bundle-backup"
        let wroteItBefore = oldConfig.map { NodeFiles.sha256($0) == previous?.configSHA256 } ?? false
        // The node's config keeps its permissions; one holding the mirror's password is 0600.
        let existingMode = NodeFiles.permissions(of: configTarget)
        var mode = existingMode ?? 0o644
        if strategy.configHoldsSecret { mode &= 0o600 }
        if let oldConfig, !wroteItBefore {
            try NodeFiles.writeDurably(oldConfig, to: backup, mode: existingMode ?? 0o600)
            report.backup = backup
            Checkpoint.reached("backup")
        }
        try NodeFiles.writeDurably(newConfig, to: configTarget, mode: mode)
        report.files.append(.init(path: configTarget, action: oldConfig == nil ? "created" : "replaced", sha256: nil))
        Checkpoint.reached("config")
    }
}

/// What an install does to the node's config: the text it writes, the text there now, and what
/// the merge did to the node's own entries (`chart NAME`, `repository NAME`).
struct ConfigChange {
    var new: Data
    var old: Data?
    var kept: [String] = []
    var replaced: [String] = []
    var pruned: [String] = []
    /// Chart entries of the previous bundle that this one no longer carries.
    var retired: [String] = []

    func report(into report: inout InstallReport) {
        report.configKept = kept
        report.configReplaced = replaced
        report.configPruned = pruned
        report.configRetired = retired
    }
}
