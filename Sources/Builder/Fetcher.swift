import Archive
import Dispatch
import Foundation
import HTTP
import OCI
import Synchronization

/// Fetches blobs into the cache on worker threads, in the order given, while the archive
/// writer follows: it copies each blob into the bundle as it arrives, reading the cache's
/// temporary file as it grows, so that even the largest chart's second copy overlaps its
/// transfer. Each worker thread owns its transport and clients.
final class Fetcher: Sendable {
    private struct Task: Sendable {
        var partial: String?
        var attempt = 0
        var bytes: Int64 = 0
        var done = false
        var problem: String?
    }

    private struct State: Sendable {
        var next = 0
        var cancelled = false
        var tasks: [Task]
    }

    private let tasks: [Builder.FetchTask]
    private let state: Mutex<State>
    private let group = DispatchGroup()

    init(tasks: [Builder.FetchTask], cache: BlobCache, workers: Int) {
        self.tasks = tasks
        self.state = Mutex(State(tasks: tasks.map { _ in Task() }))
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
                            _ = try cache.ensure(task.descriptor, repository: reference.repository, client: client) { [self] path, progress in
                                state.withLock { state in
                                    state.tasks[index].partial = path
                                    state.tasks[index].attempt = progress.attempt
                                    state.tasks[index].bytes = progress.bytes
                                }
                            }
                        } catch {
                            problem = "\(error)"
                        }
                    } else {
                        problem = "internal error: a classic repository's chart was not fetched while resolving"
                    }
                    state.withLock { state in
                        state.tasks[index].done = true
                        state.tasks[index].problem = problem
                    }
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

    /// What copying a blob into the archive came to.
    enum StreamResult {
        /// Every byte copied, all from the one transfer attempt whose digest the transport verified.
        case copied
        /// The transfer failed.
        case problem(String)
        /// The transfer was retried after bytes had been copied: the archive must be written again.
        case retried
    }

    /// Copies task `index`'s blob into `writer` as entry `entry`, following the download as it
    /// arrives. The transport verifies the digest of what it writes; the bytes copied here are
    /// those same bytes as long as they all come from one transfer attempt, which is checked.
    func stream(_ index: Int, into writer: ArchiveWriter, as entry: String, cachePath: String) throws -> StreamResult {
        let descriptor = tasks[index].descriptor
        var fd: Int32 = -1
        defer { if fd >= 0 { close(fd) } }
        var offset: Int64 = 0
        var attempt: Int?
        var begun = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let now = state.withLock { $0.tasks[index] }
            if let problem = now.problem { return .problem(problem) }
            if let attempt, now.attempt != attempt { return .retried }
            if fd < 0 {
                // Follow the temporary file while it is written; once done, read the cache's copy.
                let path = now.done ? cachePath : now.partial
                if let path { fd = open(path, O_RDONLY | O_CLOEXEC) }
                if fd < 0 {
                    if now.done { return .problem("\(cachePath) is missing after its download; check that nothing else cleans the cache folder, then build again") }
                    usleep(500)
                    continue
                }
            }
            let available = now.done ? descriptor.size : now.bytes
            if available <= offset {
                if now.done { break }
                usleep(500)
                continue
            }
            if !begun {
                try writer.begin(entry, size: descriptor.size)
                begun = true
            }
            if !now.done, attempt == nil { attempt = now.attempt }
            while offset < available {
                let n = pread(fd, buffer.baseAddress, min(buffer.count, Int(available - offset)), off_t(offset))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                try writer.write(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
                offset += Int64(n)
            }
        }
        if let attempt, state.withLock({ $0.tasks[index].attempt }) != attempt { return .retried }
        if !begun { try writer.begin(entry, size: descriptor.size) }
        guard offset == descriptor.size else { return .problem("only \(offset) of \(descriptor.size) bytes of \(descriptor.digest) could be read back from \(cachePath); check the cache folder's disk, then build again") }
        return .copied
    }

    /// Waits until task `index` is finished (without copying it anywhere); returns its problem.
    func waitUntilDone(_ index: Int) -> String? {
        while true {
            let now = state.withLock { $0.tasks[index] }
            if now.done { return now.problem }
            usleep(1000)
        }
    }

    /// Stops handing out tasks and waits for the threads to finish theirs.
    func cancelAndWait() {
        state.withLock { $0.cancelled = true }
        group.wait()
    }
}
