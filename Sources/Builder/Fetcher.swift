import Dispatch
import Foundation
import HTTP
import OCI
import Synchronization

/// Fetches blobs into the cache on worker threads, in the order given, while the caller
/// waits for each in turn (the archive writer). Each thread owns its transport and clients.
final class Fetcher: Sendable {
    private struct State {
        var next = 0
        var cancelled = false
        var problems: [Int: String] = [:]
    }

    private let tasks: [Builder.FetchTask]
    private let done: [DispatchSemaphore]
    private let state = Mutex(State())
    private let group = DispatchGroup()

    init(tasks: [Builder.FetchTask], cache: BlobCache, workers: Int) {
        self.tasks = tasks
        self.done = tasks.map { _ in DispatchSemaphore(value: 0) }
        let count = max(1, min(workers, tasks.count))
        guard !tasks.isEmpty else { return }
        for _ in 0..<count {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                let transport = CurlTransport()
                var clients: [String: RegistryClient] = [:]
                while let index = take() {
                    let task = tasks[index]
                    var problem: String?
                    if case .oci(let reference) = task.job.source {
                        do {
                            let key = "\(reference.registry)|\(task.job.repository?.name ?? "")"
                            let client = try clients[key] ?? Builder.registryClient(for: task.job, reference: reference, transport: transport)
                            clients[key] = client
                            _ = try cache.ensure(task.descriptor, repository: reference.repository, client: client)
                        } catch {
                            problem = "\(error)"
                        }
                    } else {
                        problem = "internal error: a classic repository's chart was not fetched while resolving"
                    }
                    finish(index, problem)
                }
            }
        }
    }

    private func take() -> Int? {
        state.withLock { state in
            guard !state.cancelled, state.next < tasks.count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    private func finish(_ index: Int, _ problem: String?) {
        state.withLock { $0.problems[index] = problem }
        done[index].signal()
    }

    /// Waits until task `index` is done; returns its problem, if any.
    func wait(_ index: Int) -> String? {
        done[index].wait()
        done[index].signal()  // later waits return at once
        return state.withLock { $0.problems[index] }
    }

    /// Stops handing out tasks and waits for the threads to finish theirs.
    func cancelAndWait() {
        state.withLock { $0.cancelled = true }
        group.wait()
    }
}
