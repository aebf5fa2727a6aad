import BundleFormat
import Foundation

/// The files one install put in place, and the files they replaced (kept aside beside each
/// target, under a hidden name in the same folder, until the install is done), so that a
/// failure can put the node back. A file that cannot be kept aside is never overwritten.
struct Placement {
    private var done: [(target: String, previous: String?)] = []

    /// Runs `body` with a placement all or nothing: kept (`commit`) when it returns, every file
    /// put back (`undo`) when it throws.
    static func allOrNothing<T>(log: (String) -> Void, _ body: (inout Placement) throws -> T) throws -> T {
        var placement = Placement()
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

    /// Moves a staged chart or certificate into place (a complete file); nil when the node
    /// already holds it as it is.
    mutating func place(_ file: BundleManifest.File, at target: String, staged: [String: String], bundle: String) throws -> InstallReport.Placed? {
        let existed = FileManager.default.fileExists(atPath: target)
        if existed, NodeFiles.sha256(of: target) == file.sha256 { return nil }
        guard let source = staged[file.path] else {
            throw BundleError(.entryMissing, "\(bundle): entry \"\(file.path)\"", reason: "was not staged", hint: "The bundle is incomplete; copy it again.")
        }
        try NodeFiles.createFolder((target as NSString).deletingLastPathComponent)
        try put(source, at: target)
        return .init(path: target, action: existed ? "replaced" : "created", sha256: file.sha256)
    }

    /// Places bytes the install makes (written durably to `source` first), its folder flushed.
    mutating func place(_ data: Data, at target: String, through source: String) throws -> InstallReport.Placed {
        let sha256 = NodeFiles.sha256(data)
        if NodeFiles.sha256(of: target) == sha256 { return .init(path: target, action: "unchanged", sha256: sha256) }
        let existed = FileManager.default.fileExists(atPath: target)
        try NodeFiles.writeDurably(data, to: source)
        try NodeFiles.createFolder((target as NSString).deletingLastPathComponent)
        try put(source, at: target)
        try NodeFiles.syncFolder((target as NSString).deletingLastPathComponent)
        return .init(path: target, action: existed ? "replaced" : "created", sha256: sha256)
    }

    /// Renames `source` (complete and flushed) to `target`, keeping the file it replaces.
    mutating func put(_ source: String, at target: String) throws(BundleError) {
        var previous: String?
        var info = stat()
        if lstat(target, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw BundleError(.writeFailed, target, reason: "exists and is not a regular file", hint: "Move it away, then install again; nothing of it was changed.")
            }
            let folder = (target as NSString).deletingLastPathComponent, name = (target as NSString).lastPathComponent
            let keep = "\(folder)/.\(name).bundle-previous-\(getpid())"
            guard rename(target, keep) == 0 else {
                throw BundleError(.writeFailed, target, reason: "cannot be kept aside before it is replaced: \(String(cString: strerror(errno)))",
                                  hint: "Check permissions of \(folder); it was not changed.")
            }
            previous = keep
        }
        do {
            try NodeFiles.move(source, to: target)
        } catch {
            if let previous { rename(previous, target) }
            throw error
        }
        done.append((target, previous))
    }

    /// The install is done: the replaced files kept aside go.
    func commit() {
        for (_, previous) in done { if let previous { unlink(previous) } }
    }

    /// After a failure: everything put back, and what could not be said in `log`.
    func undo(log: (String) -> Void) {
        let stuck = rollBack()
        if !stuck.isEmpty { log("could not put back \(stuck.joined(separator: ", ")); rename each over the file its name carries") }
    }

    /// Puts back what was replaced and removes what was created, newest first; returns the
    /// files that could not be put back (they are left aside, under their hidden names).
    func rollBack() -> [String] {
        var failed: [String] = []
        for (target, previous) in done.reversed() {
            if let previous {
                if rename(previous, target) != 0 { failed.append(previous) }
            } else {
                unlink(target)
            }
        }
        return failed
    }
}
