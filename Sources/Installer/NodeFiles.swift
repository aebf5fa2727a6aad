import BundleFormat
import Content
import Crypto
import FileSystem
import Foundation

/// The node-side file operations, each checked, each error naming the path and what to do.
enum NodeFiles {
    static func sha256(_ data: Data) -> String {
        Content.Digest.hex(of: SHA256.hash(data: data))
    }

    /// Streams a file's sha256; nil when it cannot be read (or is not a regular file).
    static func sha256(of path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
        }
        return Content.Digest.hex(of: hasher.finalize())
    }

    /// `mkdir -p`; the error is the system's own word (`Permission denied`), with what to do.
    static func createFolder(_ folder: String) throws(BundleError) {
        do {
            try OutputPath.createFolders(folder)
        } catch {
            throw BundleError(.writeFailed, folder, reason: "cannot be created: \(String(cString: strerror(error.errorNumber)))",
                              hint: error.errorNumber == EACCES || error.errorNumber == EPERM || error.errorNumber == EROFS
                                  ? "Run as root (the node's k0s folders are root's), or give --root a folder you can write"
                                  : "Check the file system of \((folder as NSString).deletingLastPathComponent)")
        }
    }

    /// The folders an install writes into that this user cannot write: for each, the nearest
    /// folder that exists (where the first file or folder would be created). Empty as root.
    static func unwritableFolders(_ targets: [String]) -> [String] {
        var found: [String] = []
        for target in targets {
            var folder = target
            while !FileManager.default.fileExists(atPath: folder), folder != "/", !folder.isEmpty { folder = (folder as NSString).deletingLastPathComponent }
            if access(folder, W_OK) != 0, !found.contains(folder) { found.append(folder) }
        }
        return found
    }

    /// Renames a staged (already flushed) file into place; across file systems, copies it to a
    /// temporary name beside the target first.
    static func move(_ source: String, to target: String) throws(BundleError) {
        if rename(source, target) == 0 { return }
        let failure = errno
        guard failure == EXDEV, let data = FileManager.default.contents(atPath: source) else {
            throw BundleError(.writeFailed, target, reason: "cannot be put in place: \(String(cString: strerror(failure)))", hint: "Check permissions of \((target as NSString).deletingLastPathComponent).")
        }
        try writeDurably(data, to: target)
    }

    /// Writes beside the target, flushes, renames over it, flushes the folder (`DurableFile`).
    static func writeDurably(_ data: Data, to target: String, mode: mode_t = 0o644) throws(BundleError) {
        do {
            try DurableFile.write(data, to: target, mode: mode)
        } catch {
            throw BundleError(.writeFailed, target, reason: "cannot be written: \(error.reason)", hint: error.hint)
        }
    }

    /// The permission bits of an existing file, nil when there is none.
    static func permissions(of path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    static func syncFolder(_ folder: String) throws(BundleError) {
        do {
            try DurableFile.syncFolder(folder)
        } catch {
            throw BundleError(.writeFailed, folder, reason: error.reason, hint: error.hint)
        }
    }
}
