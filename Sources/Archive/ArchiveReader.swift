import CArchive
import Foundation

/// Reads a tar archive (gzip, zstd or uncompressed) entry by entry, streaming. Only tar is
/// accepted: an input in any other archive format is refused rather than guessed at.
///
/// Owns one libarchive handle; not `Sendable`.
public final class ArchiveReader {
    public struct Entry: Sendable {
        public enum Kind: Sendable, Equatable { case regular, directory, symlink, hardlink, other }
        public var path: String
        public var kind: Kind
        /// Size declared in the header.
        public var size: Int64
        public var mode: Int32
        /// Link target for symbolic and hard links.
        public var linkTarget: String?
    }

    private let handle: OpaquePointer
    public let path: String
    private var current: String?

    /// A copy of the bytes a reader over memory reads from, owned until deinit (libarchive keeps
    /// the pointer; a `Data`'s own bytes are not guaranteed to stay where they are).
    private let memory: UnsafeMutableRawBufferPointer?

    public convenience init(path: String) throws(ArchiveError) {
        try self.init(name: path, memory: nil)
    }

    /// Reads an archive held in memory (a subchart inside a chart); `name` is for messages.
    public convenience init(data: Data, name: String) throws(ArchiveError) {
        try self.init(name: name, memory: data)
    }

    private init(name path: String, memory: Data?) throws(ArchiveError) {
        bundle_archive_use_utf8_locale()
        guard let handle = archive_read_new() else { throw ArchiveError(.archiveUnreadable, archive: path, reason: "libarchive could not allocate a reader") }
        self.handle = handle
        self.path = path
        if let memory {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(memory.count, 1), alignment: 16)
            memory.copyBytes(to: copy)
            self.memory = copy
        } else {
            self.memory = nil
        }
        // ARCHIVE_WARN means the filter runs through an external program: still usable.
        for (name, status) in [("gzip", archive_read_support_filter_gzip(handle)), ("zstd", archive_read_support_filter_zstd(handle)),
                               ("tar", archive_read_support_format_tar(handle))] where status != ARCHIVE_OK && status != ARCHIVE_WARN {
            throw ArchiveError(.archiveUnreadable, archive: path, reason: "this libarchive cannot read \(name): \(ArchiveWriter.message(handle))")
        }
        // On failure deinit frees the handle (all stored properties are set by now).
        let opened: Int32
        if let memory = self.memory {
            opened = archive_read_open_memory(handle, memory.baseAddress, memory.count)
        } else {
            opened = archive_read_open_filename(handle, path, 1 << 16)
        }
        guard opened == ARCHIVE_OK else {
            throw ArchiveError(.archiveUnreadable, archive: path, reason: "not a readable tar archive: \(ArchiveWriter.message(handle))")
        }
    }

    deinit {
        archive_read_free(handle)
        memory?.deallocate()
    }

    /// The next entry's header, or nil at the end. Unread data of the previous entry is skipped.
    public func next() throws(ArchiveError) -> Entry? {
        var e: OpaquePointer?
        let status = archive_read_next_header(handle, &e)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let e else {
            throw ArchiveError(.archiveUnreadable, archive: path, entry: current, reason: "damaged or truncated after this entry: \(ArchiveWriter.message(handle))")
        }
        let name = archive_entry_pathname_utf8(e).map { String(cString: $0) } ?? archive_entry_pathname(e).map { String(cString: $0) } ?? ""
        current = name
        let type = archive_entry_filetype(e)
        var kind: Entry.Kind
        var target: String?
        if let hard = archive_entry_hardlink(e) {
            kind = .hardlink
            target = String(cString: hard)
        } else if type == bundle_ae_ifreg() {
            kind = .regular
        } else if type == bundle_ae_ifdir() {
            kind = .directory
        } else if type == bundle_ae_iflnk() {
            kind = .symlink
            target = archive_entry_symlink(e).map { String(cString: $0) }
        } else {
            kind = .other
        }
        return Entry(path: name, kind: kind, size: archive_entry_size(e), mode: Int32(archive_entry_perm(e)), linkTarget: target)
    }

    /// Streams the current entry's data to `body`, chunk by chunk; returns the bytes read.
    /// Stops with an error after `limit` bytes (an entry longer than declared).
    @discardableResult
    public func readData(limit: Int64 = .max, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
            if n == 0 { return total }
            guard n > 0 else {
                throw ArchiveError(.archiveUnreadable, archive: path, entry: current, reason: "damaged or truncated: \(ArchiveWriter.message(handle))")
            }
            total += Int64(n)
            if total > limit { throw ArchiveError(.archiveEntryTooLarge, archive: path, entry: current, reason: "holds more than the \(limit) bytes declared") }
            try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
        }
    }

    /// The current entry's data in memory, refusing more than `limit` bytes.
    public func readAll(limit: Int64) throws -> Data {
        var data = Data()
        try readData(limit: limit) { data.append(contentsOf: $0) }
        return data
    }
}
