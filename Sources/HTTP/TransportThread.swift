import Foundation

/// A thread for work that uses libcurl, which its owner joins: never detached. A thread that
/// used TLS frees OpenSSL's per-thread state as it exits; if the process's exit handlers
/// (OpenSSL's cleanup) run meanwhile, both free the same memory and the heap is corrupted
/// ("malloc_consolidate(): invalid chunk size"). Joining every such thread before returning
/// from the command rules that out.
public final class TransportThread: @unchecked Sendable {  // `joined` is guarded by `lock`
    private let thread: pthread_t
    private var joined = false
    private let lock = NSLock()

    private init(_ thread: pthread_t) { self.thread = thread }

    /// Starts `body` on a new thread named `name` (at most 15 bytes, as `top -H` shows it), or
    /// says why the system would not start one.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPError) -> TransportThread {
        let box = Unmanaged.passRetained(Body(name: String(name.utf8.prefix(15)) ?? "bundle", body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, threadMain, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw HTTPError(
                .transportSetupFailed, host: "bundle", reason: "could not start a worker thread: \(String(cString: strerror(status)))",
                hint: "The system limits threads (ulimit -u, or a container's pids limit); lower --concurrency or raise the limit.")
        }
        return TransportThread(thread)
    }

    /// Waits until the thread has ended, its thread-local state released; once is enough.
    public func join() {
        lock.withLock {
            guard !joined else { return }
            joined = true
            pthread_join(thread, nil)
        }
    }

    deinit { join() }

    /// What pthread_setname_np does (which Swift's Glibc does not export): the kernel's name
    /// of the calling thread. Only a label, so a failure is ignored.
    private static func nameThisThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = name.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// Where every such thread begins: takes its body (retained for it by `start`) and runs it.
    private static let threadMain: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { argument in
        guard let argument else { return nil }
        let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
        nameThisThread(body.name)
        body.run()
        return nil
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
