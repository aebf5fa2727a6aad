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
}
