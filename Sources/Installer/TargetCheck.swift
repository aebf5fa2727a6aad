import BundleFormat
import Diagnostics
import Foundation

/// Refuses, before anything is staged or placed, a plan whose files could not all be placed: a
/// path too long, two entries the same but for case (one file on a case-insensitive file
/// system), a target that is not a regular file, or a parent that exists as something else.
enum TargetCheck {
    static let nameMax = 255
    static let pathMax = 4095

    /// Bundle entries are held to every rule; files the install makes (a mirror install's)
    /// to the file system's (length, type, parents), their names being the registries'.
    static func check(_ plan: InstallPlan, on node: InstallTarget) throws(BundleError) {
        var folded: [String: String] = [:]
        var checkedFolders = Set<String>()
        for file in plan.files {
            let path = node.rooted(file.nodePath)
            let label = file.entry ?? file.nodePath
            let subject = file.entry.map { "\(node.bundle): entry \"\(Escaped($0))\"" } ?? path
            let name = (path as NSString).lastPathComponent
            guard name.utf8.count <= Self.nameMax, path.utf8.count <= Self.pathMax else {
                throw BundleError(.entryUnsafe, subject, reason: "would be placed at a path longer than this file system allows (\(path.utf8.count) bytes)",
                                  hint: file.entry == nil ? "Give a shorter --root or --data-dir." : "Do not install this bundle.")
            }
            if file.entry != nil, let other = folded.updateValue(label, forKey: path.lowercased()), other != label {
                throw BundleError(.entryUnsafe, subject, reason: "and entry \"\(Escaped(other))\" differ only in case, so on a case-insensitive file system they are one file",
                                  hint: "Do not install this bundle; rebuild it.")
            }
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
                throw BundleError(.writeFailed, path, reason: "exists and is not a regular file, so \(Escaped(label)) cannot be placed there",
                                  hint: "Move it away, then install again; nothing was changed.")
            }
            try checkParents(of: path, label: label, checked: &checkedFolders)
        }
    }

    /// The first existing parent of `target` must be a folder (or a link to one).
    private static func checkParents(of path: String, label: String, checked: inout Set<String>) throws(BundleError) {
        var info = stat()
        var folder = (path as NSString).deletingLastPathComponent
        while folder.count > 1, checked.insert(folder).inserted {
            if lstat(folder, &info) == 0 {
                guard (info.st_mode & S_IFMT) == S_IFDIR || (info.st_mode & S_IFMT) == S_IFLNK else {
                    throw BundleError(.writeFailed, folder, reason: "exists and is not a folder, so \(Escaped(label)) cannot be placed under it",
                                      hint: "Move it away, then install again; nothing was changed.")
                }
                break
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }
}
