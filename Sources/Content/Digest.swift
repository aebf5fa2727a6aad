import Crypto
import Foundation

/// A content digest, `algorithm:hex`, as the OCI image spec defines it. Only sha256 is
/// accepted for content we verify; anything else is refused with a clear error.
public struct Digest: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public let algorithm: String
    public let hex: String

    /// Parses `sha256:<64 lower-case hex>`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let algorithm = String(parts[0]), hex = String(parts[1])
        let hexDigits = hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
        switch algorithm {
        case "sha256": guard hex.count == 64, hexDigits else { return nil }
        case "sha512": guard hex.count == 128, hexDigits else { return nil }
        default: return nil
        }
        self.algorithm = algorithm
        self.hex = hex
    }

    public init(sha256Hex hex: String) {
        self.algorithm = "sha256"
        self.hex = hex
    }

    /// The sha256 digest of `data`.
    public static func sha256(of data: Data) -> Digest {
        Digest(sha256Hex: hex(of: SHA256.hash(data: data)))
    }

    /// Lower-case hex of a finished hash (the one formatting of digests).
    public static func hex(of hash: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in hash {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { "\(algorithm):\(hex)" }

    /// A short form for tables: `sha256:0123456789ab`.
    public var short: String { "\(algorithm):\(hex.prefix(12))" }

    public static func < (a: Digest, b: Digest) -> Bool { a.description < b.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = Digest(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a digest: \(text)"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
