import BundleFormat
import FileSystem
import Foundation

/// What an install leaves on a node, found from `--root` and `--data-dir` alone (no bundle):
/// its record, its lock, what `status` shows and what `uninstall` removes. The installer
/// writes through it; `status` and `uninstall` need nothing else.
public struct NodeState: Sendable {
    /// Prefix of every path ("/" on a real node; a folder for tests and image builds).
    public let root: String
    public let dataDir: String

    public init(root: String, dataDir: String = NodeLayout.defaultDataDir) {
        self.root = root
        self.dataDir = dataDir
    }

    /// A node path under the root.
    func rooted(_ nodePath: String) -> String {
        let prefix = root == "/" ? "" : (root.hasSuffix("/") ? String(root.dropLast()) : root)
        return prefix + nodePath
    }

    var layout: NodeLayout { NodeLayout(dataDir: dataDir) }
    /// The install record and its folder (lock, staging, pending removals).
    var state: InstallState { InstallState(folder: rooted(layout.state), rooted: rooted) }

    /// The node's config file at `nodePath` under the root: the final target when it is a link
    /// (`/etc/k0s/k0s.yaml` often is one), which is what gets replaced, the link kept.
    func configFile(_ nodePath: String) -> String {
        (try? OutputPath.prepare(rooted(nodePath), option: "--config-out", missingFolder: .ignore, root: root)) ?? rooted(nodePath)
    }

    public func status() -> NodeStatus {
        guard let record = state.read() else {
            return NodeStatus(installed: false, charts: [], images: [], files: [], intact: false)
        }
        let files = record.files.map { path -> NodeStatus.FileState in
            let actual = NodeFiles.sha256(of: rooted(path))
            guard let expected = record.hashes?[path] else { return .init(path: rooted(path), state: actual == nil ? "missing" : "unknown") }
            return .init(path: rooted(path), state: actual == nil ? "missing" : actual == expected ? "intact" : "changed")
        }
        let configPath = configFile(record.config)
        let actual = NodeFiles.sha256(of: configPath)
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
    public func uninstall(dryRun: Bool) throws -> UninstallReport {
        // Nothing installed is said as such, not as a folder that cannot be created.
        guard state.read() != nil else { throw notInstalled() }
        try state.create()
        let lock = try InstallLock(path: state.folder + "/install.lock")
        defer { lock.release() }
        guard let record = state.read() else { throw notInstalled() }
        var report = UninstallReport(name: record.name, removed: [], kept: [], config: "none", dryRun: dryRun)
        var removable: [String] = []
        for path in record.files {
            let actual = NodeFiles.sha256(of: rooted(path))
            if actual == nil { continue }
            if let expected = record.hashes?[path], actual != expected {
                report.kept.append(rooted(path))
            } else {
                removable.append(path)
            }
        }
        let configPath = configFile(record.config), backup = configPath + ".bundle-backup"
        let configIntact = record.configSHA256.map { NodeFiles.sha256(of: configPath) == $0 } ?? false
        if dryRun {
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
            try NodeFiles.move(backup, to: configPath)
            try NodeFiles.syncFolder((configPath as NSString).deletingLastPathComponent)
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

    /// (5) The record of an install, written last, naming the files of the previous install the
    /// new one does not carry; (6) those removed and the record written again. A later run
    /// finishes (6).
    func record(_ bundle: BundleVerifier, plan: InstallPlan, previous: InstalledRecord?, configOut: String, imagesSHA256: String?, report: inout InstallReport) throws {
        let manifest = bundle.manifest
        let obsolete = plan.removals(after: previous)
        var record = InstalledRecord(name: manifest.name, sequence: manifest.sequence, manifestDigest: bundle.manifestDigest, files: plan.recordFiles,
                                     config: configOut, configSHA256: report.configSHA256, pendingRemoval: obsolete,
                                     imagesSHA256: imagesSHA256, mirror: plan.mirror)
        describe(&record, bundle: bundle, placed: report.files)
        try state.write(record)
        Checkpoint.reached("record")
        guard !obsolete.isEmpty else { return }
        for path in try state.remove(obsolete) { report.files.append(.init(path: rooted(path), action: "removed", sha256: nil)) }
        Checkpoint.reached("removed")
        record.pendingRemoval = []
        try state.write(record)
    }

    /// Fills in what `status` shows: when, which key, the hash of every file placed.
    private func describe(_ record: inout InstalledRecord, bundle: BundleVerifier, placed: [InstallReport.Placed]) {
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

    func notInstalled() -> BundleError {
        BundleError(.notInstalled, state.recordPath, reason: "holds no installed bundle, so there is nothing to uninstall",
                    hint: "Check --root and --data-dir; `bundle status` shows what a node holds.")
    }
}
