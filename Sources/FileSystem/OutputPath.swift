import Diagnostics
import Glibc

/// The one check before a command writes a file the user named (`build -o`, the files of
/// `pull -d`, `keygen --out`, `install --config-out`): the tool only ever replaces a regular
/// file, atomically, and never writes through or over a device, a FIFO, a socket or a folder.
/// A symbolic link is followed to its final target, which is what gets replaced (beside
/// itself, so the link stays a link); a link to anything but a regular file is refused.
/// Run it before any download, so a bad path costs nothing.
public enum OutputPath {
    /// What a command may do when the named file's folder is missing.
    public enum MissingFolder: Sendable {
        /// Create it (and its parents), as `build -o dist/x.tar.gz` does.
        case create
        /// Refuse, naming the folder, as `ssh-keygen -f` does.
        case refuse
        /// Leave it to the writer (which creates it later, or reports it).
        case ignore
    }

    /// The path to write for `path`: `path` itself, or the final target of the links it names.
    /// `option` is the flag that named it, for the hint. Under a `root` other than `/` (install
    /// `--root`), a link's absolute target is taken inside the root, and a target that would
    /// leave the root is refused.
    /// `followLinks: false` refuses a link outright (a private key is never written through one).
    public static func prepare(_ path: String, option: String, missingFolder: MissingFolder = .refuse, root: String = "/",
                               followLinks: Bool = true) throws(FileSystemError) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                guard errno == ENOENT || errno == ENOTDIR else { throw FileSystemError(.writeFailed, "lstat", path: current) }
                try checkFolder(of: current, named: path, option: option, missingFolder: missingFolder)
                try checkInsideRoot(current, named: path, root: root)
                return current
            }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFREG {
                try checkInsideRoot(current, named: path, root: root)
                return current
            }
            if kind == S_IFLNK {
                try checkLinkIsTrusted(current, owner: info.st_uid, named: path, option: option, followLinks: followLinks)
                current = try target(of: current, root: root)
                guard isInside(current, root: root) else {
                    throw FileSystemError(.notARegularFile, "check", path: path, errorNumber: 0,
                                          reason: "is a link that leads outside \(root) (to \(current)); nothing was written",
                                          hint: "Point the link at a file inside \(root), or name a regular file for \(option)")
                }
                continue
            }
            let what = current == path ? "is" : "is a link to \(current), which is"
            throw FileSystemError(.notARegularFile, "check", path: path, errorNumber: 0,
                                  reason: "\(what) \(describe(kind)), not a regular file; nothing was written",
                                  hint: "Name a regular file (or a new one) for \(option): the tool only replaces regular files")
        }
        throw FileSystemError(.notARegularFile, "check", path: path, errorNumber: 0,
                              reason: "is a chain of more than 40 symbolic links; nothing was written", hint: "Name a regular file for \(option)")
    }

    /// Under a root: the real folder (links in its parents resolved) must be inside the real
    /// root, so a linked folder (`ROOT/etc/k0s -> /etc/k0s`) cannot carry a write out of it.
    static func checkInsideRoot(_ path: String, named original: String, root: String) throws(FileSystemError) {
        guard root != "/" else { return }
        var folder = DurableFile.split(path).folder
        var resolved: UnsafeMutablePointer<CChar>?
        while true {
            resolved = realpath(folder, nil)
            if resolved != nil || folder == "/" || folder == "." { break }
            folder = DurableFile.split(folder).folder
        }
        guard let resolved else { return }
        defer { free(resolved) }
        let realFolder = String(cString: resolved)
        guard let rootPointer = realpath(root, nil) else { return }
        defer { free(rootPointer) }
        let realRoot = String(cString: rootPointer)
        guard realFolder == realRoot || realFolder.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
            throw FileSystemError(.notARegularFile, "check", path: original, errorNumber: 0,
                                  reason: "lies in \(realFolder) once links are followed, outside \(realRoot); nothing was written",
                                  hint: "Remove the link that leads out of \(root), or choose another --root")
        }
    }

    /// A link is followed only where its owner could not have been someone else planting it:
    /// in a shared sticky folder (`/tmp`), only a link of this user or root, as the kernel's
    /// protected_symlinks rule does; never with `followLinks: false`.
    static func checkLinkIsTrusted(_ link: String, owner: uid_t, named original: String, option: String, followLinks: Bool) throws(FileSystemError) {
        guard followLinks else {
            throw FileSystemError(.notARegularFile, "check", path: original, errorNumber: 0,
                                  reason: "is a symbolic link; a private key is never written through one; nothing was written",
                                  hint: "Name a regular file (or a new one) for \(option)")
        }
        var folder = stat()
        guard stat(DurableFile.split(link).folder, &folder) == 0 else { return }
        let shared = folder.st_mode & S_ISVTX != 0 && folder.st_mode & S_IWOTH != 0
        if shared, owner != geteuid(), owner != 0 {
            throw FileSystemError(.notARegularFile, "check", path: original, errorNumber: 0,
                                  reason: "is a link owned by another user (uid \(owner)) in a shared folder; it is not followed; nothing was written",
                                  hint: "Remove the link, or name a file in a folder of your own for \(option)")
        }
    }

    /// What a file type is called in a message.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    /// The path a symbolic link points at, resolved against the link's folder when relative
    /// and against `root` when absolute, with `.` and `..` taken out.
    static func target(of link: String, root: String) throws(FileSystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count > 0 else { throw FileSystemError(.writeFailed, "readlink", path: link) }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return normalized(root == "/" ? target : trimmed(root) + target) }
        return normalized(DurableFile.split(link).folder + "/" + target)
    }

    static func trimmed(_ root: String) -> String { root.hasSuffix("/") ? String(root.dropLast()) : root }

    /// `path` with `.`, `..` and repeated slashes taken out (lexically).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { if !parts.isEmpty && parts.last != ".." { parts.removeLast() } else if !path.hasPrefix("/") { parts.append(part) } } else { parts.append(part) }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, root: String) -> Bool {
        guard root != "/" else { return true }
        let base = normalized(root)
        return path == base || path.hasPrefix(base + "/")
    }

    static func checkFolder(of path: String, named original: String, option: String, missingFolder: MissingFolder) throws(FileSystemError) {
        if missingFolder == .ignore { return }
        let folder = DurableFile.split(path).folder
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw FileSystemError(.notARegularFile, "check", path: original, errorNumber: 0,
                                      reason: "cannot be created: \(folder) is not a folder", hint: "Choose another path for \(option)")
            }
            return
        }
        guard errno == ENOENT || errno == ENOTDIR else { throw FileSystemError(.writeFailed, "stat", path: folder) }
        switch missingFolder {
        case .ignore:
            return
        case .refuse:
            throw FileSystemError(.folderMissing, "check", path: original, errorNumber: 0,
                                  reason: "cannot be created: the folder \(folder) does not exist",
                                  hint: "Create it first (mkdir -p \(folder)), or choose another path for \(option)")
        case .create:
            try createFolders(folder)
        }
    }

    /// `mkdir -p`, each component created with mode 0755.
    public static func createFolders(_ folder: String) throws(FileSystemError) {
        var built = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw FileSystemError(.writeFailed, "create folder", path: built)
            }
        }
    }
}
