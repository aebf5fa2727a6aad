import BundleFormat
import Crypto
import Foundation

/// Where and how to install.
public struct InstallOptions: Sendable {
    public var bundle: String
    /// Prefix of every path written ("/" on a real node; a folder for tests and image builds).
    public var root = "/"
    public var dataDir = BundleManifest.NodeLayout.defaultDataDir
    public var configOut = "/etc/k0s/k0s.yaml"
    public var dryRun = false
    public var allowDowngrade = false

    public init(bundle: String) {
        self.bundle = bundle
    }
}

/// What an install did (or, for a dry run, would do).
public struct InstallReport: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable { case installed, unchanged, dryRun = "dry-run" }
    public struct Placed: Sendable, Encodable {
        public var path: String
        /// created, replaced, unchanged, removed (or "would …" in a dry run).
        public var action: String
        public var sha256: String?
    }
    public var status: Status
    public var bundle: String
    public var name: String
    public var sequence: Int64
    public var manifestDigest: String
    public var verifiedBy: String?
    public var files: [Placed]
    public var config: String
    public var backup: String?
}

/// The record of what is installed, written last: `<data-dir>/bundle/installed.json`.
struct InstalledRecord: Codable {
    var name: String
    var sequence: Int64
    var manifestDigest: String
    /// Node paths (without the root prefix) of the charts and certificates placed.
    var files: [String]
    var config: String
    /// Files of the previous bundle still to delete (set while replacing; cleared after).
    var pendingRemoval: [String]
}

/// Seeds a node from a bundle: verify first, stage privately, then move into place atomically.
///
/// Order, so that a kill at any moment leaves the old state or the new one: (1) signature and
/// manifest checked before anything is written; (2) every entry streamed into a private
/// staging folder under the data dir, digested and compared, flushed; (3) charts and
/// certificates renamed into place (complete files only, under new or unchanged names);
/// (4) the previous config copied to a backup, the new config written aside and renamed
/// over it; (5) the record written last, naming files of the previous bundle to remove;
/// (6) those removed and the record rewritten. A later run finishes any of this.
public final class Installer {
    public let options: InstallOptions
    let trusted: [(key: VerificationKey, source: String)]
    let log: (String) -> Void

    public init(options: InstallOptions, trusted: [(key: VerificationKey, source: String)], log: @escaping (String) -> Void) {
        self.options = options
        self.trusted = trusted
        self.log = log
    }

    func rooted(_ nodePath: String) -> String {
        let root = options.root == "/" ? "" : (options.root.hasSuffix("/") ? String(options.root.dropLast()) : options.root)
        return root + nodePath
    }

    var stateDir: String { rooted("\(options.dataDir)/\(BundleManifest.NodeLayout.stateFolder)") }

    /// Where an entry goes on the node (without the root prefix).
    func nodePath(for entry: String, manifest: BundleManifest) -> String {
        if entry == manifest.config.path { return options.configOut }
        if entry.hasPrefix("charts/") { return "\(options.dataDir)/\(BundleManifest.NodeLayout.chartsFolder)/\((entry as NSString).lastPathComponent)" }
        return "\(options.dataDir)/\(BundleManifest.NodeLayout.certificatesFolder)/\((entry as NSString).lastPathComponent)"
    }

    public func install() throws -> InstallReport {
        // (1) Nothing is written before the signature and the manifest hold.
        let bundle = try BundleVerifier(path: options.bundle, trusted: trusted)
        let manifest = bundle.manifest
        var report = InstallReport(
            status: options.dryRun ? .dryRun : .installed, bundle: options.bundle, name: manifest.name, sequence: manifest.sequence,
            manifestDigest: bundle.manifestDigest, verifiedBy: bundle.verifiedBy, files: [], config: rooted(options.configOut), backup: nil)

        if options.dryRun {
            try bundle.verifyEntries()
            let previous = readRecord()
            try checkSequence(manifest, digest: bundle.manifestDigest, previous: previous)
            for file in manifest.files {
                let target = rooted(nodePath(for: file.path, manifest: manifest))
                let same = file.path == manifest.config.path ? false : Self.sha256(of: target) == file.sha256
                let exists = FileManager.default.fileExists(atPath: target)
                report.files.append(.init(path: target, action: same ? "would keep (unchanged)" : exists ? "would replace" : "would create", sha256: file.sha256))
            }
            for old in Set(previous?.files ?? []).subtracting(manifest.files.map { nodePath(for: $0.path, manifest: manifest) }) {
                report.files.append(.init(path: rooted(old), action: "would remove", sha256: nil))
            }
            return report
        }

        do {
            try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        } catch {
            throw BundleError(.writeFailed, stateDir, reason: "cannot be created: \(error.localizedDescription)", hint: "Run as root, or give --root a writable folder.")
        }
        let lock = try InstallLock(path: stateDir + "/install.lock")
        defer { lock.release() }

        let previous = readRecord()
        // Finish a previous run that stopped before removing old files.
        if var previous, !previous.pendingRemoval.isEmpty {
            for path in previous.pendingRemoval { unlink(rooted(path)) }
            previous.pendingRemoval = []
            try writeRecord(previous)
        }
        try checkSequence(manifest, digest: bundle.manifestDigest, previous: previous)
        removeStaleStaging()

        // The config for this node: the bundle's, with paths moved to --data-dir if it differs.
        let expectedFiles = manifest.files.filter { $0.path != manifest.config.path }
        if let previous, previous.manifestDigest == bundle.manifestDigest,
           expectedFiles.allSatisfy({ Self.sha256(of: rooted(nodePath(for: $0.path, manifest: manifest))) == $0.sha256 }),
           let current = FileManager.default.contents(atPath: rooted(options.configOut)), Self.configMatches(current, manifest: manifest, dataDir: options.dataDir)
        {
            report.status = .unchanged
            report.files = manifest.files.map { .init(path: rooted(nodePath(for: $0.path, manifest: manifest)), action: "unchanged", sha256: $0.sha256) }
            return report
        }

        try checkSpace(manifest)

        // (2) Stage every entry privately, verified.
        let staging = stateDir + "/staging-\(getpid())-\(UUID().uuidString.prefix(8))"
        guard mkdir(staging, 0o700) == 0 else {
            throw BundleError(.writeFailed, staging, reason: "cannot be created: \(String(cString: strerror(errno)))", hint: "Check free space and permissions of \(stateDir); nothing was installed.")
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var staged: [String: String] = [:]
        var index = 0
        try bundle.verifyEntries { file in
            index += 1
            let path = "\(staging)/\(index)"
            staged[file.path] = path
            return try FileSink(path: path)
        }
        Checkpoint.reached("staged")

        // (3) Charts and certificates into place.
        for folder in [rooted("\(options.dataDir)/\(BundleManifest.NodeLayout.chartsFolder)"), rooted("\(options.dataDir)/\(BundleManifest.NodeLayout.certificatesFolder)"), rooted((options.configOut as NSString).deletingLastPathComponent)] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var touchedFolders = Set<String>()
        for file in expectedFiles {
            let target = rooted(nodePath(for: file.path, manifest: manifest))
            let existed = FileManager.default.fileExists(atPath: target)
            if existed, Self.sha256(of: target) == file.sha256 {
                report.files.append(.init(path: target, action: "unchanged", sha256: file.sha256))
                continue
            }
            try Self.move(staged[file.path]!, to: target)
            touchedFolders.insert((target as NSString).deletingLastPathComponent)
            report.files.append(.init(path: target, action: existed ? "replaced" : "created", sha256: file.sha256))
            Checkpoint.reached("placed \(file.path)")
        }
        for folder in touchedFolders { Self.syncFolder(folder) }

        // (4) The config: backup of the previous one, then the new one renamed over it.
        let configTarget = rooted(options.configOut)
        let configFile = manifest.files.first { $0.path == manifest.config.path }!
        let newConfig = try Self.nodeConfig(from: staged[configFile.path]!, manifest: manifest, dataDir: options.dataDir)
        let oldConfig = FileManager.default.contents(atPath: configTarget)
        if oldConfig == newConfig {
            report.files.append(.init(path: configTarget, action: "unchanged", sha256: nil))
        } else {
            if let oldConfig {
                let backup = configTarget + ".bundle-backup"
                try Self.writeAtomically(oldConfig, to: backup)
                report.backup = backup
                Checkpoint.reached("backup")
            }
            try Self.writeAtomically(newConfig, to: configTarget)
            report.files.append(.init(path: configTarget, action: oldConfig == nil ? "created" : "replaced", sha256: nil))
            Checkpoint.reached("config")
        }

        // (5) The record, last; (6) files the new bundle no longer carries.
        let newFiles = expectedFiles.map { nodePath(for: $0.path, manifest: manifest) }
        let obsolete = Set(previous?.files ?? []).subtracting(newFiles).sorted()
        var record = InstalledRecord(name: manifest.name, sequence: manifest.sequence, manifestDigest: bundle.manifestDigest,
                                     files: newFiles, config: options.configOut, pendingRemoval: obsolete)
        try writeRecord(record)
        Checkpoint.reached("record")
        if !obsolete.isEmpty {
            for path in obsolete {
                unlink(rooted(path))
                report.files.append(.init(path: rooted(path), action: "removed", sha256: nil))
            }
            record.pendingRemoval = []
            try writeRecord(record)
        }
        return report
    }

    func checkSequence(_ manifest: BundleManifest, digest: String, previous: InstalledRecord?) throws(BundleError) {
        guard let previous, previous.manifestDigest != digest, !options.allowDowngrade else { return }
        if manifest.sequence < previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has sequence \(manifest.sequence), older than the installed bundle \"\(previous.name)\" (sequence \(previous.sequence))",
                              hint: "A signed old bundle must not roll a node back silently; pass --allow-downgrade if that is what you want.")
        }
        if manifest.sequence == previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has the same sequence (\(manifest.sequence)) as the installed bundle \"\(previous.name)\" but different content",
                              hint: "Build with a higher --sequence (or SOURCE_DATE_EPOCH), or pass --allow-downgrade to replace it anyway.")
        }
    }

    func checkSpace(_ manifest: BundleManifest) throws(BundleError) {
        var folder = stateDir
        var stats = statvfs()
        while statvfs(folder, &stats) != 0, folder != "/" { folder = (folder as NSString).deletingLastPathComponent }
        let available = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        let needed = manifest.files.reduce(Int64(0)) { $0 + $1.size } * 2 + (1 << 20)
        if available < needed {
            throw BundleError(.notEnoughSpace, options.bundle, reason: "needs about \(needed / 1_048_576) MiB, but \(folder) has \(available / 1_048_576) MiB free",
                              hint: "Free some space under \(options.dataDir), then install again. Nothing was written.")
        }
    }

    func readRecord() -> InstalledRecord? {
        guard let data = FileManager.default.contents(atPath: stateDir + "/installed.json") else { return nil }
        return try? JSONDecoder().decode(InstalledRecord.self, from: data)
    }

    func writeRecord(_ record: InstalledRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Self.writeAtomically(try encoder.encode(record) + Data("\n".utf8), to: stateDir + "/installed.json")
    }

    /// Removes what an install killed midway left aside: staging folders and temporary files
    /// (never under a final name). Called with the lock held.
    func removeStaleStaging() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: stateDir)) ?? [] where name.hasPrefix("staging-") || name.contains(".bundle-tmp-") {
            try? FileManager.default.removeItem(atPath: stateDir + "/" + name)
        }
        let configFolder = rooted((options.configOut as NSString).deletingLastPathComponent)
        let prefix = ".\((options.configOut as NSString).lastPathComponent)"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: configFolder)) ?? [] where name.hasPrefix(prefix) && name.contains(".bundle-tmp-") {
            unlink(configFolder + "/" + name)
        }
    }

    /// The bundled config with the bundle's data dir replaced by this node's.
    static func nodeConfig(from path: String, manifest: BundleManifest, dataDir: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BundleError(.writeFailed, path, reason: "the staged config cannot be read", hint: "Check the staging folder's file system; nothing was installed, run the install again.")
        }
        return moveDataDir(in: data, from: manifest.dataDir, to: dataDir)
    }

    /// Whether the config on the node is the bundle's, as placed for `dataDir`.
    static func configMatches(_ current: Data, manifest: BundleManifest, dataDir: String) -> Bool {
        guard let file = manifest.files.first(where: { $0.path == manifest.config.path }) else { return false }
        return Self.sha256(moveDataDir(in: current, from: dataDir, to: manifest.dataDir)) == file.sha256
    }

    /// A config's chart and certificate paths moved from one data dir to another.
    static func moveDataDir(in config: Data, from old: String, to new: String) -> Data {
        guard old != new, var text = String(data: config, encoding: .utf8) else { return config }
        for folder in [BundleManifest.NodeLayout.chartsFolder, BundleManifest.NodeLayout.certificatesFolder] {
            text = text.replacingOccurrences(of: "\(old)/\(folder)/", with: "\(new)/\(folder)/")
        }
        return Data(text.utf8)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
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
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Renames a staged (already flushed) file into place; across filesystems, copies to a
    /// temporary name beside the target first.
    static func move(_ source: String, to target: String) throws {
        if rename(source, target) == 0 { return }
        guard errno == EXDEV, let data = FileManager.default.contents(atPath: source) else {
            throw BundleError(.writeFailed, target, reason: "cannot be put in place: \(String(cString: strerror(errno)))", hint: "Check permissions of \((target as NSString).deletingLastPathComponent).")
        }
        try writeAtomically(data, to: target)
    }

    /// Writes beside the target, flushes, renames over it, flushes the folder.
    static func writeAtomically(_ data: Data, to target: String) throws {
        let folder = (target as NSString).deletingLastPathComponent
        let temporary = "\(folder)/.\((target as NSString).lastPathComponent).bundle-tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BundleError(.writeFailed, target, reason: "cannot be written: \(String(cString: strerror(errno)))", hint: "Check permissions of \(folder).")
        }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw BundleError(.writeFailed, target, reason: "cannot be written: \(message)", hint: "Check free space and permissions of \(folder).")
        }
        syncFolder(folder)
    }

    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// One install at a time per data dir: an exclusive, non-blocking flock.
final class InstallLock {
    let fd: Int32

    init(path: String) throws(BundleError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BundleError(.locked, path, reason: "cannot be opened: \(String(cString: strerror(errno)))", hint: "Run as root, or give --root a writable folder.") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 32, 0)
            let holder = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw BundleError(.locked, path, reason: "another bundle install (pid \(holder)) is running on this node", hint: "Wait for it to finish, then run this install again.")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Named points of an install, where tests can widen the window for a kill
/// (`BUNDLE_INSTALL_STEP_DELAY_MS`); no effect otherwise.
enum Checkpoint {
    static let delay: useconds_t = {
        guard let text = ProcessInfo.processInfo.environment["BUNDLE_INSTALL_STEP_DELAY_MS"], let ms = UInt32(text) else { return 0 }
        return ms * 1000
    }()

    static func reached(_ name: String) {
        if delay > 0 { usleep(delay) }
    }
}
