import Content
import Dispatch
import Foundation
@testable import HTTP
import Testing

/// The one worker pool of builds and pushes: each worker makes its own worker state on its own
/// thread, never leaves anyone waiting (work it will not run hears that it was cancelled), and
/// grows for a stage with more parallel work.
struct WorkerPoolTests {
    static let cancelled = HTTPError(.cancelled, host: "", reason: "stopped", hint: "none")

    /// A pool whose workers each hold the name of the thread that made their state.
    static func pool(_ workers: Int, name: String) throws -> WorkerPool<String, HTTPError> {
        try WorkerPool(workers: workers, name: name, cancelled: cancelled) { () throws(HTTPError) -> String in
            CallingThread.name()
        }
    }

    @Test func workAfterShutdownIsCancelledNotLost() throws {
        let pool = try Self.pool(2, name: "pool-cancel")
        let doubled = pool.map([1, 2, 3]) { (item: Int, worker: Result<String, HTTPError>) -> Int in (try? worker.get()) == "pool-cancel" ? item * 2 : 0 }
        #expect(doubled == [2, 4, 6], "each worker's state was made on its own thread")
        // Each worker names itself as it starts; one may have done all the work before the
        // other got that far, so wait (bounded) for both names.
        #expect(Self.eventually { Self.threads(named: "pool-cancel") == 2 }, "\(Self.threads(named: "pool-cancel")) workers named")
        pool.shutdown()
        // Every worker thread is gone (joined), not merely idle: a thread still ending while the
        // process exits races OpenSSL's exit handlers and corrupts the heap.
        #expect(Self.threads(named: "pool-cancel") == 0)
        let cancelled = pool.map([1, 2]) { (item: Int, worker: Result<String, HTTPError>) -> Int in (try? worker.get()) == nil ? 0 : item }
        #expect(cancelled == [0, 0], "work after shutdown runs at once, told it was cancelled")
        let codes = pool.map([1]) { (_: Int, worker: Result<String, HTTPError>) -> String in
            if case .failure(let error) = worker { return error.errorCode } else { return "ran" }
        }
        #expect(codes == ["cancelled"], "cancellation says so: \(codes)")
    }

    @Test func aWorkerThatCannotMakeItsStateTellsItsWorkWhy() throws {
        let refusal = HTTPError(.transportSetupFailed, host: "bundle", reason: "no transport", hint: "none")
        let pool = try WorkerPool<String, HTTPError>(workers: 1, name: "pool-refused", cancelled: Self.cancelled) { () throws(HTTPError) -> String in
            throw refusal
        }
        defer { pool.shutdown() }
        let reasons = pool.map([1, 2]) { (_: Int, worker: Result<String, HTTPError>) -> String in
            if case .failure(let error) = worker { return error.reason } else { return "ran" }
        }
        #expect(reasons == ["no transport", "no transport"])
    }

    @Test func growAddsWorkersAndNeverShrinks() throws {
        let pool = try Self.pool(1, name: "pool-grow")
        defer { pool.shutdown() }
        pool.grow(to: 3)
        pool.grow(to: 2)
        // Three pieces of work that each wait for all three to have started: only three
        // workers at once can finish them.
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for _ in 0..<3 {
            done.enter()
            pool.submit { _ in
                started.signal()
                release.wait()
                done.leave()
            }
        }
        var running = 0
        for _ in 0..<3 where started.wait(timeout: .now() + 10) == .success { running += 1 }
        for _ in 0..<3 { release.signal() }
        #expect(running == 3, "\(running) pieces of work ran at once")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(Self.threads(named: "pool-grow") == 3)
    }

    /// Whether `condition` holds within 10 s (polled every 10 ms).
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Threads of this process with that name, as the kernel lists them.
    static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) == name
        }.count
    }
}

/// The name the kernel gives the calling thread.
enum CallingThread {
    static func name() -> String {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? ""
    }
}
