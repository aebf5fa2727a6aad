import Glibc

/// The one way the tool writes a file that must survive a crash whole or not at all: bytes go
/// to a temporary name in the same folder, are written in full and flushed (`fsync`), then
/// renamed over the final name, and the folder is flushed so the rename itself is durable.
/// A final name therefore never holds a partial file. Every system call's result is checked.
public enum DurableFile {
    /// A temporary name beside `path` (same folder, so the rename cannot cross file systems),
    /// hidden and unique to this process and call.
    public static func temporaryPath(for path: String) -> String {
        let (folder, name) = split(path)
        let unique = "\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        return "\(folder)/.\(name).\(unique).partial"
    }

    /// Writes `bytes` to `path` durably, with `mode` (set on creation, so a private key is never
    /// readable by others, not even for a moment). `flush: false` keeps the all-or-nothing
    /// rename but skips both fsyncs: only for records that are checked when read and simply
    /// made again when missing or torn (the cache's notes on how requests resolved).
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644, flush: Bool = true) throws(FileSystemError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw FileSystemError(.writeFailed, "create", path: path,
                                  reason: "cannot create its temporary file \(split(temporary).name): \(String(cString: strerror(errno)))")
        }
        do {
            try writeAll(fd, Array(bytes), path: temporary)
            if flush { try sync(fd, path: temporary) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let failure = FileSystemError(.writeFailed, "close", path: temporary)
            unlink(temporary)
            throw failure
        }
        guard flush else {
            guard rename(temporary, path) == 0 else {
                let failure = FileSystemError(.writeFailed, "rename into place", path: path)
                unlink(temporary)
                throw failure
            }
            return
        }
        try commit(temporary, to: path)
    }

    /// Has `produce` fill a temporary file beside `path` (given its path), then flushes it and
    /// renames it into place. When `produce` throws, the temporary file is removed and the
    /// error passes through unchanged.
    public static func write<Result, Failure: Error>(
        to path: String, _ produce: (String) throws(Failure) -> Result
    ) throws -> Result {
        let temporary = temporaryPath(for: path)
        let result: Result
        do {
            result = try produce(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        try flushTemporary(temporary)
        try commit(temporary, to: path)
        return result
    }

    /// Flushes a temporary file that someone else wrote (libcurl, libarchive) before `commit`;
    /// when that fails the temporary file is removed, since it will never get its name.
    public static func flushTemporary(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let failure = FileSystemError(.writeFailed, "open for fsync", path: path)
            unlink(path)
            throw failure
        }
        defer { close(fd) }
        do { try sync(fd, path: path) } catch {
            unlink(path)
            throw error
        }
    }

    /// Renames a flushed temporary file over `path` and flushes the folder; on failure the
    /// temporary file is removed.
    public static func commit(_ temporary: String, to path: String) throws(FileSystemError) {
        guard rename(temporary, path) == 0 else {
            let failure = FileSystemError(.writeFailed, "rename into place", path: path)
            unlink(temporary)
            throw failure
        }
        try syncFolder(split(path).folder)
    }

    /// Flushes a folder, so that renames and creations in it survive a crash.
    public static func syncFolder(_ folder: String) throws(FileSystemError) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(.writeFailed, "open folder for fsync", path: folder) }
        defer { close(fd) }
        // Some file systems cannot flush a folder (EINVAL); their renames are durable anyway.
        guard fsync(fd) == 0 || errno == EINVAL else { throw FileSystemError(.writeFailed, "fsync of the folder", path: folder) }
    }

    /// Removes a file; a file that is already gone counts as removed.
    public static func remove(_ path: String) throws(FileSystemError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError(.removeFailed, "unlink", path: path) }
    }

    /// Writes every byte, looping over short writes and interruptions.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(.writeFailed, "write", path: path)
            }
            offset += n
        }
    }

    static func sync(_ fd: Int32, path: String) throws(FileSystemError) {
        guard fsync(fd) == 0 else { throw FileSystemError(.writeFailed, "fsync", path: path) }
    }

    /// The folder (`.` when none) and the last component of a path.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}
