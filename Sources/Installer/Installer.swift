import BundleFormat
import FileSystem
import Foundation

/// Seeds a node from a bundle: verify first, stage privately, then move into place atomically.
///
/// Order, so that a kill at any moment leaves the old state or the new one: (1) signature and
/// manifest checked before anything is written; (2) every entry streamed into a private
/// staging folder under the data dir, digested and compared, flushed; (3) charts and
/// certificates renamed into place (complete files only, under new or unchanged names);
/// (4) the previous config copied to a backup, the new config written aside and renamed
/// over it; (5) the record written last, naming files of the previous bundle to remove;
/// (6) those removed and the record rewritten. A later run finishes any of this. What is
/// placed is the plan of the strategy the options choose (`LocalStrategy`, `MirrorStrategy`).
public struct Installer {
    public let options: InstallOptions
    let trusted: [(key: VerificationKey, source: String)]
    let log: (String) -> Void

    public init(options: InstallOptions, trusted: [(key: VerificationKey, source: String)], log: @escaping (String) -> Void) {
        self.options = options
        self.trusted = trusted
        self.log = log
    }

    /// What an install would do (`--dry-run`): everything verified and checked, the plan
    /// reported, nothing written.
    public func plan() throws -> InstallReport {
        let (bundle, target) = try verified()
        let preview = InstallPreview(target: target, strategy: strategy(for: target), log: log)
        return try preview.report(bundle, report: report(bundle, target: target, status: .dryRun))
    }

    public func install() throws -> InstallReport {
        let (bundle, target) = try verified()
        let manifest = bundle.manifest
        let strategy = strategy(for: target)
        var report = report(bundle, target: target, status: .installed)

        let state = target.state
        try state.create()
        let lock = try InstallLock(path: state.folder + "/install.lock")
        defer { lock.release() }
        try state.finishPendingRemovals()
        let previous = state.read()
        let config = ConfigPlacement(target: target, strategy: strategy, previous: previous)
        try Self.checkNode(manifest, digest: bundle.manifestDigest, previous: previous, target: target, strategy: strategy, log: log)
        let plan = try strategy.plan(manifest)
        report.mirror = plan.mirror
        // What an install killed midway left aside, where it stages and where it places.
        let layout = target.layout
        let folders = Set([layout.charts, layout.certificates, layout.images] + plan.recordFiles.map { ($0 as NSString).deletingLastPathComponent })
        state.removeStaleStaging(configOut: options.configOut, placedFolders: folders.sorted())
        if let previous, strategy.isInPlace(plan, bundle: bundle, record: previous) {
            return unchanged(plan, previous: previous, target: target, report: report)
        }
        try strategy.checkBeforeStaging(manifest)
        try TargetCheck.check(plan, on: target)

        // (2) Stage the entries the strategy places, every entry verified; the config it would
        // write worked out from them before anything is placed.
        let staging = target.newStagingFolder()
        defer { try? FileManager.default.removeItem(atPath: staging) }  // removeStaleStaging retries what is left
        let staged = try bundle.stage(into: staging) { strategy.stages($0, of: manifest) }
        Checkpoint.reached("staged")
        let configChange = try config.change(manifest, staged: staged)
        if let previous, strategy.isInPlace(plan, bundle: bundle, record: previous, config: configChange) {
            return unchanged(plan, previous: previous, target: target, report: report)
        }

        // (3) The plan's files into place; (4) the config. A failure while placing puts back
        // what this install replaced. (5) The record, last; (6) files the new bundle no longer carries.
        let imagesSHA256 = try apply(plan, manifest: manifest, staged: staged, staging: staging, config: (config, configChange), report: &report)
        try target.node.record(bundle, plan: plan, previous: previous, configOut: target.configOut, imagesSHA256: imagesSHA256, report: &report)
        return report
    }

    /// (1) Nothing is written before the signature and the manifest hold; then the node, with
    /// the bundle's data dir unless `--data-dir` was given.
    private func verified() throws -> (BundleVerifier, InstallTarget) {
        let bundle = try BundleVerifier(path: options.bundle, trusted: trusted)
        return (bundle, InstallTarget(options: options, manifest: bundle.manifest))
    }

    /// The one place the options choose how the node gets its charts and images.
    private func strategy(for target: InstallTarget) -> any InstallStrategy {
        switch options.source {
        case .bundle(let images): LocalStrategy(target: target, images: ImagesTar(target: target, wanted: images))
        case .mirror(let mirror, let images): MirrorStrategy(target: target, mirror: mirror, imagesWanted: images)
        }
    }

    private func report(_ bundle: BundleVerifier, target: InstallTarget, status: InstallReport.Status) -> InstallReport {
        InstallReport(status: status, bundle: options.bundle, name: bundle.manifest.name, sequence: bundle.manifest.sequence,
                      manifestDigest: bundle.manifestDigest, verifiedBy: bundle.verifiedBy, files: [], config: target.rooted(options.configOut), backup: nil)
    }

    /// The node already holds this install: every file of the plan reported unchanged.
    private func unchanged(_ plan: InstallPlan, previous: InstalledRecord, target: InstallTarget, report: InstallReport) -> InstallReport {
        var report = report
        report.status = .unchanged
        report.files = plan.files.map { .init(path: target.rooted($0.nodePath), action: "unchanged", sha256: $0.sha256 ?? previous.imagesSHA256) }
        return report
    }

    /// Before anything is placed (and in a dry run): no downgrade, a `--config-out` that can be
    /// written, and a node config the merge can take.
    static func checkNode(_ manifest: BundleManifest, digest: String, previous: InstalledRecord?, target: InstallTarget,
                          strategy: any InstallStrategy, log: @escaping (String) -> Void) throws {
        try SequenceCheck(target: target, log: log).check(manifest, digest: digest, previous: previous) {
            (try? strategy.plan(manifest))?.recordFiles ?? []
        }
        _ = try OutputPath.prepare(target.rooted(target.configOut), option: "--config-out", missingFolder: .ignore, root: target.options.root)
        try ConfigPlacement(target: target, strategy: strategy, previous: previous).checkNodeConfig()
    }

    /// Does `plan` all or nothing: each file placed (kept aside what it replaces), the folders
    /// flushed, the config last; a failure puts everything back. Returns the images tar's sha256.
    private func apply(_ plan: InstallPlan, manifest: BundleManifest, staged: [String: String], staging: String,
                       config: (placement: ConfigPlacement, change: ConfigChange), report: inout InstallReport) throws -> String? {
        let target = config.placement.target
        return try Placement.allOrNothing(log: log) { placement -> String? in
            var imagesSHA256: String?
            var touched = Set<String>()
            func flushTouched() throws {
                for folder in touched.sorted() { try NodeFiles.syncFolder(folder) }
                touched = []
            }
            for (index, file) in plan.files.enumerated() {
                let path = target.rooted(file.nodePath)
                switch file.content {
                case .entry(let entry):
                    guard let placed = try placement.place(entry, at: path, staged: staged, bundle: options.bundle) else {
                        report.files.append(.init(path: path, action: "unchanged", sha256: entry.sha256))
                        continue
                    }
                    touched.insert((path as NSString).deletingLastPathComponent)
                    report.files.append(placed)
                    Checkpoint.reached("placed \(entry.path)")
                case .bytes(let data):
                    try flushTouched()
                    report.files.append(try placement.place(data, at: path, through: "\(staging)/mirror-\(index)"))
                case .imagesArchive(let tar):
                    try flushTouched()
                    let images = try tar.write(manifest, staged: staged, placement: &placement)
                    report.files.append(images.placed)
                    imagesSHA256 = images.sha256
                }
            }
            try flushTouched()
            try config.placement.place(config.change, report: &report)
            return imagesSHA256
        }
    }
}
