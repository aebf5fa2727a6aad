import FileSystem
import Foundation

/// A thread for work that uses libcurl, which its owner joins: never detached. A thread that
/// used TLS frees OpenSSL's per-thread state as it exits; if the process's exit handlers
/// (OpenSSL's cleanup) run meanwhile, both free the same memory and the heap is corrupted
/// ("malloc_consolidate(): invalid chunk size"). Joining every such thread before returning
/// from the command rules that out.
public final class TransportThread: Sendable {
    private let thread: BackgroundThread

    private init(_ thread: BackgroundThread) { self.thread = thread }

    /// Starts `body` on a new thread named `name` (at most 15 bytes, as `top -H` shows it), or
    /// says why the system would not start one.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(HTTPError) -> TransportThread {
        do {
            return TransportThread(try BackgroundThread.start(name: name, body))
        } catch {
            throw HTTPError(
                .transportSetupFailed, host: "bundle", reason: "could not start a worker thread: \(error.reason)",
                hint: "The system limits threads (ulimit -u, or a container's pids limit); lower --concurrency or raise the limit.")
        }
    }

    /// Waits until the thread has ended, its thread-local state released; once is enough.
    public func join() { thread.join() }
}
