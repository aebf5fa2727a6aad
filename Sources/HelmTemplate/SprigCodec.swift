import Crypto
import Foundation

/// Sprig's and Helm's encodings: hashes as lower-case hex (`sha256sum` of a rendered config is
/// how charts roll pods on a change), `adler32sum` in decimal, base32, JSON in Go's three
/// forms, and YAML or JSON text read back into values (`fromYaml`: a map, with the parse error
/// under `Error` as Helm does; numbers are float64, as values are).
enum SprigCodec {
    static let table: FunctionTable = [
        "sha256sum": { args, _ in .string(hex(SHA256.hash(data: Data(try SprigStrings.one(args, "sha256sum").utf8)))) },
        "sha1sum": { args, _ in .string(hex(Insecure.SHA1.hash(data: Data(try SprigStrings.one(args, "sha1sum").utf8)))) },
        "sha512sum": { args, _ in .string(hex(SHA512.hash(data: Data(try SprigStrings.one(args, "sha512sum").utf8)))) },
        "adler32sum": { args, _ in .string(String(adler32(Array(try SprigStrings.one(args, "adler32sum").utf8)))) },
        "b32enc": { args, _ in .string(base32(Array(try SprigStrings.one(args, "b32enc").utf8))) },
        "toPrettyJson": { args, _ in .string(JSONText.encodeOrEmpty(try SprigStrings.single(args, "toPrettyJson"), indent: "  ")) },
        "mustToPrettyJson": { args, _ in .string(try JSONText.encodeOrThrow(try SprigStrings.single(args, "mustToPrettyJson"), indent: "  ")) },
        "toRawJson": { args, _ in .string(try JSONText.encodeOrThrow(try SprigStrings.single(args, "toRawJson"), escapeHTML: false)) },
        "mustToRawJson": { args, _ in .string(try JSONText.encodeOrThrow(try SprigStrings.single(args, "mustToRawJson"), escapeHTML: false)) },
        "fromYaml": { args, _ in readMap(try SprigStrings.one(args, "fromYaml")) },
        "fromJson": { args, _ in readMap(try SprigStrings.one(args, "fromJson")) },
        "fromYamlArray": { args, _ in readList(try SprigStrings.one(args, "fromYamlArray")) },
        "fromJsonArray": { args, _ in readList(try SprigStrings.one(args, "fromJsonArray")) },
        "mustFromJson": { args, _ in
            let value = readMap(try SprigStrings.one(args, "mustFromJson"))
            if case .map(let map) = value, map.count == 1, case .string(let error)? = map["Error"] { throw FunctionError(error) }
            return value
        },
    ]

    static func hex<D: Digest>(_ digest: D) -> String { hex(bytes: digest) }

    /// Two hex digits per byte (`String(format:)` per byte costs more than the hash).
    static func hex<S: Sequence<UInt8>>(bytes: S, uppercase: Bool = false) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    /// RFC 4648 base32 with padding, as Go's `base32.StdEncoding`.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var out = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        while out.count % 8 != 0 { out.append("=") }
        return out
    }

    /// A YAML (or JSON) mapping as values; anything else, or an error, is `{Error: reason}`.
    static func readMap(_ text: String) -> Value {
        do {
            let value = try ValuesCoalesce.read(text, file: "fromYaml")
            switch value {
            case .map: return value
            case .null, .missing: return .map([:])
            default: return .map(["Error": .string("cannot unmarshal \(value.typeName) into a map")])
            }
        } catch {
            return .map(["Error": .string(error.message)])
        }
    }

    /// A YAML (or JSON) sequence as values; anything else, or an error, is `[reason]`.
    static func readList(_ text: String) -> Value {
        do {
            let value = try ValuesCoalesce.read(text, file: "fromYamlArray")
            switch value {
            case .list: return value
            case .null, .missing, .map([:]): return .list([])
            default: return .list([.string("cannot unmarshal \(value.typeName) into a list")])
            }
        } catch {
            return .list([.string(error.message)])
        }
    }
}
