import Yams

/// What a config may be, generous for real configs and small enough that pathological input
/// (200,000 documents, an alias bomb, nesting thousands deep) is refused in well under a
/// second with a clear message.
enum ConfigLimits {
    static let bytes = 16 << 20
    static let documents = 100
    static let depth = 64
    static let nodes = 1_000_000

    /// A problem with one more document, or nil when it is within the limits.
    static func check(_ document: Node, file: String, count: Int) -> ConfigProblem? {
        let at = document.mark.map { ConfigLocation(file: file, line: $0.line, column: $0.column) } ?? ConfigLocation(file: file, line: 1, column: 1)
        if count > documents {
            return ConfigProblem(.error, .configTooLarge, at: at, path: "", "holds more than \(documents) YAML documents; a config is one document (a k0sctl file a few)")
        }
        var budget = nodes
        if let deep = tooDeep(document, depth: 0, budget: &budget) {
            let where_ = deep.mark.map { ConfigLocation(file: file, line: $0.line, column: $0.column) } ?? at
            return ConfigProblem(.error, .configTooLarge, at: where_, path: "", "nests deeper than \(depth) levels")
        }
        if budget < 0 {
            return ConfigProblem(.error, .configTooLarge, at: at, path: "", "expands to more than \(nodes) YAML nodes (aliases repeating aliases?)")
        }
        return nil
    }

    /// The first node nested too deep, counting every node against `budget` (aliases count
    /// each time they are used, which is what bounds an alias bomb).
    static func tooDeep(_ node: Node, depth level: Int, budget: inout Int) -> Node? {
        budget -= 1
        guard budget >= 0 else { return nil }
        guard level < depth else { return node }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let found = tooDeep(key, depth: level + 1, budget: &budget) ?? tooDeep(value, depth: level + 1, budget: &budget) { return found }
                if budget < 0 { return nil }
            }
        case .sequence(let sequence):
            for item in sequence {
                if let found = tooDeep(item, depth: level + 1, budget: &budget) { return found }
                if budget < 0 { return nil }
            }
        default:
            break
        }
        return nil
    }

    /// Repeated findings counted, the first few shown: "3 × a document without apiVersion and kind".
    static func summary(_ findings: [String]) -> String {
        var counts: [(String, Int)] = []
        for finding in findings {
            if let index = counts.firstIndex(where: { $0.0 == finding }) { counts[index].1 += 1 } else { counts.append((finding, 1)) }
        }
        let shown = counts.prefix(5).map { $0.1 == 1 ? $0.0 : "\($0.1) × \($0.0)" }
        return shown.joined(separator: ", ") + (counts.count > 5 ? " and \(counts.count - 5) other kinds" : "")
    }

    /// Where the first byte that is not UTF-8 is.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int, byte: UInt8) {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let b = bytes[index]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard length > 0, index + length <= bytes.count, String(validating: bytes[index..<index + length], as: UTF8.self) != nil else {
                return (line, column, b)
            }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return (line, column, 0)
    }

    /// The first line break k0s's YAML reader (like libyaml) takes as one but this tool's line
    /// editing would not: a CR alone (old Mac files), NEL (U+0085), LS (U+2028), PS (U+2029).
    /// Such a file is refused up front, at its line, rather than rewritten wrongly. LF and
    /// CRLF files are read and rewritten in their own line endings.
    static func lineBreakProblem(_ text: String, file: String) -> ConfigProblem? {
        var line = 1, column = 1
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let what: String?
            switch scalar.value {
            case 0x0D where index + 1 < scalars.count && scalars[index + 1] == "\n": what = nil
            case 0x0D: what = "a carriage return (CR) alone"
            case 0x85: what = "a NEL (U+0085)"
            case 0x2028: what = "a line separator (U+2028)"
            case 0x2029: what = "a paragraph separator (U+2029)"
            default: what = nil
            }
            if let what {
                return ConfigProblem(.error, .invalidYAML, at: ConfigLocation(file: file, line: line, column: column), path: "",
                                     "breaks the line with \(what), which YAML reads as a line break; save the file with LF (or CRLF) line endings, and write such a character inside a value as an escape in a double-quoted string (\"\\u\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))\")")
            }
            if scalar == "\n" { line += 1; column = 1 } else if scalar != "\r" { column += 1 }
        }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
