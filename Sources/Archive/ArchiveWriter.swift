import CArchive
import FileSystem
import Foundation

/// Writes a reproducible tar archive (gzip or zstd): entries in the order given, regular
/// files only, fixed mode, uid/gid 0, no owner names, one mtime, no timestamp or name in the
/// gzip header. The same entries give the same bytes.
///
/// Owns one libarchive handle; not `Sendable`.
public final class ArchiveWriter {
    public enum Compression: String, Sendable, CaseIterable {
        case gzip, zstd
    }

    private let handle: OpaquePointer
    private let path: String
    private let mtime: Int64
    private var closed = false
    /// The archive file (libarchive writes to it but does not close it).
    private var descriptor: Int32 = -1
    /// The archive goes to disk while it is written (`ArchiveWriter` users flush it at the end).
    private var writeBehind: WriteBehind?

    /// Opens `path` for writing (created or truncated).
    /// `compression`: nil for a plain tar (what containerd imports). `level`: the compressor's
    /// level (gzip 0-9, zstd 1-19); nil for the library's default.
    /// `dropsFlushed`: the archive leaves memory once flushed, for one nobody reads back soon
    /// (see `WriteBehind`).
    public init(path: String, compression: Compression?, mtime: Int64, level: Int? = nil, dropsFlushed: Bool = false) throws(ArchiveError) {
        bundle_archive_use_utf8_locale()
        guard let handle = archive_write_new() else { throw ArchiveError(.archiveWriteFailed, archive: path, reason: "libarchive could not allocate a writer") }
        self.handle = handle
        self.path = path
        self.mtime = mtime
        var status = archive_write_set_format_pax_restricted(handle)
        switch compression {
        case .gzip:
            if status == ARCHIVE_OK { status = archive_write_add_filter_gzip(handle) }
            if status == ARCHIVE_OK { status = archive_write_set_options(handle, "gzip:!timestamp") }
            if status == ARCHIVE_OK, let level { status = archive_write_set_filter_option(handle, "gzip", "compression-level", "\(level)") }
        case .zstd:
            if status == ARCHIVE_OK { status = archive_write_add_filter_zstd(handle) }
            if status == ARCHIVE_OK, let level { status = archive_write_set_filter_option(handle, "zstd", "compression-level", "\(level)") }
        case nil:
            break
        }
        // Write in 1 MiB chunks (not tar's 10 KiB records: 100x fewer syscalls), without
        // padding the last one, so the output is the same bytes, just written faster.
        if status == ARCHIVE_OK { status = archive_write_set_bytes_per_block(handle, 1 << 20) }
        if status == ARCHIVE_OK { status = archive_write_set_bytes_in_last_block(handle, 1) }
        // On failure deinit frees the handle (all stored properties are set by now).
        guard status == ARCHIVE_OK else {
            closed = true
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "cannot set up the writer: \(Self.message(handle))")
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            closed = true
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        writeBehind = WriteBehind(descriptor: descriptor, dropsFlushed: dropsFlushed)
        guard archive_write_open_fd(handle, descriptor) == ARCHIVE_OK else {
            closed = true
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "cannot open for writing: \(Self.message(handle))")
        }
    }

    deinit {
        if !closed { archive_write_close(handle) }
        archive_write_free(handle)
        if descriptor >= 0 { Foundation.close(descriptor) }
    }

    /// Adds a regular file whose content is `data`.
    public func add(_ entry: String, data: Data, mode: Int32 = 0o644) throws(ArchiveError) {
        try header(entry, size: Int64(data.count), mode: mode)
        let written = data.withUnsafeBytes { raw in archive_write_data(handle, raw.baseAddress, raw.count) }
        guard written == data.count else { throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "write failed: \(Self.message(handle))") }
    }

    /// Adds a regular file streamed from `file` on disk (whose size must not change meanwhile);
    /// `observe` sees every chunk, so a caller can hash what it archives without a second read.
    public func add(_ entry: String, contentsOf file: String, mode: Int32 = 0o644, observe: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(ArchiveError) {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "cannot read \(file): \(String(cString: strerror(errno)))") }
        defer { Foundation.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "cannot stat \(file)") }
        try header(entry, size: Int64(info.st_size), mode: mode)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var remaining = Int64(info.st_size)
        while remaining > 0 {
            let n = read(fd, buffer.baseAddress, min(buffer.count, Int(remaining)))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "\(file) ended early or could not be read") }
            observe?(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            guard archive_write_data(handle, buffer.baseAddress, n) == n else {
                throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "write failed: \(Self.message(handle))")
            }
            writeBehind?.wrote(n)
            remaining -= Int64(n)
        }
    }

    /// Starts a regular file of `size` bytes whose data follows through `write(_:)`, for data
    /// that arrives while the archive is written.
    public func begin(_ entry: String, size: Int64, mode: Int32 = 0o644) throws(ArchiveError) {
        try header(entry, size: size, mode: mode)
        current = entry
    }

    /// Appends data to the entry started with `begin`.
    public func write(_ chunk: UnsafeRawBufferPointer) throws(ArchiveError) {
        guard archive_write_data(handle, chunk.baseAddress, chunk.count) == chunk.count else {
            throw ArchiveError(.archiveWriteFailed, archive: path, entry: current, reason: "write failed: \(Self.message(handle))")
        }
        writeBehind?.wrote(chunk.count)
    }

    private var current: String?

    private func header(_ entry: String, size: Int64, mode: Int32) throws(ArchiveError) {
        guard let e = archive_entry_new() else { throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "out of memory") }
        defer { archive_entry_free(e) }
        archive_entry_set_pathname_utf8(e, entry)
        archive_entry_set_size(e, size)
        archive_entry_set_filetype(e, bundle_ae_ifreg())
        archive_entry_set_perm(e, mode_t(mode))
        archive_entry_set_mtime(e, time_t(mtime), 0)
        archive_entry_set_uid(e, 0)
        archive_entry_set_gid(e, 0)
        guard archive_write_header(handle, e) == ARCHIVE_OK else {
            throw ArchiveError(.archiveWriteFailed, archive: path, entry: entry, reason: "cannot write header: \(Self.message(handle))")
        }
    }

    /// Finishes the archive (padding, compression trailer) and closes the file.
    public func close() throws(ArchiveError) {
        closed = true
        let status = archive_write_close(handle)
        let flushFailure = writeBehind?.finish()
        let closedFile = Foundation.close(descriptor) == 0
        descriptor = -1
        guard status == ARCHIVE_OK else {
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "cannot finish writing: \(Self.message(handle))")
        }
        guard closedFile else {
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "cannot finish writing: \(String(cString: strerror(errno)))")
        }
        if let flushFailure {
            throw ArchiveError(.archiveWriteFailed, archive: path, reason: "flushing to disk failed: \(flushFailure)")
        }
    }

    static func message(_ handle: OpaquePointer) -> String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
