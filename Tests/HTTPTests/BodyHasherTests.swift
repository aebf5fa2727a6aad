import Crypto
import Foundation
import Testing

@testable import HTTP

/// A body's digest is the same whether it is hashed inline or beside the transfer, however
/// the transfer fills and hands over its buffers.
struct BodyHasherTests {
    /// Feeds `bytes` through a hasher the way a transfer does: fill a buffer, take it, go on
    /// with the buffer handed back.
    static func digest(_ bytes: [UInt8], bufferSize: Int, threshold: Int64) -> (hex: String, threaded: Bool) {
        let hasher = BodyHasher(bufferSize: bufferSize, threshold: threshold)
        var buffer = hasher.first
        var filled = 0
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, bufferSize - filled, 1 + offset % 3001)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + n]).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + n]))
            }
            filled += n
            offset += n
            if filled == bufferSize {
                buffer = hasher.take(buffer, count: filled)
                filled = 0
            }
        }
        if filled > 0 { buffer = hasher.take(buffer, count: filled) }
        return (hasher.finalize(), hasher.threaded)
    }

    @Test(arguments: [0, 1, 4095, 4096, 16383, 16384, 16385, 100_000, 1_000_003])
    func digestMatchesSHA256(size: Int) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let result = Self.digest(bytes, bufferSize: 4096, threshold: 16384)
        #expect(result.hex == expected)
        #expect(result.threaded == (size >= 16384), "a thread hashes only bodies past the threshold")
    }
}
