import BundleFormat
import FileSystem
import Foundation

extension Installer {
    /// Verifies everything and says what an install would change, changing nothing: every
    /// file's action, and the config's change as a unified diff.
    func dryRun(_ bundle: BundleVerifier, report: InstallReport) throws -> InstallReport {
        var report = report
        let manifest = bundle.manifest
        // What the install would fail on, said now: a folder this user cannot write.
        let folders = [node.state, node.charts, node.certificates, node.images, (options.configOut as NSString).deletingLastPathComponent].map(rooted)
        if let folder = NodeFiles.unwritableFolders(folders).first {
            throw BundleError(.writeFailed, folder, reason: "is not writable by this user (uid \(getuid())), so the install would fail here; nothing was changed",
                              hint: "Run as root (the node's k0s folders are root's), or give --root a folder you can write")
        }
        // Every entry is verified; only the config is kept, privately, to show its change.
        let work = NSTemporaryDirectory() + "bundle-dry-run-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let staged = try bundle.stage(into: work) { $0.path == manifest.config.path }
        let previous = state.read()
        try checkSequence(manifest, digest: bundle.manifestDigest, previous: previous)
        _ = try OutputPath.prepare(rooted(options.configOut), option: "--config-out", missingFolder: .ignore, root: options.root)
        try checkNodeConfig()
        let configDiff = try dryRunConfigDiff(staged[manifest.config.path], manifest: manifest, report: &report)
        report.configDiff = configDiff
        let plan: InstallPlan
        if let mirror = options.mirror {
            report.mirror = mirror.target.description
            plan = try mirrorPlan(manifest, mirror: mirror)
        } else {
            plan = try localPlan(manifest)
        }
        report.files = dryRunFiles(plan, configUnchanged: configDiff.isEmpty, previous: previous)
        return report
    }

    /// The config's change as `diff -u` shows it: the node's config now against what the
    /// install would write (merged, or whole with --config-mode replace).
    private func dryRunConfigDiff(_ stagedConfig: String?, manifest: BundleManifest, report: inout InstallReport) throws -> [String] {
        guard let stagedConfig, let data = FileManager.default.contents(atPath: stagedConfig) else {
            throw BundleError(.writeFailed, manifest.config.path, reason: "the verified config cannot be read back", hint: "Check free space in \(NSTemporaryDirectory()); nothing was changed.")
        }
        let (new, old) = try configChange(data, manifest: manifest, report: &report)
        let target = configFile(options.configOut)
        func lines(_ data: Data?) -> [String] {
            guard let data, !data.isEmpty else { return [] }
            var all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if all.last == "" { all.removeLast() }
            return all
        }
        return BundleDiff.unifiedDiff(lines(old), lines(new), from: old == nil ? "/dev/null" : target, to: "\(target) (after install)")
    }
}
