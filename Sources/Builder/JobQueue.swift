import Synchronization

/// Work shared by worker threads: jobs handed out once each, in order, results kept by the
/// job's index. Workers take until nothing is left; nobody waits on the queue itself.
final class JobQueue<Job: Sendable, Outcome: Sendable>: Sendable {
    private struct State {
        var next = 0
        var outcomes: [Int: Outcome] = [:]
    }

    private let jobs: [Job]
    private let state = Mutex(State())

    init(_ jobs: [Job]) {
        self.jobs = jobs
    }

    func take() -> (Int, Job)? {
        state.withLock { state in
            guard state.next < jobs.count else { return nil }
            defer { state.next += 1 }
            return (state.next, jobs[state.next])
        }
    }

    func put(_ index: Int, _ outcome: Outcome) {
        state.withLock { $0.outcomes[index] = outcome }
    }

    func results() -> [Outcome] {
        state.withLock { state in (0..<jobs.count).compactMap { state.outcomes[$0] } }
    }
}
