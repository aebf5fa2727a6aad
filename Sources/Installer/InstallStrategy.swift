import BundleFormat
import Foundation

/// How an install gives a node its charts and images: placed from the bundle
/// (`LocalStrategy`) or taken from a mirror (`MirrorStrategy`). A strategy makes the plan and
/// answers what differs between the two; `Installer` runs the one sequence with it (verify,
/// lock, check, stage, apply all or nothing, record, prune).
protocol InstallStrategy {
    /// The files the install places, in order (the config is placed after them).
    func plan(_ manifest: BundleManifest) throws -> InstallPlan
    /// Whether an entry is kept once verified (every entry is verified either way).
    func stages(_ file: BundleManifest.File, of manifest: BundleManifest) -> Bool
    /// The config the bundle gives this node, before any merge with the node's own.
    func bundledConfig(_ data: Data, manifest: BundleManifest) throws -> Data
    /// Whether the config holds a secret (the mirror's password): then it is written 0600.
    var configHoldsSecret: Bool { get }
    /// Checks before anything is staged, besides the targets' (`TargetCheck`).
    func checkBeforeStaging(_ manifest: BundleManifest) throws
    /// Whether the node holds exactly this install, told from the record and the node's files
    /// alone, before any entry is read.
    func isInPlace(_ plan: InstallPlan, bundle: BundleVerifier, record: InstalledRecord) -> Bool
    /// Whether the node holds exactly this install, told once the entries are staged, from the
    /// config the install would write (the bundle's, merged into the node's).
    func isInPlace(_ plan: InstallPlan, bundle: BundleVerifier, record: InstalledRecord, config: ConfigChange) -> Bool
}

/// Charts and certificates placed where the node layout puts them, then the images tar (unless
/// `--no-images`), and the config pointing k0s at those files.
struct LocalStrategy: InstallStrategy {
    let target: InstallTarget
    let images: ImagesTar

    /// The entries placed as files of their own: charts and certificates. The config goes to
    /// `--config-out`, images become one tar, charts' OCI manifests (`oci/`) are for `push`.
    static func placedFiles(_ manifest: BundleManifest) -> [BundleManifest.File] {
        manifest.files.filter { $0.path != manifest.config.path && !BundleManifest.isImageEntry($0.path) && !BundleManifest.isChartOCIEntry($0.path) }
    }

    func plan(_ manifest: BundleManifest) throws -> InstallPlan {
        var files = try Self.placedFiles(manifest).map { InstallPlan.File(nodePath: try target.nodePath(forEntry: $0.path), content: .entry($0)) }
        if images.places(manifest) { files.append(InstallPlan.File(nodePath: images.nodePath(manifest), content: .imagesArchive(images))) }
        return InstallPlan(files: files, mirror: nil)
    }

    func stages(_ file: BundleManifest.File, of manifest: BundleManifest) -> Bool {
        !BundleManifest.isChartOCIEntry(file.path) && (images.wanted || !BundleManifest.isImageEntry(file.path))
    }

    func bundledConfig(_ data: Data, manifest: BundleManifest) throws -> Data {
        try NodeConfig.text(data, manifest: manifest, for: target.layout)
    }

    var configHoldsSecret: Bool { false }

    /// Room for staging every entry and replacing the node's files.
    func checkBeforeStaging(_ manifest: BundleManifest) throws {
        try InstallSpace.check(for: manifest, in: target.state.folder, bundle: target.bundle, dataDir: target.node.dataDir)
    }

    /// The record names this bundle and config, and every file, the config and the images tar
    /// on the node are still exactly what that install wrote: a repeat reads no entry of a
    /// bundle that can be gigabytes of images.
    func isInPlace(_ plan: InstallPlan, bundle: BundleVerifier, record: InstalledRecord) -> Bool {
        plan.isRecorded(in: record, bundle: bundle, target: target) && images.isInPlace(bundle.manifest, record: record)
    }

    /// Told before staging, from the record.
    func isInPlace(_ plan: InstallPlan, bundle: BundleVerifier, record: InstalledRecord, config: ConfigChange) -> Bool { false }
}
