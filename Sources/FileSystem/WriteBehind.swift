import Foundation

/// Write-behind for a large file that is written front to back and flushed (`fsync`) at its
/// end: every `step` bytes, a thread of its own flushes what is written so far, while the
/// writer goes on. On a virtual disk with a write cache, a flush costs about as long as the
/// data not yet flushed takes to reach the host's disk (0.5 s for 500 MB here), and nothing
/// else starts that: flushing as the data arrives leaves the final flush almost nothing to do.
/// Only the timing changes: the writer's own final flush is still what makes the file durable.
/// A flush that fails is reported by `finish()`: the kernel tells a write-back error to one
/// flush only, so the writer's own final flush might not see it again.
///
/// With `dropsFlushed`, for a file nobody reads back soon (the bundle a build writes), the
/// flushed part also leaves the page cache, so the next pages written reuse that memory. On
/// a virtual machine that hands freed memory back to its host, touching memory anew costs
/// several times the copy itself (0.7 s against 0.17 s per 500 MB here).
///
/// The writer calls `wrote(_:)` and, before its final flush, `finish()` (deinit does too).
/// Not for use by several writers at once.
public final class WriteBehind {
    /// How much is written between two flushes, by default.
    public static let defaultStep: Int64 = 32 << 20

    private let step: Int64
    private let flusher: Flusher
    private var thread: BackgroundThread?
    /// The writer's counts: in all, and since the last request.
    private var written: Int64 = 0
    private var pending: Int64 = 0

    /// Follows the file open as `descriptor`, written from its start, flushing every `step`
    /// bytes; nil when the descriptor cannot be duplicated.
    public init?(descriptor: Int32, step: Int64 = WriteBehind.defaultStep, dropsFlushed: Bool = false) {
        self.step = step
        // A descriptor of its own, so the writer may close its one at any time.
        let own = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard own >= 0 else { return nil }
        flusher = Flusher(descriptor: own, dropsFlushed: dropsFlushed)
    }

    deinit {
        finish()
        close(flusher.descriptor)
    }

    /// Counts `count` more bytes written; every `step` of them, asks for a flush.
    public func wrote(_ count: Int) {
        written += Int64(count)
        pending += Int64(count)
        guard pending >= step else { return }
        pending = 0
        guard flusher.request(upTo: written) else { return }
        if thread == nil { thread = try? BackgroundThread.start(name: "bundle-flush") { [flusher] in flusher.run() } }
    }

    /// How many flushes the thread has made so far.
    public var flushes: Int { flusher.flushes }

    /// Waits for a flush under way and ends the thread; call before the final flush. Returns
    /// why a flush failed (`strerror`), if one did: the file's data may not be on disk.
    @discardableResult
    public func finish() -> String? {
        flusher.stop()
        thread?.join()
        thread = nil
        return flusher.failure
    }

    /// What the thread shares with the writer.
    private final class Flusher: @unchecked Sendable {  // `requested`, `upTo` and `stopping` are guarded by `condition`
        let descriptor: Int32
        let dropsFlushed: Bool
        private let condition = NSCondition()
        private var requested = false
        /// How much of the file was written when the newest flush was asked for.
        private var upTo: Int64 = 0
        private var stopping = false
        private var made = 0
        private var failed: String?

        var flushes: Int { condition.withLock { made } }
        var failure: String? { condition.withLock { failed } }

        init(descriptor: Int32, dropsFlushed: Bool) {
            self.descriptor = descriptor
            self.dropsFlushed = dropsFlushed
        }

        /// False once stopped.
        func request(upTo end: Int64) -> Bool {
            condition.withLock {
                guard !stopping else { return false }
                requested = true
                upTo = end
                condition.signal()
                return true
            }
        }

        func stop() {
            condition.withLock {
                stopping = true
                condition.signal()
            }
        }

        /// The thread's life: one flush per request (requests made during a flush fold into one).
        func run() {
            while true {
                let end: Int64? = condition.withLock {
                    while !requested, !stopping { condition.wait() }
                    defer { requested = false }
                    return stopping ? nil : upTo
                }
                guard let end else { return }
                // The kernel reports a write-back error to one flush only: keep it for `finish()`.
                let flushed = fdatasync(descriptor) == 0
                let reason = flushed ? nil : String(cString: strerror(errno))
                condition.withLock {
                    made += 1
                    if failed == nil { failed = reason }
                }
                // Pages whose write-back failed may be clean but not on disk: keep them all.
                guard flushed, dropsFlushed, failure == nil else { continue }
                // Clean pages only leave (dirty ones stay); the last megabytes are kept, as a
                // writer's buffer may not have reached the file yet and a page it would
                // complete should not need reading back.
                let keep: Int64 = 4 << 20
                if end > keep { _ = posix_fadvise(descriptor, 0, off_t(end - keep), POSIX_FADV_DONTNEED) }
            }
        }
    }
}
