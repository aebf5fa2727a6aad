import Foundation
import Glibc

/// A file's size and modification time from `stat(2)` alone. Foundation's `attributesOfItem`
/// also looks up the owner's user and group names, which loads the node's NSS modules (sss,
/// ldap): a static binary must never reach them, and no command needs a name.
public enum FileStatus {
    /// Size in bytes of the file at `path` (links followed); nil when it cannot be read.
    public static func size(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// When the file at `path` was last modified; nil when it cannot be read.
    public static func modified(_ path: String) -> Date? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
    }

    /// The user's home from `HOME` (never the password database); nil when unset.
    public static func home(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
