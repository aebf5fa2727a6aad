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

extension Installer {
    /// Fills in what `status` shows: when, which key, the hash of every file placed.
    func describe(_ record: inout InstalledRecord, bundle: BundleVerifier, placed: [InstallReport.Placed]) {
        record.installedAt = ISO8601DateFormatter().string(from: Date())
        record.verifiedBy = bundle.verifiedBy
        record.charts = bundle.manifest.charts.map { "\($0.name) \($0.version)" }
        record.releases = bundle.manifest.charts.flatMap(\.releases).sorted()
        record.images = bundle.manifest.images?.map(\.reference)
        var hashes: [String: String] = [:]
        for file in placed {
            guard let sha = file.sha256, let path = record.files.first(where: { rooted($0) == file.path }) else { continue }
            hashes[path] = sha
        }
        record.hashes = hashes
    }

    public func status() -> NodeStatus {
        guard let record = state.read() else {
            return NodeStatus(installed: false, charts: [], images: [], files: [], intact: false)
        }
        let files = record.files.map { path -> NodeStatus.FileState in
            let actual = Self.sha256(of: rooted(path))
            guard let expected = record.hashes?[path] else { return .init(path: rooted(path), state: actual == nil ? "missing" : "unknown") }
            return .init(path: rooted(path), state: actual == nil ? "missing" : actual == expected ? "intact" : "changed")
        }
        let configPath = configFile(record.config)
        let actual = Self.sha256(of: configPath)
        let configState = actual == nil ? "missing" : actual == record.configSHA256 ? "intact" : "changed"
        let backup = configPath + ".bundle-backup"
        return NodeStatus(installed: true, name: record.name, sequence: record.sequence, manifestDigest: record.manifestDigest,
                          installedAt: record.installedAt, verifiedBy: record.verifiedBy, mirror: record.mirror, config: configPath,
                          configState: configState, configBackup: FileManager.default.fileExists(atPath: backup) ? backup : nil,
                          charts: record.charts ?? [], images: record.images ?? [], files: files,
                          intact: configState == "intact" && files.allSatisfy { $0.state == "intact" })
    }

    /// Removes exactly what the installed bundle placed (files changed since are kept and
    /// named), puts back the config backup (or removes the config it wrote), then the record.
    public func uninstall() throws -> UninstallReport {
        // Nothing installed is said as such, not as a folder that cannot be created.
        guard state.read() != nil else { throw notInstalled() }
        try state.create()
        let lock = try InstallLock(path: state.folder + "/install.lock")
        defer { lock.release() }
        guard let record = state.read() else { throw notInstalled() }
        var report = UninstallReport(name: record.name, removed: [], kept: [], config: "none", dryRun: options.dryRun)
        var removable: [String] = []
        for path in record.files {
            let actual = Self.sha256(of: rooted(path))
            if actual == nil { continue }
            if let expected = record.hashes?[path], actual != expected {
                report.kept.append(rooted(path))
            } else {
                removable.append(path)
            }
        }
        let configPath = configFile(record.config), backup = configPath + ".bundle-backup"
        let configIntact = record.configSHA256.map { Self.sha256(of: configPath) == $0 } ?? false
        if options.dryRun {
            report.removed = removable.map(rooted)
            report.config = configIntact ? (FileManager.default.fileExists(atPath: backup) ? "would restore \(backup)" : "would remove") : "would keep (changed since the install)"
            return report
        }
        report.removed = try state.remove(removable).map(rooted)
        if !configIntact {
            report.config = "kept (changed since the install)"
            report.configBackup = FileManager.default.fileExists(atPath: backup) ? backup : nil
            let text = FileManager.default.contents(atPath: configPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
            report.configNamesRemoved = removable.filter { text.contains($0) }
        } else if FileManager.default.fileExists(atPath: backup) {
            try Self.move(backup, to: configPath)
            try Self.syncFolder((configPath as NSString).deletingLastPathComponent)
            report.config = "restored from \(backup)"
        } else if FileManager.default.fileExists(atPath: configPath) {
            _ = try state.remove([record.config])
            report.config = "removed"
        }
        do {
            try DurableFile.remove(state.recordPath)
        } catch {
            throw BundleError(.writeFailed, state.recordPath, reason: "cannot be removed: \(error.reason)", hint: error.hint)
        }
        return report
    }

    func notInstalled() -> BundleError {
        BundleError(.notInstalled, state.recordPath, reason: "holds no installed bundle, so there is nothing to uninstall",
                    hint: "Check --root and --data-dir; `bundle status` shows what a node holds.")
    }
}
