import Foundation
import HTTP
import Synchronization

/// The build's one work queue: `workers` threads, each owning one transport and its clients
/// (libcurl handles are never shared), taking work in the order it was submitted. Resolution
/// and fetching both run on it, so connections, TLS sessions and registry tokens made while
/// resolving are reused by the fetches. Idle workers wait on a condition; nothing polls.
final class WorkerPool: @unchecked Sendable {  // every mutable field is guarded by `condition`
    /// One piece of work; it gets the worker's clients, or why the worker has none.
    typealias Work = @Sendable (Result<ClientPool, HTTPError>) -> Void

    private let condition = NSCondition()
    private var queue: [Work] = []
    private var head = 0
    private var stopping = false
    /// Joined by `shutdown`, so that no worker outlives the build (see `TransportThread`).
    private var threads: [TransportThread] = []

    private let name: String
    private let makeTransport: TransportFactory

    /// Starts the workers (threads named `name`); fewer when the system refuses threads, an
    /// error when it refuses all.
    init(workers: Int, name: String = "bundle-worker", makeTransport: @escaping TransportFactory) throws(HTTPError) {
        self.name = name
        self.makeTransport = makeTransport
        if let refusal = start(max(1, workers)), threads.isEmpty { throw refusal }
    }

    /// Adds workers until there are `workers` (a stage with more parallel work than the one
    /// before it: one chart may run twenty images); fewer when the system refuses threads.
    func grow(to workers: Int) {
        let count = condition.withLock { stopping ? workers : threads.count }
        if workers > count { _ = start(workers - count) }
    }

    /// Starts `count` more workers; returns why the system refused one, if it did.
    private func start(_ count: Int) -> HTTPError? {
        for _ in 0..<count {
            do throws(HTTPError) {
                let thread = try TransportThread.start(name: name) { [self, makeTransport] in serve(makeTransport) }
                condition.withLock { threads.append(thread) }
            } catch {
                return error
            }
        }
        return nil
    }

    /// One worker's life: its transport and clients, then work until the pool stops. The
    /// clients live in this function's scope only, so they are released when it returns.
    private func serve(_ makeTransport: TransportFactory) {
        let clients: Result<ClientPool, HTTPError>
        do throws(HTTPError) { clients = .success(ClientPool(transport: try makeTransport())) } catch { clients = .failure(error) }
        while let work = next() { work(clients) }
    }

    /// Work submitted after `shutdown` (or dropped by it) runs at once, told it was cancelled,
    /// so that nobody waits for it.
    func submit(_ work: @escaping Work) {
        let accepted = condition.withLock {
            guard !stopping else { return false }
            queue.append(work)
            condition.signal()
            return true
        }
        if !accepted { work(.failure(Self.cancelled)) }
    }

    static let cancelled = HTTPError(.cancelled, host: "", reason: "the build stopped before this transfer began",
                                     hint: "Another problem ended the build; see the errors before this one.")

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
    func shutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        for thread in condition.withLock({ threads }) { thread.join() }
        let dropped: [Work] = condition.withLock {
            defer { queue = []; head = 0 }
            return Array(queue[head...])
        }
        for work in dropped { work(.failure(Self.cancelled)) }
    }

    /// Runs `body` for each of `items` on the workers and returns the results in order.
    func map<Item: Sendable, Outcome: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item, Result<ClientPool, HTTPError>) -> Outcome) -> [Outcome] {
        let results = Results<Outcome>(count: items.count)
        let group = DispatchGroup()
        for (index, item) in items.enumerated() {
            group.enter()
            submit { clients in
                results.set(index, body(item, clients))
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
