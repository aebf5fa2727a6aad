import BundleFormat
import FileSystem
import Foundation

/// Room for an install: twice the bundle (staged, then the files it replaces) and a little for
/// the config and the record, on the file system of the node's state folder.
enum InstallSpace {
    static func check(for manifest: BundleManifest, in stateFolder: String, bundle: String, dataDir: String) throws(BundleError) {
        guard let available = FreeSpace.available(at: stateFolder)?.bytes else {
            throw BundleError(.notEnoughSpace, stateFolder, reason: "free space cannot be determined: \(String(cString: strerror(errno)))", hint: "Check that the data dir's file system is mounted.")
        }
        var needed: Int64 = 1 << 20
        for file in manifest.files {
            let (sum, over) = needed.addingReportingOverflow(file.size.multipliedReportingOverflow(by: 2).partialValue)
            guard !over, file.size >= 0, file.size < Int64(1) << 53 else {
                throw BundleError(.manifestInvalid, "\(bundle): bundle.json", reason: "lists \"\(file.path)\" with an impossible size \(file.size)", hint: "Do not install this bundle.")
            }
            needed = sum
        }
        if available < needed {
            throw BundleError(.notEnoughSpace, bundle, reason: "needs about \(needed / 1_048_576) MiB, but \(stateFolder) has \(available / 1_048_576) MiB free",
                              hint: "Free some space under \(dataDir), then install again. Nothing was written.")
        }
    }
}
