import BundleFormat
import FileSystem
import Foundation

extension Builder {
    /// Before a byte is fetched: what this build will download must be within
    /// `--max-download`, fit in the cache's file system, and the bundle in the output's.
    /// `manifest` nil: before the bundle is laid out (chart archives fetched for image discovery).
    func checkDownload(_ tasks: [FetchTask], manifest: BundleManifest?) throws(BuildError) {
        var download: Int64 = 0
        for task in tasks {
            let (sum, overflow) = download.addingReportingOverflow(task.descriptor.size)
            guard !overflow, task.descriptor.size >= 0 else {
                throw BuildError(.downloadTooLarge, task.subject, "declares a blob of an impossible size (\(task.descriptor.size) bytes)", hint: "Do not use this registry's content.")
            }
            download = sum
        }
        guard download <= options.maxDownload else {
            throw BuildError(.downloadTooLarge, options.configPath,
                             "this build would download \(FreeSpace.describe(download)), more than --max-download \(FreeSpace.describe(options.maxDownload))",
                             hint: "Raise --max-download if that much is expected (images can be large); nothing was downloaded.")
        }
        let bundleBytes = manifest?.files.reduce(Int64(0)) { $0 &+ max($1.size, 0) } ?? 0
        let cache = FreeSpace.available(at: self.cache.root)
        let output = FreeSpace.available(at: (options.output as NSString).deletingLastPathComponent)
        if let cache, let output, cache.device == output.device {
            try require(download &+ bundleBytes, free: cache.bytes, in: "\(self.cache.root) (cache and output)")
        } else {
            if let cache { try require(download, free: cache.bytes, in: "\(self.cache.root) (the cache)") }
            if let output { try require(bundleBytes, free: output.bytes, in: (options.output as NSString).deletingLastPathComponent) }
        }
    }

    private func require(_ bytes: Int64, free: Int64, in place: String) throws(BuildError) {
        guard bytes > free else { return }
        throw BuildError(.notEnoughSpace, place, "needs \(FreeSpace.describe(bytes)) for this build, but has \(FreeSpace.describe(free)) free",
                         hint: "Free some space, or use --cache-dir / -o on another disk; nothing was downloaded.")
    }
}
