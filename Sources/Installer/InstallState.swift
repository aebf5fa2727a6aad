import BundleFormat
import FileSystem
import Foundation

/// The record of what is installed, written last: `<data-dir>/bundle/installed.json`.
struct InstalledRecord: Codable {
    var name: String
    var sequence: Int64
    var manifestDigest: String
    /// Node paths (without the root prefix) of the charts and certificates placed.
    var files: [String]
    var config: String
    /// sha256 of the config as written, so a repeat install can tell it is untouched.
    var configSHA256: String?
    /// Files of the previous bundle still to delete (set while replacing; cleared after).
    var pendingRemoval: [String]
    /// sha256 of the images tar as written (nil when none was placed).
    var imagesSHA256: String?
    /// The mirror the node uses (`oci://HOST[:PORT][/PREFIX]`), nil for a local install.
    var mirror: String?
    /// When, and with which trusted key (for `status`).
    var installedAt: String?
    var verifiedBy: String?
    /// sha256 of every file placed, by node path, so `status` can say whether each is intact.
    var hashes: [String: String]?
    /// `name version` of each chart, and each image reference.
    var charts: [String]?
    var images: [String]?
    /// The release names this install wrote into the config's charts, so that the next merge
    /// tells them from the node's own entries.
    var releases: [String]?
}

/// The installer's own state on the node, apart from what it installs: the record, the lock,
/// staging folders and files left to remove. Paths are given with the root prefix applied.
struct InstallState {
    /// `<root><data-dir>/bundle`.
    let folder: String
    let rooted: (String) -> String

    var recordPath: String { folder + "/installed.json" }

    func read() -> InstalledRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath) else { return nil }
        return try? JSONDecoder().decode(InstalledRecord.self, from: data)
    }

    func write(_ record: InstalledRecord) throws(BundleError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try DurableFile.write(try encoder.encode(record) + Data("\n".utf8), to: recordPath)
        } catch let error as FileSystemError {
            throw BundleError(.writeFailed, recordPath, reason: error.reason, hint: error.hint)
        } catch {
            throw BundleError(.writeFailed, recordPath, reason: "cannot be encoded: \(error)", hint: "This is a bug in bundle; please report it.")
        }
    }

    /// Creates the state folder; the error says how to get a writable one.
    func create() throws(BundleError) {
        try NodeFiles.createFolder(folder)
    }

    /// Removes node paths, returning those removed; a path that cannot be removed is an error
    /// (never counted as removed), and stays in the record for the next install to retry.
    func remove(_ paths: [String]) throws(BundleError) -> [String] {
        var removed: [String] = []
        for path in paths {
            do {
                try DurableFile.remove(rooted(path))
                removed.append(path)
                // A host's folder of containerd's certs.d goes with its hosts.toml once empty.
                let folder = (rooted(path) as NSString).deletingLastPathComponent
                if (folder as NSString).deletingLastPathComponent.hasSuffix("/certs.d") { rmdir(folder) }
            } catch {
                throw BundleError(.writeFailed, rooted(path), reason: "cannot be removed: \(error.reason)",
                                  hint: "Check its permissions; the next install retries the removal.")
            }
        }
        return removed
    }

    /// Finishes a previous install that stopped before removing the files it replaced.
    func finishPendingRemovals() throws(BundleError) {
        guard var record = read(), !record.pendingRemoval.isEmpty else { return }
        _ = try remove(record.pendingRemoval)
        record.pendingRemoval = []
        try write(record)
    }

    /// Removes what an install killed midway left aside: staging folders and temporary files
    /// (never under a final name). Called with the lock held; what cannot be removed now is
    /// left for the next install (it never has a final name, so nothing reads it).
    func removeStaleStaging(configOut: String, placedFolders: [String] = []) {
        for folder in placedFolders.map(rooted) {
            // Partial downloads, and files an install killed while placing had kept aside.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where name.hasPrefix(".") && (name.hasSuffix(".partial") || name.contains(".bundle-previous-")) {
                try? DurableFile.remove(folder + "/" + name)
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("staging-") || name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        let configFolder = rooted((configOut as NSString).deletingLastPathComponent)
        let prefix = ".\((configOut as NSString).lastPathComponent)"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: configFolder)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(".partial") {
            try? DurableFile.remove(configFolder + "/" + name)
        }
    }
}

/// One install at a time per data dir: an exclusive, non-blocking flock, holding the pid of
/// the install that has it.
final class InstallLock {
    let fd: Int32
    let path: String

    init(path: String) throws(BundleError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BundleError(.locked, path, reason: "cannot be opened: \(String(cString: strerror(errno)))", hint: "Run as root, or give --root a writable folder.") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 32, 0)
            let holder = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            guard busy else { throw BundleError(.locked, path, reason: "cannot be locked: \(reason)", hint: "Check that the file system supports flock.") }
            throw BundleError(.locked, path, reason: "another bundle install (pid \(holder)) is running on this node", hint: "Wait for it to finish, then run this install again.")
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, pid, pid.count, 0) == pid.count else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BundleError(.locked, path, reason: "cannot record this install's pid: \(reason)", hint: "Check free space of the data dir.")
        }
    }

    /// Closing the descriptor releases the lock.
    func release() {
        close(fd)
    }
}
