import Synchronization

/// Work shared by the resolving threads: jobs handed out once each, results kept by job index.
final class JobQueue: Sendable {
    private struct State {
        var next = 0
        var outcomes: [Int: Builder.PullOutcome] = [:]
    }

    private let jobs: [Builder.PullJob]
    private let state = Mutex(State())

    init(_ jobs: [Builder.PullJob]) {
        self.jobs = jobs
    }

    func take() -> (Int, Builder.PullJob)? {
        state.withLock { state in
            guard state.next < jobs.count else { return nil }
            defer { state.next += 1 }
            return (state.next, jobs[state.next])
        }
    }

    func put(_ index: Int, _ outcome: Builder.PullOutcome) {
        state.withLock { $0.outcomes[index] = outcome }
    }

    func results() -> [Builder.PullOutcome] {
        state.withLock { state in (0..<jobs.count).compactMap { state.outcomes[$0] } }
    }
}
