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
        case imagesArchive
    }

    struct File {
        /// The path on the node, without the root prefix.
        var nodePath: String
        var content: Content

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

    /// The previous install's files that this one does not carry, to remove after the record.
    func removals(after previous: InstalledRecord?) -> [String] {
        Set(previous?.files ?? []).subtracting(recordFiles).sorted()
    }
}

extension Installer {
    /// The local strategy: every chart and certificate where it goes, then the images tar.
    func localPlan(_ manifest: BundleManifest) throws -> InstallPlan {
        var files = try Self.placedFiles(manifest).map { InstallPlan.File(nodePath: try nodePath(for: $0.path, manifest: manifest), content: .entry($0)) }
        if placesImages(manifest) { files.append(InstallPlan.File(nodePath: imageArchivePath(manifest), content: .imagesArchive)) }
        return InstallPlan(files: files, mirror: nil)
    }

    /// The mirror strategy: the mirror's CA, containerd's hosts files and drop-in.
    func mirrorPlan(_ manifest: BundleManifest, mirror: MirrorInstall) throws -> InstallPlan {
        InstallPlan(files: try mirrorFiles(manifest, mirror: mirror).map { InstallPlan.File(nodePath: $0.path, content: .bytes($0.data)) },
                    mirror: mirror.target.description)
    }

    /// Does `plan` all or nothing: each file placed (kept aside what it replaces), the folders
    /// flushed, the config last; a failure puts everything back. Returns the images tar's sha256.
    func apply(_ plan: InstallPlan, manifest: BundleManifest, staged: [String: String], staging: String, report: inout InstallReport) throws -> String? {
        try allOrNothing(staging: staging) { placement -> String? in
            var imagesSHA256: String?
            var touched = Set<String>()
            func flushTouched() throws {
                for folder in touched.sorted() { try NodeFiles.syncFolder(folder) }
                touched = []
            }
            for (index, file) in plan.files.enumerated() {
                let target = rooted(file.nodePath)
                switch file.content {
                case .entry(let entry):
                    guard let placed = try place(entry, at: target, staged: staged, placement: &placement) else {
                        report.files.append(.init(path: target, action: "unchanged", sha256: entry.sha256))
                        continue
                    }
                    touched.insert((target as NSString).deletingLastPathComponent)
                    report.files.append(placed)
                    Checkpoint.reached("placed \(entry.path)")
                case .bytes(let data):
                    try flushTouched()
                    report.files.append(try place(data, at: target, through: "\(staging)/mirror-\(index)", placement: &placement))
                case .imagesArchive:
                    try flushTouched()
                    if let images = try placeImages(manifest, staged: staged, placement: &placement) {
                        report.files.append(images.placed)
                        imagesSHA256 = images.sha256
                    }
                }
            }
            try flushTouched()
            try placeConfig(manifest, staged: staged, report: &report)
            return imagesSHA256
        }
    }

    /// What `plan` would do, changing nothing: each file's action, the config, the images tar
    /// and the removals, as `--dry-run` reports them.
    func dryRunFiles(_ plan: InstallPlan, configUnchanged: Bool, previous: InstalledRecord?) -> [InstallReport.Placed] {
        var lines: [InstallReport.Placed] = []
        for file in plan.files {
            let target = rooted(file.nodePath)
            let exists = FileManager.default.fileExists(atPath: target)
            if case .imagesArchive = file.content { continue }
            let same = NodeFiles.sha256(of: target) == file.sha256
            lines.append(.init(path: target, action: same ? "would keep (unchanged)" : exists ? "would replace" : "would create", sha256: file.sha256))
        }
        if let mirror = plan.mirror {
            lines.append(.init(path: configFile(options.configOut), action: "would write (charts from \(mirror))", sha256: nil))
        } else {
            let target = rooted(options.configOut)
            let exists = FileManager.default.fileExists(atPath: target)
            lines.append(.init(path: target, action: configUnchanged ? "would keep (unchanged)" : exists ? "would replace" : "would create", sha256: nil))
        }
        for file in plan.files {
            guard case .imagesArchive = file.content else { continue }
            let target = rooted(file.nodePath)
            lines.append(.init(path: target, action: FileManager.default.fileExists(atPath: target) ? "would replace (if changed)" : "would create", sha256: nil))
        }
        for old in plan.removals(after: previous) { lines.append(.init(path: rooted(old), action: "would remove", sha256: nil)) }
        return lines
    }
}
