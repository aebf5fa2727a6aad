/// A JSON reader for untrusted documents (RFC 8259, nothing more): no comments, no trailing
/// commas, no duplicate keys (jq and Python take the last, Foundation the first: an auditor
/// and the installer must not read different names), bounded size and nesting, and every
/// error with its line and column.
public indirect enum JSONValue: Equatable, Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number's text, exactly as written.
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)), (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// What the value is, for messages: "a string", "the number 1.5", "an object".
    public var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let s): return "the string \"\(String(s.prefix(40)))\(s.count > 40 ? "…" : "")\""
        case .number(let n): return "the number \(String(n.prefix(40)))"
        case .bool(let b): return "\(b)"
        case .null: return "null"
        }
    }
}

public struct StrictJSONError: Error, Sendable {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

public struct StrictJSON {
    private let bytes: [UInt8]
    private var index = 0
    private let maxDepth: Int

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws(StrictJSONError) -> JSONValue {
        var parser = StrictJSON(bytes: bytes, maxDepth: maxDepth)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw parser.error("a byte order mark; JSON text starts with its value") }
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("more text after the document ends") }
        return value
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ reason: String) -> StrictJSONError {
        var line = 1, column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return StrictJSONError(line: line, column: column, reason: reason)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) throws(StrictJSONError) -> JSONValue {
        guard depth < maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        guard let c = current else { throw error("the document ends early (truncated?)") }
        switch c {
        case 0x7B: return try object(depth: depth)
        case 0x5B: return try array(depth: depth)
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2F: throw error("a comment; JSON has none")
        case 0x2D, 0x30...0x39: return .number(try number())
        default: throw error("unexpected \(Self.describe(c))")
        }
    }

    private mutating func object(depth: Int) throws(StrictJSONError) -> JSONValue {
        index += 1
        var pairs: [(key: String, value: JSONValue)] = []
        var keys = Set<String>()
        skipSpace()
        if current == 0x7D { index += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard current == 0x22 else { throw error(current == 0x2F ? "a comment; JSON has none" : current == nil ? "the document ends early (truncated?)" : "expected a key in quotes") }
            let keyStart = index
            let key = try string()
            guard keys.insert(key).inserted else {
                index = keyStart
                throw error("duplicate key \"\(String(key.prefix(40)))\" (readers disagree on which value counts)")
            }
            skipSpace()
            guard current == 0x3A else { throw error("expected : after the key") }
            index += 1
            skipSpace()
            pairs.append((key: key, value: try value(depth: depth + 1)))
            skipSpace()
            switch current {
            case 0x2C: index += 1
            case 0x7D: index += 1; return .object(pairs)
            case nil: throw error("the document ends early (truncated?)")
            default: throw error("expected , or } in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(StrictJSONError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if current == 0x5D { index += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            switch current {
            case 0x2C: index += 1
            case 0x5D: index += 1; return .array(items)
            case nil: throw error("the document ends early (truncated?)")
            default: throw error("expected , or ] in an array")
            }
        }
    }

    private mutating func literal(_ word: String) throws(StrictJSONError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else { throw error("unexpected text (not \(word))") }
        index += expected.count
    }

    private mutating func number() throws(StrictJSONError) -> String {
        let start = index
        if current == 0x2D { index += 1 }
        func digits() -> Int {
            let from = index
            while let c = current, c >= 0x30 && c <= 0x39 { index += 1 }
            return index - from
        }
        if current == 0x30 { index += 1 } else if digits() == 0 { throw error("a number without digits") }
        if current == 0x2E { index += 1; if digits() == 0 { throw error("a number with no digits after its point") } }
        if current == 0x65 || current == 0x45 {
            index += 1
            if current == 0x2B || current == 0x2D { index += 1 }
            if digits() == 0 { throw error("a number with no digits in its exponent") }
        }
        guard index - start <= 64 else { throw error("a number longer than 64 characters") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func string() throws(StrictJSONError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw error("a string that does not end (truncated?)") }
            index += 1
            switch c {
            case 0x22:
                guard let text = String(validating: out, as: UTF8.self) else { throw error("a string that is not valid UTF-8") }
                return text
            case 0x5C:
                try escape(into: &out)
            case 0x00..<0x20:
                index -= 1
                throw error("a raw control character \(Self.describe(c)) in a string (JSON needs \\u escapes)")
            default:
                out.append(c)
            }
            guard out.count <= 1 << 16 else { throw error("a string longer than 65536 bytes") }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(StrictJSONError) {
        guard let e = current else { throw error("a string that does not end (truncated?)") }
        index += 1
        switch e {
        case 0x22, 0x5C, 0x2F: out.append(e)
        case 0x62: out.append(0x08)
        case 0x66: out.append(0x0C)
        case 0x6E: out.append(0x0A)
        case 0x72: out.append(0x0D)
        case 0x74: out.append(0x09)
        case 0x75:
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard current == 0x5C, index + 1 < bytes.count, bytes[index + 1] == 0x75 else { throw error("a lone surrogate in a \\u escape") }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("a lone surrogate in a \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("a lone surrogate in a \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("an invalid \\u escape") }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw error("an unknown escape \\\(Self.describe(e))")
        }
    }

    private mutating func hex4() throws(StrictJSONError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("a \\u escape without 4 hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw error("a \\u escape without 4 hex digits")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }
}
