/// Helm's YAML writers for template values. `toYaml` (and `.Files.AsConfig`) is sigs.k8s.io/yaml:
/// JSON, then YAML through go-yaml v2: keys sorted, maps indented by two, lists flush with their
/// key (`key:` then `- a`), numbers that are whole written as integers (JSON's round trip),
/// strings plain where YAML reads them back as the same string, else quoted, several lines as a
/// literal block (`|-`), and a long value folded at a space past column 80 as libyaml does.
/// `toYamlPretty` is go-yaml v3 with an indent of two: lists indented under their key, floats
/// as Go writes them (`1e+06`), nothing folded. No trailing newline, as Helm trims it.
struct YAMLText {
    /// `toYaml`, `mustToYaml`, `.Files.AsConfig`.
    static let helm = YAMLText(indentsSequences: false, foldWidth: 80, wholeFloatsAsIntegers: true)
    /// `toYamlPretty`.
    static let pretty = YAMLText(indentsSequences: true, foldWidth: nil, wholeFloatsAsIntegers: false)

    /// A list under a key starts two columns in (v3) rather than at the key's column (v2).
    let indentsSequences: Bool
    /// libyaml's best width: a space past it in a value becomes a line break (v2 only).
    let foldWidth: Int?
    /// JSON's round trip: a whole float64 below 1e21 is written as an integer.
    let wholeFloatsAsIntegers: Bool

    static func encode(_ value: Value) -> String { helm.encode(value) }

    func encode(_ original: Value) -> String {
        var lines: [String] = []
        let value = original.marshalled ?? original
        switch value {
        case .map(let m) where !m.isEmpty: mapping(m.entries, indent: 0, into: &lines)
        case .list(let l) where !l.isEmpty: sequence(l.items, indent: 0, into: &lines)
        // libyaml indents a scalar's continuation lines two past its parent (-1 at the top).
        default: lines.append(scalar(value, indent: 2, column: 0))
        }
        return lines.joined(separator: "\n")
    }

    func mapping(_ map: [String: Value], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for key in map.keys.sorted() {
            let value = map[key].map { $0.marshalled ?? $0 } ?? .null
            let name = pad + YAMLScalar.string(key, indent: indent)
            switch value {
            case .map(let inner) where !inner.isEmpty:
                lines.append(name + ":")
                mapping(inner.entries, indent: indent + 2, into: &lines)
            case .list(let inner) where !inner.isEmpty:
                lines.append(name + ":")
                sequence(inner.items, indent: indentsSequences ? indent + 2 : indent, into: &lines)
            default:
                lines.append(name + ": " + scalar(value, indent: indent + 2, column: name.unicodeScalars.count + 2))
            }
        }
    }

    func sequence(_ list: [Value], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for original in list {
            let item = original.marshalled ?? original
            switch item {
            case .map(let inner) where !inner.isEmpty:
                var nested: [String] = []
                mapping(inner.entries, indent: indent + 2, into: &nested)
                // The first line of the mapping goes on the dash's line.
                lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                lines += nested.dropFirst()
            case .list(let inner) where !inner.isEmpty:
                var nested: [String] = []
                sequence(inner.items, indent: indent + 2, into: &nested)
                lines.append(pad + "- " + nested[0].dropFirst(indent + 2))
                lines += nested.dropFirst()
            default:
                lines.append(pad + "- " + scalar(item, indent: indent + 2, column: indent + 2))
            }
        }
    }

    /// A scalar whose continuation lines start at `indent`, written from `column` on.
    func scalar(_ value: Value, indent: Int, column: Int) -> String {
        switch value {
        case .missing, .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i), .int64(let i): return String(i)
        case .float(let f):
            if wholeFloatsAsIntegers, f.isFinite, f == f.rounded(), abs(f) < 1e21 { return JSONText.number(f) }
            return GoFloat.format(f).replacingEvery("+Inf", with: ".inf").replacingEvery("-Inf", with: "-.inf").replacingEvery("NaN", with: ".nan")
        case .string(let s):
            let text = YAMLScalar.string(s, indent: indent)
            guard let width = foldWidth, !text.hasPrefix("|") else { return text }
            return YAMLScalar.fold(text, column: column, indent: indent, width: width)
        case .list(let l): return l.isNil ? "null" : "[]"
        case .map(let m): return m.isNil ? "null" : "{}"
        case .time(let t): return YAMLScalar.string(t.rfc3339, indent: indent)
        }
    }
}
