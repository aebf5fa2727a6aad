import BundleFormat
import FileSystem
import Foundation

/// `install --dry-run`: every entry verified, the node checked as an install checks it before
/// placing anything (sequence, `--config-out`, the node's config, room, targets, and folders
/// this user cannot write), and what it would change reported (each file's action, the
/// config's change as a unified diff, the removals); nothing written on the node.
struct InstallPreview {
    let target: InstallTarget
    let strategy: any InstallStrategy
    let log: (String) -> Void

    func report(_ bundle: BundleVerifier, report: InstallReport) throws -> InstallReport {
        var report = report
        let manifest = bundle.manifest
        // What the install would fail on, said now: a folder this user cannot write.
        let layout = target.layout
        let folders = [layout.state, layout.charts, layout.certificates, layout.images, (target.configOut as NSString).deletingLastPathComponent].map(target.rooted)
        if let folder = NodeFiles.unwritableFolders(folders).first {
            throw BundleError(.writeFailed, folder, reason: "is not writable by this user (uid \(getuid())), so the install would fail here; nothing was changed",
                              hint: "Run as root (the node's k0s folders are root's), or give --root a folder you can write")
        }
        // Every entry is verified; only the config is kept, privately, to show its change.
        let work = NSTemporaryDirectory() + "bundle-dry-run-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let staged = try bundle.stage(into: work) { $0.path == manifest.config.path }
        let previous = target.state.read()
        try Installer.checkNode(manifest, digest: bundle.manifestDigest, previous: previous, target: target, strategy: strategy, log: log)
        let configDiff = try configDiff(staged[manifest.config.path], manifest: manifest, previous: previous, report: &report)
        report.configDiff = configDiff
        let plan = try strategy.plan(manifest)
        report.mirror = plan.mirror
        try strategy.checkBeforeStaging(manifest)
        try TargetCheck.check(plan, on: target)
        report.files = files(plan, configUnchanged: configDiff.isEmpty, previous: previous)
        return report
    }

    /// The config's change as `diff -u` shows it: the node's config now against what the
    /// install would write (merged, or whole with --config-mode replace).
    private func configDiff(_ stagedConfig: String?, manifest: BundleManifest, previous: InstalledRecord?, report: inout InstallReport) throws -> [String] {
        guard let stagedConfig, let data = FileManager.default.contents(atPath: stagedConfig) else {
            throw BundleError(.writeFailed, manifest.config.path, reason: "the verified config cannot be read back", hint: "Check free space in \(NSTemporaryDirectory()); nothing was changed.")
        }
        let change = try ConfigPlacement(target: target, strategy: strategy, previous: previous).change(data, manifest: manifest)
        change.report(into: &report)
        let (new, old) = (change.new, change.old)
        func lines(_ data: Data?) -> [String] {
            guard let data, !data.isEmpty else { return [] }
            var all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if all.last == "" { all.removeLast() }
            return all
        }
        return BundleDiff.unifiedDiff(lines(old), lines(new), from: old == nil ? "/dev/null" : target.configFile, to: "\(target.configFile) (after install)")
    }

    /// What `plan` would do, changing nothing: each file's action, the config, the images tar
    /// and the removals.
    func files(_ plan: InstallPlan, configUnchanged: Bool, previous: InstalledRecord?) -> [InstallReport.Placed] {
        var lines: [InstallReport.Placed] = []
        for file in plan.files {
            let path = target.rooted(file.nodePath)
            let exists = FileManager.default.fileExists(atPath: path)
            if case .imagesArchive = file.content { continue }
            let same = NodeFiles.sha256(of: path) == file.sha256
            lines.append(.init(path: path, action: same ? "would keep (unchanged)" : exists ? "would replace" : "would create", sha256: file.sha256))
        }
        if let mirror = plan.mirror {
            lines.append(.init(path: target.configFile, action: "would write (charts from \(mirror))", sha256: nil))
        } else {
            let path = target.rooted(target.configOut)
            let exists = FileManager.default.fileExists(atPath: path)
            lines.append(.init(path: path, action: configUnchanged ? "would keep (unchanged)" : exists ? "would replace" : "would create", sha256: nil))
        }
        for file in plan.files {
            guard case .imagesArchive = file.content else { continue }
            let path = target.rooted(file.nodePath)
            lines.append(.init(path: path, action: FileManager.default.fileExists(atPath: path) ? "would replace (if changed)" : "would create", sha256: nil))
        }
        for old in plan.removals(after: previous) { lines.append(.init(path: target.rooted(old), action: "would remove", sha256: nil)) }
        return lines
    }
}
