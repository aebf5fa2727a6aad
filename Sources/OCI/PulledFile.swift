import Content
import FileSystem
import Foundation

/// Where a pulled chart (or a classic repository's archive) is written: only complete,
/// verified files under names that stay in their folder.
public enum PulledFile {
    /// Has `download` write a hidden temporary file beside `path`, then flushes it and renames
    /// it into place (`DurableFile`), so that `path` never holds a partial or unverified file.
    /// On failure the temporary file is removed.
    public static func writeAtomically<Result>(
        to path: String, registry: String, _ download: (String) throws(RegistryError) -> Result
    ) throws(RegistryError) -> Result {
        do {
            // Only a regular file (or a link to one) is ever replaced, and that before the download.
            let target = try OutputPath.prepare(path, option: "-d")
            return try DurableFile.write(to: target, download)
        } catch let error as RegistryError {
            throw error
        } catch let error as FileSystemError {
            throw RegistryError(.localFile, registry: registry, reason: "cannot write \(path): \(error.reason)", hint: error.hint)
        } catch {
            // `download` throws only RegistryError, and the writer only FileSystemError.
            throw RegistryError(.localFile, registry: registry, reason: "cannot write \(path): \(error)", hint: "Check free space and permissions.")
        }
    }

    /// Whether `text` can be part of a file name without leaving its folder.
    public static func isSafeComponent(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix(".") && !text.contains("/") && !text.contains("\0") && text.count <= 200
    }
}
