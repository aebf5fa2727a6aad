import Content
import Foundation
import Testing

/// The one rule for received content: no more than the declared size, then the size, then the
/// digest; each receiver words the mismatch as its own error.
struct ContentCheckTests {
    let body = Data("the declared bytes".utf8)
    var digest: Digest { Digest.sha256(of: body) }

    func checked(_ data: Data, size: Int64?, chunk: Int = 5) -> (taken: Bool, mismatch: ContentCheck.Mismatch?) {
        var check = ContentCheck(digest: digest, size: size)
        var taken = true
        for start in stride(from: 0, to: data.count, by: chunk) {
            let piece = data[start..<min(start + chunk, data.count)]
            taken = piece.withUnsafeBytes { check.update($0) } && taken
        }
        return (taken, check.finish())
    }

    @Test func theDeclaredContentPasses() {
        let result = checked(body, size: Int64(body.count))
        #expect(result.taken && result.mismatch == nil)
        #expect(checked(body, size: nil).mismatch == nil, "no size declared: the digest decides")
    }

    @Test func moreThanDeclaredIsRefusedAsItArrives() {
        let result = checked(body + Data("!".utf8), size: Int64(body.count))
        #expect(!result.taken, "reading stops at the first byte past the declared size")
        #expect(result.mismatch == .size(received: Int64(body.count) + 1, declared: Int64(body.count)))
    }

    @Test func fewerOrOtherBytesAreNamed() {
        #expect(checked(body.dropLast(), size: Int64(body.count)).mismatch == .size(received: Int64(body.count) - 1, declared: Int64(body.count)))
        var altered = body
        altered[0] = UInt8(ascii: "T")
        #expect(checked(altered, size: Int64(body.count)).mismatch == .digest(received: Digest.sha256(of: altered)))
    }

    @Test func contentHashedOnArrivalFollowsTheSameRule() {
        #expect(ContentCheck.compare(receivedSize: Int64(body.count), sha256Hex: digest.hex, against: digest, size: Int64(body.count)) == nil)
        #expect(ContentCheck.compare(receivedSize: 3, sha256Hex: digest.hex, against: digest, size: 4) == .size(received: 3, declared: 4))
        #expect(ContentCheck.compare(receivedSize: 4, sha256Hex: String(repeating: "0", count: 64), against: digest, size: nil)
                == .digest(received: Digest(sha256Hex: String(repeating: "0", count: 64))))
        #expect(Digest.hex(of: [0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    /// A descriptor declares what the check holds bytes to; it reads and writes the OCI
    /// spec's JSON field names, as registries and bundles' layouts hold them.
    @Test func aDescriptorDeclaresTheContent() throws {
        let descriptor = Descriptor(mediaType: "application/octet-stream", digest: digest, size: Int64(body.count))
        var check = ContentCheck(descriptor)
        body.withUnsafeBytes { _ = check.update($0) }
        #expect(check.finish() == nil)
        var short = ContentCheck(Descriptor(mediaType: "x", digest: digest, size: Int64(body.count) + 1))
        body.withUnsafeBytes { _ = short.update($0) }
        #expect(short.finish() == .size(received: Int64(body.count), declared: Int64(body.count) + 1))
        let json = #"{"annotations":{"k":"v"},"artifactType":"a","digest":"\#(digest)","mediaType":"m","platform":{"architecture":"arm64","os":"linux","variant":"v8"},"size":3}"#
        let decoded = try JSONDecoder().decode(Descriptor.self, from: Data(json.utf8))
        #expect(decoded.platform == Platform(os: "linux", architecture: "arm64", variant: "v8") && decoded.size == 3)
        #expect(decoded.annotations == ["k": "v"] && decoded.artifactType == "a")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(decoded), as: UTF8.self) == json)
        #expect(Platform(parsing: "linux/arm64/v8") == decoded.platform && Platform(parsing: "linux") == nil && "\(Platform(os: "linux", architecture: "amd64"))" == "linux/amd64")
    }
}
