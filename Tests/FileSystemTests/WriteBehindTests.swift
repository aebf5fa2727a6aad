import FileSystem
import Foundation
import Testing

/// Write-behind flushes a file as it grows and may drop what is flushed from memory; either
/// way every byte must read back as written, and no thread may outlive its writer.
@Suite(.serialized)
struct WriteBehindTests {
    /// Writes `size` pseudo-random bytes in uneven chunks through a write-behind; returns them.
    static func write(_ path: String, size: Int, step: Int64, drops: Bool) throws -> (Data, flushes: Int) {
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let behind = try #require(WriteBehind(descriptor: fd, step: step, dropsFlushed: drops))
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, 1000 + offset % 7919)
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, n) }
            try #require(written == n)
            behind.wrote(n)
            offset += n
        }
        // The thread may not have run yet on a busy machine; give it time (bounded) to flush once.
        for _ in 0..<1000 where behind.flushes == 0 { usleep(10_000) }
        #expect(behind.finish() == nil, "no flush failed")
        let flushes = behind.flushes
        #expect(fsync(fd) == 0)
        return (bytes, flushes)
    }

    @Test(arguments: [false, true])
    func everyByteReadsBackAsWritten(drops: Bool) throws {
        let path = NSTemporaryDirectory() + "write-behind-\(UUID().uuidString)"
        defer { unlink(path) }
        let (bytes, flushes) = try Self.write(path, size: 6 << 20, step: 256 << 10, drops: drops)
        #expect(flushes >= 1, "the thread flushed while the file was written")
        #expect(FileManager.default.contents(atPath: path) == bytes)
    }

    @Test func noThreadOutlivesItsWriter() throws {
        let path = NSTemporaryDirectory() + "write-behind-\(UUID().uuidString)"
        defer { unlink(path) }
        _ = try Self.write(path, size: 2 << 20, step: 64 << 10, drops: true)
        // finish() joined it; a writer that forgets finish() is covered by deinit.
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        defer { close(fd) }
        do {
            let behind = try #require(WriteBehind(descriptor: fd, step: 1))
            behind.wrote(1)
            // The thread has run (and named itself) before its writer goes without finish().
            for _ in 0..<1000 where behind.flushes == 0 { usleep(10_000) }
        }
        #expect(Self.threads(named: "bundle-flush") == 0)
    }

    static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) == name
        }.count
    }
}
