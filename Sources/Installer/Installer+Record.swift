import BundleFormat
import Foundation

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

    /// Places what `body` puts through the placement all or nothing: kept (`commit`) when it
    /// returns, every file put back (`undo`) when it throws (`apply`'s frame).
    func allOrNothing<T>(staging: String, _ body: (inout Placement) throws -> T) throws -> T {
        var placement = Placement(staging: staging)
        let result: T
        do {
            result = try body(&placement)
        } catch {
            placement.undo(log: log)
            throw error
        }
        placement.commit()
        return result
    }

    /// (5) The record, last, naming the files of the previous install the new one does not
    /// carry; (6) those removed and the record written again. A later run finishes (6).
    func recordAndPrune(_ bundle: BundleVerifier, plan: InstallPlan, previous: InstalledRecord?, imagesSHA256: String?, report: inout InstallReport) throws {
        let manifest = bundle.manifest
        let obsolete = plan.removals(after: previous)
        var record = InstalledRecord(name: manifest.name, sequence: manifest.sequence, manifestDigest: bundle.manifestDigest, files: plan.recordFiles,
                                     config: options.configOut, configSHA256: report.configSHA256, pendingRemoval: obsolete,
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
}
