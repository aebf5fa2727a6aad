import Foundation
import Synchronization

/// The one work queue of a build or a push: `workers` threads, each owning the `Worker` it
/// made (its transport and clients: libcurl handles are never shared), taking work in the
/// order it was submitted. A build resolves and fetches on one pool, so connections, TLS
/// sessions and registry tokens made while resolving are reused by the fetches. Idle workers
/// wait on a condition; nothing polls.
public final class WorkerPool<Worker, Failure: Error>: @unchecked Sendable {  // every mutable field is guarded by `condition`
    /// One piece of work; it gets the worker's own `Worker`, or why the worker has none.
    public typealias Work = @Sendable (Result<Worker, Failure>) -> Void
    /// Makes one worker's `Worker`, on that worker's thread.
    public typealias MakeWorker = @Sendable () throws(Failure) -> Worker

    private let condition = NSCondition()
    private var queue: [Work] = []
    private var head = 0
    private var stopping = false
    /// Joined by `shutdown`, so that no worker outlives the build (see `TransportThread`).
    private var threads: [TransportThread] = []

    private let name: String
    private let makeWorker: MakeWorker
    /// What work that will not run is told (submitted after `shutdown`, or dropped by it).
    private let cancelled: Failure

    /// Starts the workers (threads named `name`); fewer when the system refuses threads, an
    /// error when it refuses all.
    public init(workers: Int, name: String, cancelled: Failure, makeWorker: @escaping MakeWorker) throws(HTTPError) {
        self.name = name
        self.makeWorker = makeWorker
        self.cancelled = cancelled
        if let refusal = start(max(1, workers)), threads.isEmpty { throw refusal }
    }

    /// Adds workers until there are `workers` (a stage with more parallel work than the one
    /// before it: one chart may run twenty images); fewer when the system refuses threads.
    public func grow(to workers: Int) {
        let count = condition.withLock { stopping ? workers : threads.count }
        if workers > count { _ = start(workers - count) }
    }

    /// Starts `count` more workers; returns why the system refused one, if it did. Each is
    /// started and recorded under the lock, and none once the pool stops, so that `shutdown`
    /// joins every worker there is.
    private func start(_ count: Int) -> HTTPError? {
        for _ in 0..<count {
            let refusal: HTTPError? = condition.withLock {
                guard !stopping else { return nil }
                do throws(HTTPError) {
                    threads.append(try TransportThread.start(name: name) { [self] in serve() })
                    return nil
                } catch {
                    return error
                }
            }
            if let refusal { return refusal }
        }
        return nil
    }

    /// One worker's life: its `Worker`, then work until the pool stops. The worker lives in
    /// this function's scope only, so it is released (its transport cleaned up) when it returns.
    private func serve() {
        let worker: Result<Worker, Failure>
        do throws(Failure) { worker = .success(try makeWorker()) } catch { worker = .failure(error) }
        while let work = next() { work(worker) }
    }

    /// Work submitted after `shutdown` (or dropped by it) runs at once, told it was cancelled,
    /// so that nobody waits for it.
    public func submit(_ work: @escaping Work) {
        let accepted = condition.withLock {
            guard !stopping else { return false }
            queue.append(work)
            condition.signal()
            return true
        }
        if !accepted { work(.failure(cancelled)) }
    }

    /// The next piece of work, waiting for one; nil once the pool stops.
    private func next() -> Work? {
        condition.withLock {
            while head == queue.count, !stopping { condition.wait() }
            guard !stopping, head < queue.count else { return nil }
            defer { head += 1 }
            return queue[head]
        }
    }

    /// Drops work not yet started and waits until every worker has ended: its transport
    /// cleaned up and its thread gone, never racing the process's exit.
    public func shutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        for thread in condition.withLock({ threads }) { thread.join() }
        let dropped: [Work] = condition.withLock {
            defer { queue = []; head = 0 }
            return Array(queue[head...])
        }
        for work in dropped { work(.failure(cancelled)) }
    }

    /// Runs `body` for each of `items` on the workers and returns the results in order.
    public func map<Item: Sendable, Outcome: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item, Result<Worker, Failure>) -> Outcome) -> [Outcome] {
        let results = Results<Outcome>(count: items.count)
        let group = DispatchGroup()
        for (index, item) in items.enumerated() {
            group.enter()
            submit { worker in
                results.set(index, body(item, worker))
                group.leave()
            }
        }
        group.wait()
        return results.all
    }
}

/// Results filled in by workers, by index.
private final class Results<Outcome: Sendable>: Sendable {
    private let values: Mutex<[Outcome?]>

    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Outcome) { values.withLock { $0[index] = value } }

    var all: [Outcome] { values.withLock { $0.compactMap { $0 } } }
}
