import Content
import Foundation
import HTTP
import OCI
import Synchronization

/// Which repository of the mirror holds a blob already (so others mount it), shared by workers.
final class Holders: Sendable {
    private let map = Mutex<[Content.Digest: String]>([:])
    func holder(of digest: Content.Digest) -> String? { map.withLock { $0[digest] } }
    func record(_ digest: Content.Digest, in repository: String) { map.withLock { $0[digest] = $0[digest] ?? repository } }
}

/// Pushes items on `workers` threads, each with its own client (libcurl handles are never
/// shared); results come back in the items' order; the first failure stops what has not begun
/// and is thrown.
struct PushRun: @unchecked Sendable {  // items and the factory are only read
    let items: [PushItem]
    let workers: Int
    let makeClient: () throws -> RegistryClient

    init(items: [PushItem], workers: Int, makeClient: @escaping () throws -> RegistryClient) {
        self.items = items
        self.workers = max(1, min(workers, max(items.count, 1)))
        self.makeClient = makeClient
    }

    func run<Result>(_ body: @escaping (PushItem, RegistryClient, Holders) throws -> Result) throws -> [Result] {
        let runner = Runner(items: items, makeClient: makeClient, body: body)
        // Joined, not detached: no worker outlives the push (see `TransportThread`).
        var threads: [TransportThread] = []
        var refusal: (any Error)?
        for _ in 0..<workers {
            do {
                threads.append(try TransportThread.start(name: "bundle-push") { runner.work() })
            } catch {
                refusal = error
                break
            }
        }
        for thread in threads { thread.join() }
        if threads.isEmpty, let refusal { throw refusal }
        return try runner.finish()
    }
}

/// The state the workers share, every mutable field guarded by `lock`.
private final class Runner<Result>: @unchecked Sendable {
    let items: [PushItem]
    let makeClient: () throws -> RegistryClient
    let body: (PushItem, RegistryClient, Holders) throws -> Result
    let holders = Holders()
    private let lock = NSLock()
    private var next = 0
    private var results: [Int: Result] = [:]
    private var failure: (any Error)?

    init(items: [PushItem], makeClient: @escaping () throws -> RegistryClient, body: @escaping (PushItem, RegistryClient, Holders) throws -> Result) {
        self.items = items
        self.makeClient = makeClient
        self.body = body
    }

    /// One worker: its own client, then items until none is left or one failed.
    func work() {
        do {
            let client = try makeClient()
            while let index = take() {
                let result = try body(items[index], client, holders)
                lock.withLock { results[index] = result }
            }
        } catch {
            lock.withLock { if failure == nil { failure = error } }
        }
    }

    private func take() -> Int? {
        lock.withLock {
            guard failure == nil, next < items.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func finish() throws -> [Result] {
        try lock.withLock {
            if let failure { throw failure }
            return items.indices.compactMap { results[$0] }
        }
    }
}

/// How far a push is, for its progress bar: every distinct blob's bytes count once, when sent
/// or when the mirror turns out to have it (a retried upload may count some bytes twice; the
/// display is capped at the total).
final class PushTally: Sendable {
    let total: Int64
    let report: (@Sendable (Int64, Int64) -> Void)?
    private let state = Mutex<(done: Int64, settled: Set<Content.Digest>)>((0, []))

    init(items: [PushItem], report: (@Sendable (Int64, Int64) -> Void)?) {
        var seen = Set<Content.Digest>()
        var total: Int64 = 0
        for item in items {
            for blob in item.blobs where seen.insert(blob.descriptor.digest).inserted {
                total += blob.descriptor.size
            }
        }
        self.total = total
        self.report = report
    }

    var reporting: Bool { report != nil }

    func add(_ bytes: Int64) {
        guard let report else { return }
        let done = state.withLock { state in
            state.done += bytes
            return state.done
        }
        report(min(done, total), total)
    }

    /// A blob is done: what was not counted as it went up (found, mounted) counts now.
    func settled(_ descriptor: Descriptor, sent: RegistryClient.BlobPush) {
        guard let report else { return }
        let done: Int64 = state.withLock { state in
            guard state.settled.insert(descriptor.digest).inserted else { return state.done }
            if case .uploaded = sent { return state.done }
            state.done += descriptor.size
            return state.done
        }
        report(min(done, total), total)
    }
}
