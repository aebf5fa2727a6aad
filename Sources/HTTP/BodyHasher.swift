import Content
import Crypto
import FileSystem
import Foundation

/// The SHA-256 of a body written to a file, computed beside the transfer: once the body passes
/// `threshold`, each staging buffer the transfer has written out is hashed on a thread of its
/// own while the transfer fills the next one. The receiving thread (TLS, disk writes) of a
/// build's largest blob is its critical path; hashing on it too made that path a third longer.
/// Small bodies are hashed inline (a thread would cost more than it saves).
///
/// Owned by one transfer; every staging buffer (`first` and those `take` hands back) is the
/// hasher's, freed when it goes.
final class BodyHasher {
    static let defaultThreshold: Int64 = 8 << 20
    /// Staging buffers in all: one being filled, the rest hashed or waiting to be.
    static let buffers = 4

    private let shared = Shared()
    private let bufferSize: Int
    private let threshold: Int64
    private var inline = SHA256()
    private var seen: Int64 = 0
    private var thread: BackgroundThread?
    /// Whether the threshold was passed and a thread asked for (if the system refused one,
    /// everything is hashed inline).
    private var pastThreshold = false
    /// Whether a thread of its own hashed (part of) the body.
    private(set) var threaded = false
    private var digest: String?
    /// Every buffer allocated here.
    private var owned: [UnsafeMutableRawBufferPointer] = []
    /// The buffer to fill first.
    let first: UnsafeMutableRawBufferPointer

    init(bufferSize: Int, threshold: Int64 = BodyHasher.defaultThreshold) {
        self.bufferSize = bufferSize
        self.threshold = threshold
        first = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        owned = [first]
    }

    deinit {
        shared.stop()
        thread?.join()
        for buffer in owned { buffer.deallocate() }
    }

    /// Takes `buffer`, whose first `count` bytes are written out; returns the buffer to fill
    /// next (waiting while every other buffer is still being hashed).
    func take(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> UnsafeMutableRawBufferPointer {
        seen += Int64(count)
        if !pastThreshold, seen >= threshold { startThread() }
        guard thread != nil else {
            inline.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            return buffer
        }
        return shared.exchange(buffer, count: count)
    }

    /// The digest of every byte taken, in hex (nothing may be taken after).
    func finalize() -> String {
        if let digest { return digest }
        var state = inline
        if let thread {
            shared.stop()
            thread.join()
            self.thread = nil
            state = shared.sha
        }
        let hex = Content.Digest.hex(of: state.finalize())
        digest = hex
        return hex
    }

    private func startThread() {
        pastThreshold = true
        shared.sha = inline
        for _ in 1..<Self.buffers {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
            owned.append(buffer)
            shared.free.append(buffer)
        }
        thread = try? BackgroundThread.start(name: "bundle-hash") { [shared] in shared.run() }
        threaded = thread != nil
        if thread == nil { shared.free.removeAll() }
    }

    /// What the thread shares with the transfer.
    private final class Shared: @unchecked Sendable {  // `waiting`, `free`, `stopping` are guarded by `condition`; `sha` is the thread's alone while it runs
        let condition = NSCondition()
        /// Set before the thread starts, read after it is joined.
        var sha = SHA256()
        var waiting: [(buffer: UnsafeMutableRawBufferPointer, count: Int)] = []
        var free: [UnsafeMutableRawBufferPointer] = []
        var stopping = false

        /// Queues a written buffer for hashing and hands back a free one.
        func exchange(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> UnsafeMutableRawBufferPointer {
            condition.withLock {
                waiting.append((buffer, count))
                condition.broadcast()
                while free.isEmpty { condition.wait() }
                return free.removeLast()
            }
        }

        /// Ends the thread once everything queued is hashed.
        func stop() {
            condition.withLock {
                stopping = true
                condition.broadcast()
            }
        }

        func run() {
            while true {
                let next: (buffer: UnsafeMutableRawBufferPointer, count: Int)? = condition.withLock {
                    while waiting.isEmpty, !stopping { condition.wait() }
                    return waiting.isEmpty ? nil : waiting.removeFirst()
                }
                guard let next else { return }
                // The buffer is the transfer's again only once it is in `free`.
                sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: next.buffer[..<next.count]))
                condition.withLock {
                    free.append(next.buffer)
                    condition.broadcast()
                }
            }
        }
    }
}
