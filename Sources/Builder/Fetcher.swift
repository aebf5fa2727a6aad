import Archive
import FileSystem
import Foundation
import HTTP
import OCI

/// Fetch: blobs into the cache through their artifact's source, on the build's worker pool in
/// the order given, while the archive writer follows: it copies each blob into the bundle as
/// it arrives, reading the cache's temporary file as it grows, so that even the largest
/// chart's second copy overlaps its transfer. Waiting is on a condition that every progress
/// report signals: nothing polls.
final class Fetcher: @unchecked Sendable {  // every mutable field is guarded by `condition`
    private struct Task {
        var partial: String?
        var attempt = 0
        var bytes: Int64 = 0
        /// Every byte arrived and matched the digest; the cache is still flushing and naming it.
        var verified = false
        var done = false
        var problem: BuildError.Problem?
    }

    private let tasks: [Builder.FetchTask]
    private let condition = NSCondition()
    private var states: [Task]

    /// Queues every task on `pool`: large blobs first, largest first, then the rest in order.
    init(tasks: [Builder.FetchTask], cache: BlobCache, pool: BuildPool) {
        self.tasks = tasks
        self.states = tasks.map { _ in Task() }
        for index in Self.order(tasks.map(\.descriptor.size)) {
            pool.submit { [self] clients in fetch(index, cache: cache, clients: clients) }
        }
    }

    /// Blobs of at least this size start first: the largest one's single stream is the
    /// longest part of a build, and the small ones fit in beside it on the other workers.
    static let large: Int64 = 32 << 20

    /// The order to fetch blobs of these sizes in (indices): large ones first, largest first,
    /// then the others as given (the archive's order, in which the writer needs them).
    static func order(_ sizes: [Int64]) -> [Int] {
        let large = sizes.indices.filter { sizes[$0] >= Self.large }.sorted { sizes[$0] > sizes[$1] }
        return large + sizes.indices.filter { sizes[$0] < Self.large }
    }

    /// One task, on a worker with its clients: the blob from its source into the cache.
    private func fetch(_ index: Int, cache: BlobCache, clients: Result<ClientPool, HTTPError>) {
        let task = tasks[index]
        var problem: BuildError.Problem?
        do {
            let clients = try clients.get()
            _ = try cache.ensure(task.descriptor, origin: task.origin, progress: { [self] path, progress in
                update(index) { state in
                    state.partial = path
                    state.attempt = progress.attempt
                    state.bytes = progress.bytes
                }
            }, verified: { [self] in update(index) { $0.verified = true } }, download: { path, progress in
                try task.download(clients, path, progress)
            })
        } catch {
            problem = BuildError.Problem(wrapping: error, subject: task.subject)
        }
        update(index) { state in
            state.done = true
            state.problem = problem
        }
    }

    private func update(_ index: Int, _ change: (inout Task) -> Void) {
        condition.withLock {
            change(&states[index])
            condition.broadcast()
        }
    }

    /// Waits until `ready` holds for task `index`'s state, and returns that state.
    private func wait(_ index: Int, until ready: (Task) -> Bool) -> Task {
        condition.withLock {
            while !ready(states[index]) { condition.wait() }
            return states[index]
        }
    }

    /// What copying a blob into the archive came to.
    enum StreamResult {
        /// Every byte copied, all from the one transfer attempt whose digest the transport verified;
        /// `file` is a path that reads those bytes now (the download may not be named in the cache yet).
        case copied(file: ReadableBlob)
        /// The transfer failed.
        case problem(BuildError.Problem)
        /// The transfer was retried after bytes had been copied: the archive must be written again.
        case retried
    }

    /// Copies task `index`'s blob into `writer` as entry `entry`, following the download as it
    /// arrives (`copied` hears the bytes copied so far). The transport verifies the digest of what it writes; the bytes copied here are
    /// those same bytes as long as they all come from one transfer attempt, which is checked.
    func stream(_ index: Int, into writer: ArchiveWriter, as entry: String, cachePath: String,
                copied: ((Int64) -> Void)? = nil) throws -> StreamResult {
        let descriptor = tasks[index].descriptor
        var follower = BlobFollower(cachePath: cachePath, size: descriptor.size)
        defer { follower.close() }
        var attempt: Int?
        try writer.begin(entry, size: descriptor.size)
        while true {
            let now = wait(index) { state in
                state.done || state.verified || state.problem != nil || (attempt != nil && state.attempt != attempt)
                    || (state.partial != nil && state.bytes > follower.offset)
            }
            if let problem = now.problem { return .problem(problem) }
            if let attempt, now.attempt != attempt { return .retried }
            if !now.done, attempt == nil { attempt = now.attempt }
            // Once verified, the bundle need not wait for the cache's fsync: the bytes are final.
            let complete = now.done || now.verified
            if let failure = try follower.copy(upTo: complete ? descriptor.size : now.bytes, from: now.done ? nil : now.partial, into: writer) {
                // A download that failed verification removes its file: its own error says more.
                if let problem = waitUntilDone(index) { return .problem(problem) }
                return .problem(BuildError.Problem(code: .cacheUnreadable, subject: entry, message: failure))
            }
            copied?(follower.offset)
            if complete { break }
        }
        if let attempt, wait(index, until: { _ in true }).attempt != attempt { return .retried }
        guard follower.offset == descriptor.size else {
            return .problem(BuildError.Problem(code: .cacheUnreadable, subject: entry,
                                               message: "only \(follower.offset) of \(descriptor.size) bytes of \(descriptor.digest) could be read back from \(cachePath)",
                                               hint: "Check the cache folder's disk, then build again."))
        }
        return .copied(file: ReadableBlob(descriptor: follower.duplicate(), fallback: cachePath))
    }

    /// Waits until task `index` is finished (without copying it anywhere); returns its problem.
    func waitUntilDone(_ index: Int) -> BuildError.Problem? {
        wait(index) { $0.done }.problem
    }

    /// Whether finished task `index` downloaded its blob and verified every byte (not found in
    /// the cache when it ran: another build sharing the cache may have stored it first).
    func downloaded(_ index: Int) -> Bool {
        wait(index) { $0.done }.verified
    }
}

/// Reads a blob's bytes while it is being written: first from the download's temporary file,
/// then, once it is complete, from the cache.
struct BlobFollower {
    let cachePath: String
    let size: Int64
    private(set) var offset: Int64 = 0
    /// Up to where the page cache was told the bytes are no longer needed.
    private var released: Int64 = 0
    private var fd: Int32 = -1
    private var openedCache = false
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    init(cachePath: String, size: Int64) {
        self.cachePath = cachePath
        self.size = size
    }

    /// Copies bytes up to `available` into `writer`; `partial` is the file being written, nil
    /// once the blob is in the cache. Returns a problem when the bytes cannot be read back.
    mutating func copy(upTo available: Int64, from partial: String?, into writer: ArchiveWriter) throws -> String? {
        guard offset < available else { return nil }
        if fd < 0 || (partial == nil && !openedCache && offset < available) {
            if fd >= 0 { Glibc.close(fd) }
            var path = partial ?? cachePath
            fd = open(path, O_RDONLY | O_CLOEXEC)
            openedCache = partial == nil
            if fd < 0, partial != nil, errno == ENOENT {
                // Completed and renamed into the cache since the state was read: the same bytes.
                path = cachePath
                fd = open(path, O_RDONLY | O_CLOEXEC)
                openedCache = true
            }
            guard fd >= 0 else {
                return "\(path) cannot be read after its download (\(String(cString: strerror(errno)))); check that nothing else cleans the cache folder, then build again"
            }
        }
        while offset < available {
            let n = pread(fd, buffer.baseAddress, min(buffer.count, Int(available - offset)), off_t(offset))
            if n < 0, errno == EINTR { continue }
            if n < 0 { return "reading \(cachePath) back failed: \(String(cString: strerror(errno))); check the cache folder's disk, then build again" }
            guard n > 0 else { break }
            try writer.write(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            offset += Int64(n)
            releaseCopied()
        }
        return nil
    }

    /// Every `WriteBehind.defaultStep` bytes: what is copied leaves the page cache once flushed (the
    /// download's write-behind flushes it), so the download's next pages reuse that memory
    /// (see `WriteBehind`). Pages not yet flushed stay; the blob stays complete on disk.
    private mutating func releaseCopied() {
        guard offset - released >= WriteBehind.defaultStep else { return }
        released = offset - WriteBehind.defaultStep
        _ = posix_fadvise(fd, 0, off_t(released), POSIX_FADV_DONTNEED)
    }

    /// A second descriptor onto the bytes read, which stays valid when the file is renamed.
    func duplicate() -> Int32 { fd >= 0 ? dup(fd) : -1 }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        buffer.deallocate()
    }
}

/// A blob just copied into the bundle, readable by path while the cache may still be flushing
/// and naming it: through the descriptor the copy read (`/proc/self/fd/N`), else the cache.
final class ReadableBlob {
    let descriptor: Int32
    let fallback: String

    init(descriptor: Int32, fallback: String) {
        self.descriptor = descriptor
        self.fallback = fallback
    }

    var path: String { descriptor >= 0 ? "/proc/self/fd/\(descriptor)" : fallback }

    deinit { if descriptor >= 0 { close(descriptor) } }
}
