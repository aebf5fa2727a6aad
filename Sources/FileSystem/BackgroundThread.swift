import Foundation

/// A thread that its owner joins (never detached): the build's workers (`TransportThread`)
/// and helpers that speed work up (write-behind, hashing), which do the work themselves when
/// the system refuses a thread.
public final class BackgroundThread: @unchecked Sendable {  // `joined` is guarded by `lock`
    /// Why the system would not start a thread (`pthread_create`'s error).
    public struct Refused: Error {
        public let reason: String
    }

    private let thread: pthread_t
    private var joined = false
    private let lock = NSLock()

    private init(_ thread: pthread_t) { self.thread = thread }

    /// Starts `body` on a new thread named `name` (at most 15 bytes, as `top -H` shows it).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(Refused) -> BackgroundThread {
        let box = Unmanaged.passRetained(Body(name: String(name.utf8.prefix(15)) ?? "bundle", body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, threadMain, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw Refused(reason: String(cString: strerror(status)))
        }
        return BackgroundThread(thread)
    }

    /// Waits until the thread has ended; once is enough.
    public func join() {
        lock.withLock {
            guard !joined else { return }
            joined = true
            pthread_join(thread, nil)
        }
    }

    deinit { join() }

    /// Where every such thread begins: takes its body (retained for it by `start`) and runs it.
    private static let threadMain: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { argument in
        guard let argument else { return nil }
        let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
        nameThisThread(body.name)
        body.run()
        return nil
    }

    /// The kernel's name of the calling thread (what pthread_setname_np does, which Swift's
    /// Glibc does not export). Only a label, so a failure is ignored.
    static func nameThisThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = name.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, _ run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }
}
