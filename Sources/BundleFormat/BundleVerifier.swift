import Archive
import Content
import Crypto
import Diagnostics
import Foundation

/// Reads a bundle the way an installer must: the manifest and its signature first, checked
/// against trusted keys before anything else is looked at; then every entry, streamed and
/// compared with the manifest (listed, once, a regular file at a safe path, of the declared
/// size and sha256), with nothing listed missing at the end.
///
/// Owns its archive reader; not `Sendable`.
public final class BundleVerifier {
    public let path: String
    public let manifest: BundleManifest
    /// The exact bytes of bundle.json, and their digest (the bundle's identity).
    public let manifestData: Data
    public let manifestDigest: String
    /// The trusted key that verified the signature (nil when opened without verification).
    public let verifiedBy: String?
    private let reader: ArchiveReader

    /// Limits on what a crafted bundle can make a reader hold in memory.
    static let manifestLimit: Int64 = 16 << 20
    static let signatureLimit: Int64 = 4096

    /// Opens `path`. With `trusted` keys, the signature must verify with one of them;
    /// with `trusted == nil` (inspect), the manifest is read without trusting it.
    public init(path: String, trusted: [(key: VerificationKey, source: String)]?) throws(BundleError) {
        self.path = path
        let reader: ArchiveReader
        do {
            reader = try ArchiveReader(path: path)
        } catch {
            // A gzip or zstd file that libarchive cannot read is a bundle cut short or damaged
            // in transit (integrity), not the wrong kind of file (input).
            if Self.isCompressed(path) { throw Self.damaged(path, error.reason) }
            throw BundleError(.notABundle, path, reason: FileManager.default.fileExists(atPath: path) ? "is not a bundle (\(error.reason))" : "does not exist",
                              hint: "Give the .tar.gz (or .tar.zst) that `bundle build` wrote.")
        }
        self.reader = reader
        let first: ArchiveReader.Entry?
        do { first = try reader.next() } catch {
            if Self.isCompressed(path) { throw Self.damaged(path, error.reason) }
            throw BundleError(.notABundle, path, reason: "is not a bundle: \(error.reason)", hint: "Give the archive that `bundle build` wrote; it may be damaged or truncated.")
        }
        guard let first, first.path == BundleManifest.manifestPath, first.kind == .regular else {
            throw BundleError(.notABundle, path, reason: "is not a bundle: its first entry is \(first.map { "\"\($0.path)\"" } ?? "missing"), not bundle.json",
                              hint: "Give the archive that `bundle build` wrote.")
        }
        let data: Data
        do { data = try reader.readAll(limit: Self.manifestLimit) } catch {
            throw Self.damaged("\(path): bundle.json", "cannot be read: \(error)")
        }
        manifestData = data
        manifestDigest = Content.Digest.sha256(of: data).description

        var signature: Data?
        let second: ArchiveReader.Entry?
        do { second = try reader.next() } catch {
            throw BundleError(.archiveFailed, path, reason: "damaged or truncated after bundle.json: \(error.reason)", hint: "Copy the bundle again.")
        }
        var pendingEntry = second
        if let second, second.path == BundleManifest.signaturePath {
            guard second.kind == .regular else { throw BundleError(.entryUnsafe, "\(path): bundle.json.sig", reason: "is not a regular file", hint: "Do not install this bundle.") }
            do { signature = try reader.readAll(limit: Self.signatureLimit) } catch {
                throw BundleError(.signatureInvalid, "\(path): bundle.json.sig", reason: "cannot be read: \(error)", hint: "The bundle is damaged; copy it again.")
            }
            pendingEntry = nil
        }

        var verifiedBy: String?
        if let trusted {
            guard let signature else {
                throw BundleError(.signatureMissing, path, reason: "is unsigned (no bundle.json.sig after bundle.json)",
                                  hint: "Nodes install signed bundles only: rebuild it with `bundle build --sign-key`.")
            }
            guard let match = trusted.first(where: { $0.key.isValidSignature(signature, for: data) }) else {
                let ids = trusted.map { "\($0.source) (\($0.key.keyID.prefix(19))…)" }.joined(separator: ", ")
                throw BundleError(.untrustedKey, path, reason: "its signature does not verify with any trusted key: \(ids)",
                                  hint: "Either bundle.json was altered, or it was signed by another key; trust that key's .pub only if you know it.")
            }
            verifiedBy = match.key.keyID
        }
        self.verifiedBy = verifiedBy
        manifest = try BundleManifest.decode(data, source: path)
        try EntryRules.check(manifest, source: path)
        self.pending = pendingEntry
    }

    private var pending: ArchiveReader.Entry?

    /// Verifies every entry into `folder`, created private (0700), keeping as files the entries
    /// `keep` selects (the others are only checked); returns entry → file. The caller removes
    /// the folder.
    public func stage(into folder: String, keeping keep: (BundleManifest.File) -> Bool = { _ in true }) throws -> [String: String] {
        guard mkdir(folder, 0o700) == 0 else {
            throw BundleError(.writeFailed, folder, reason: "cannot be created: \(String(cString: strerror(errno)))",
                              hint: "Check free space and permissions of \((folder as NSString).deletingLastPathComponent); nothing was written.")
        }
        var staged: [String: String] = [:]
        try withoutActuallyEscaping(keep) { keep in
            try verifyEntries { file in
                guard keep(file) else { return nil }
                let path = "\(folder)/\(staged.count + 1)"
                staged[file.path] = path
                return try FileSink(path: path)
            }
        }
        return staged
    }

    /// Streams every remaining entry through the checks; `open` gives, per listed file, where to
    /// write its bytes (nil: only verify). Returns the number of entries verified.
    @discardableResult
    public func verifyEntries(open: ((BundleManifest.File) throws -> FileSink?)? = nil) throws -> Int {
        let listed = Dictionary(uniqueKeysWithValues: manifest.files.map { ($0.path, $0) })
        var seen = Set<String>()
        var count = 0
        while true {
            let entry: ArchiveReader.Entry?
            if let pending {
                entry = pending
                self.pending = nil
            } else {
                do { entry = try reader.next() } catch {
                    throw BundleError(.archiveFailed, path, reason: "damaged or truncated: \(error.reason)", hint: "Copy the bundle again; nothing was installed.")
                }
            }
            guard let entry else { break }
            let name = "\(path): entry \"\(entry.path)\""
            guard entry.kind == .regular else {
                let kind = ["directory", "symlink", "hardlink", "device or other special file"][[ArchiveReader.Entry.Kind.directory, .symlink, .hardlink, .other].firstIndex(of: entry.kind) ?? 3]
                throw BundleError(.entryUnsafe, name, reason: "is a \(kind)\(entry.linkTarget.map { " to \($0)" } ?? ""); bundles hold regular files only", hint: "Do not install this bundle.")
            }
            guard EntryRules.isSafePath(entry.path) else {
                throw BundleError(.entryUnsafe, name, reason: "has an unsafe path (absolute, .., or hidden)", hint: "Do not install this bundle.")
            }
            guard let file = listed[entry.path] else {
                throw BundleError(.entryUnlisted, name, reason: "is not listed in bundle.json", hint: "Something was added to the bundle after it was signed; do not install it.")
            }
            guard seen.insert(entry.path).inserted else {
                throw BundleError(.entryDuplicate, name, reason: "appears twice", hint: "Do not install this bundle.")
            }
            guard entry.size == file.size else {
                throw BundleError(.entryMismatch, name, reason: "is \(entry.size) bytes; bundle.json says \(file.size)", hint: "The bundle was altered; do not install it.")
            }
            let sink = try open?(file)
            var check = ContentCheck(digest: file.digest, size: file.size)
            do {
                _ = try reader.readData(limit: file.size) { chunk in
                    check.update(chunk)
                    try sink?.write(chunk)
                }
            } catch let error as ArchiveError {
                throw BundleError(.entryTooLarge, name, reason: error.reason, hint: "The bundle is damaged or altered; nothing was installed.")
            }
            switch check.finish() {
            case nil: break
            case .size(let received, let declared)?:
                throw BundleError(.archiveFailed, name, reason: "holds \(received) of \(declared) bytes (truncated)", hint: "Copy the bundle again; nothing was installed.")
            case .digest(let received)?:
                throw BundleError(.entryMismatch, name, reason: "has sha256 \(received.hex); bundle.json says \(file.sha256)", hint: "The bundle was altered; do not install it.")
            }
            try sink?.finish()
            count += 1
        }
        if let missing = manifest.files.first(where: { !seen.contains($0.path) }) {
            throw BundleError(.entryMissing, "\(path): entry \"\(missing.path)\"", reason: "is listed in bundle.json but not in the archive", hint: "The bundle is incomplete; copy it again.")
        }
        return count
    }
}

/// Where a verified entry's bytes go: a file written, flushed and closed.
public final class FileSink {
    let fd: Int32
    public let path: String

    public init(path: String) throws(BundleError) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        self.path = path
        guard fd >= 0 else { throw BundleError(.writeFailed, path, reason: "cannot be created: \(String(cString: strerror(errno)))", hint: "Check free space and permissions; nothing was installed.") }
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < chunk.count {
            guard let base = chunk.baseAddress else { return }  // an empty chunk: nothing to write
            let n = Foundation.write(fd, base + offset, chunk.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw BundleError(.writeFailed, path, reason: "write failed: \(String(cString: strerror(errno)))", hint: "Check free space.")
            }
            offset += n
        }
    }

    func finish() throws {
        guard fsync(fd) == 0 else { throw BundleError(.writeFailed, path, reason: "fsync failed: \(String(cString: strerror(errno)))", hint: "Check the disk; nothing was installed.") }
    }
}

extension BundleVerifier {
    /// Whether the file starts as gzip or zstd does: what `bundle build` writes.
    static func isCompressed(_ path: String) -> Bool { [.gzip, .zstd].contains(ArchiveKind.of(path)) }

    /// A bundle that was cut short or damaged on its way: nothing of it is trusted.
    static func damaged(_ subject: String, _ reason: String) -> BundleError {
        BundleError(.archiveFailed, subject, reason: "is damaged or truncated (\(reason))",
                    hint: "Copy it again from where it was built; compare its sha256 with the source's (sha256sum)")
    }
}
