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

/// Pushes items on the workers of a `WorkerPool`, each with its own client (libcurl handles
/// are never shared); results come back in the items' order; the first failure stops what has
/// not begun and is thrown.
struct PushRun {
    let items: [PushItem]
    let workers: Int
    let makeClient: @Sendable () throws -> RegistryClient

    init(items: [PushItem], workers: Int, makeClient: @escaping @Sendable () throws -> RegistryClient) {
        self.items = items
        self.workers = max(1, min(workers, max(items.count, 1)))
        self.makeClient = makeClient
    }

    /// Said to items that were not begun because another failed first.
    static let stopped = HTTPError(.cancelled, host: "", reason: "the push stopped before this item began",
                                   hint: "Another problem ended the push; see the error before this one.")

    func run<Outcome: Sendable>(_ body: @escaping (PushItem, RegistryClient, Holders) throws -> Outcome) throws -> [Outcome] {
        // Joined by `shutdown`, not detached: no worker outlives the push (see `TransportThread`).
        let pool = try WorkerPool<RegistryClient, any Error>(workers: workers, name: "bundle-push", cancelled: Self.stopped, makeWorker: makeClient)
        defer { pool.shutdown() }
        let step = PushStep(items: items, body: body)
        let outcomes = pool.map(Array(items.indices)) { index, client in step.run(index, client) }
        if let failure = step.failure { throw failure }
        return outcomes.compactMap { $0 }
    }
}

/// One item's push on a worker, and the first failure, which stops the items not yet begun.
/// `body` runs on several workers at once, as the push's steps always have: it shares only
/// `Holders` and the tally, both locked.
private final class PushStep<Outcome: Sendable>: @unchecked Sendable {  // `first` is a mutex; items and body are only read
    let items: [PushItem]
    let body: (PushItem, RegistryClient, Holders) throws -> Outcome
    let holders = Holders()
    private let first = Mutex<(any Error)?>(nil)

    init(items: [PushItem], body: @escaping (PushItem, RegistryClient, Holders) throws -> Outcome) {
        self.items = items
        self.body = body
    }

    var failure: (any Error)? { first.withLock { $0 } }

    /// The item's outcome; nil when it failed or was not begun.
    func run(_ index: Int, _ client: Result<RegistryClient, any Error>) -> Outcome? {
        guard failure == nil else { return nil }
        do {
            return try body(items[index], try client.get(), holders)
        } catch {
            first.withLock { if $0 == nil { $0 = error } }
            return nil
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
