/// Helm's `toYaml` (sigs.k8s.io/yaml: JSON, then YAML through go-yaml v2), for template values:
/// keys sorted, maps indented by two, lists flush with their key (`key:` then `- a`), numbers
/// that are whole written as integers (JSON's round trip), strings plain where YAML reads them
/// back as the same string, else quoted, and several lines as a literal block (`|-`). No
/// trailing newline, as Helm trims it.
enum YAMLText {
    static func encode(_ value: Value) -> String {
        var lines: [String] = []
        switch value {
        case .map(let m) where !m.isEmpty: mapping(m.entries, indent: 0, into: &lines)
        case .list(let l) where !l.isEmpty: sequence(l, indent: 0, into: &lines)
        default: lines.append(scalar(value, indent: 0))
        }
        return lines.joined(separator: "\n")
    }

    static func mapping(_ map: [String: Value], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for key in map.keys.sorted() {
            let value = map[key] ?? .null
            let name = pad + string(key, indent: indent)
            switch value {
            case .map(let inner) where !inner.isEmpty:
                lines.append(name + ":")
                mapping(inner.entries, indent: indent + 2, into: &lines)
            case .list(let inner) where !inner.isEmpty:
                lines.append(name + ":")
                sequence(inner, indent: indent, into: &lines)
            default:
                lines.append(name + ": " + scalar(value, indent: indent + 2))
            }
        }
    }

    static func sequence(_ list: [Value], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in list {
            switch item {
            case .map(let inner) where !inner.isEmpty:
                var nested: [String] = []
                mapping(inner.entries, indent: indent + 2, into: &nested)
                // The first line of the mapping goes on the dash's line.
                lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                lines += nested.dropFirst()
            case .list(let inner) where !inner.isEmpty:
                var nested: [String] = []
                sequence(inner, indent: indent + 2, into: &nested)
                lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                lines += nested.dropFirst()
            default:
                lines.append(pad + "- " + scalar(item, indent: indent + 2))
            }
        }
    }

    static func scalar(_ value: Value, indent: Int) -> String {
        switch value {
        case .missing, .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f):
            // JSON's round trip makes a whole float64 an integer.
            if f.isFinite, f == f.rounded(), abs(f) < 1e21 { return JSONText.number(f) }
            return GoFloat.format(f).replacingOccurrences(of: "+Inf", with: ".inf").replacingOccurrences(of: "-Inf", with: "-.inf").replacingOccurrences(of: "NaN", with: ".nan")
        case .string(let s): return string(s, indent: indent)
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    /// A string as go-yaml v2 writes it: plain, single-quoted, double-quoted, or a literal block.
    static func string(_ s: String, indent: Int) -> String {
        if s.isEmpty { return "\"\"" }
        if resolvesToOtherType(s) { return GoFormat.quote(s) }
        if s.contains("\n") {
            if s.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n") || $0 == "\u{7F}" }) || s.hasPrefix(" ") { return GoFormat.quote(s) }
            let chomp = s.hasSuffix("\n") ? (s.hasSuffix("\n\n") ? "|+" : "|") : "|-"
            let pad = String(repeating: " ", count: max(indent, 2))
            var body = s
            if body.hasSuffix("\n") { body.removeLast() }
            return chomp + "\n" + body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
        }
        if isPlainSafe(s) { return s }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" }) { return GoFormat.quote(s) }
        return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Strings YAML 1.1 (go-yaml v2) would read as something else: bools, nulls, numbers.
    static func resolvesToOtherType(_ s: String) -> Bool {
        let words: Set<String> = ["true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
                                  "off", "Off", "OFF", "y", "Y", "n", "N", "null", "Null", "NULL", "~", ".inf", ".Inf", ".INF", "-.inf", "-.Inf",
                                  "-.INF", "+.inf", ".nan", ".NaN", ".NAN"]
        if words.contains(s) { return true }
        let number = s.replacingOccurrences(of: "_", with: "")
        let unsigned = number.hasPrefix("-") || number.hasPrefix("+") ? String(number.dropFirst()) : number
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where unsigned.hasPrefix(prefix) {
            return Int(unsigned.dropFirst(2), radix: radix) != nil
        }
        // Decimal integers and floats (Swift would also read hex floats and "inf": not YAML's).
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || ".eE+-".contains($0) }) else { return false }
        return Int(number) != nil || Double(number) != nil
    }

    /// What libyaml lets stand as a plain scalar in block context.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            // `-`, `?` and `:` may start a plain scalar when no space follows.
            guard "-?:".contains(first), s.count > 1, let second = s.dropFirst().first, second != " " else { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        return !s.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{FEFF}" }
    }
}
