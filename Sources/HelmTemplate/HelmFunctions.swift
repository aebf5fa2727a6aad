import Foundation

/// The functions Helm adds to Go's and Sprig's: `include` and `tpl` (templates that render
/// templates, counted against the same depth and step limits), `required` and `fail` (the
/// chart refusing its values), `toJson`/`fromJson`, and `lookup` (empty, as `helm template`).
enum HelmFunctions {
    static let table: FunctionTable = [
        "include": { args, context in
            guard args.count == 2, case .string(let name) = args[0] else { throw FunctionError("include wants a template name and a context") }
            return .string(try context.executor.include(name, dot: args[1], at: context.position))
        },
        "tpl": { args, context in
            guard args.count == 2 else { throw FunctionError("wrong number of args for tpl: want 2 got \(args.count)") }
            return .string(try context.executor.renderInline(SprigStrings.stringify(args[0]), dot: args[1], at: context.position))
        },
        "required": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for required: want 2 got \(args.count)") }
            if Comparison.isNil(args[1]) || args[1] == .string("") { throw FunctionError(SprigStrings.stringify(args[0]), isFail: true) }
            return args[1]
        },
        "fail": { args, _ in throw FunctionError(args.first.map(SprigStrings.stringify) ?? "", isFail: true) },
        "toJson": { args, _ in .string(JSONText.encodeOrEmpty(try SprigStrings.single(args, "toJson"))) },
        "mustToJson": { args, _ in .string(try JSONText.encodeOrThrow(try SprigStrings.single(args, "mustToJson"))) },
        "lookup": { _, _ in .map([:]) },
        // Through JSON, as sigs.k8s.io/yaml goes: a value JSON cannot hold (±Inf, NaN) makes "".
        "toYaml": { args, _ in
            let value = try SprigStrings.single(args, "toYaml")
            return .string(JSONText.unsupported(in: value) == nil ? YAMLText.encode(value) : "")
        },
        "fromToml": { args, _ in try TOMLReader.read(SprigStrings.stringify(args[0])) },
        "toToml": { args, _ in .string(try TOMLText.encode(SprigStrings.single(args, "toToml"))) },
        "mustToToml": { args, _ in .string(try TOMLText.encode(SprigStrings.single(args, "mustToToml"), strict: true)) },
        "toYamlPretty": { args, _ in .string(YAMLText.pretty.encode(try SprigStrings.single(args, "toYamlPretty"))) },
    ]

    /// Every function a chart's templates can call: Go's, Sprig's (those implemented), Helm's.
    static let all: FunctionTable = GoBuiltins.table.merging(SprigStrings.table) { a, _ in a }
        .merging(SprigData.table) { a, _ in a }.merging(table) { a, _ in a }.merging(SprigMath.table) { a, _ in a }
        .merging(SprigCodec.table) { a, _ in a }.merging(SprigMore.table) { a, _ in a }.merging(Semver.table) { a, _ in a }.merging(SprigDicts.table) { a, _ in a }.merging(SprigRegex.table) { a, _ in a }.merging(DictMutations.table) { a, _ in a }.merging(SprigCertificates.table) { a, _ in a }.merging(SprigText.table) { a, _ in a }.merging(SprigWords.table) { a, _ in a }.merging(SprigPasswords.table) { a, _ in a }.merging(SprigDates.table) { a, _ in a }
        .merging(SprigData.aliases) { a, _ in a }
}

/// Go's `encoding/json` for template values: keys sorted, no spaces, `<`, `>` and `&`
/// escaped as `\u003c` and so on, floats in plain decimal between 1e-6 and 1e21.
enum JSONText {
    /// `indent` nil: compact (`toJson`); "  ": `json.MarshalIndent` (`toPrettyJson`).
    /// `escapeHTML` false: `toRawJson` (`<`, `>`, `&` as they are).
    static func encode(_ value: Value, indent: String? = nil, escapeHTML: Bool = true, level: Int = 0) -> String {
        // A struct: its fields in declaration order.
        if let fields = value.jsonFields { return object(fields, indent: indent, escapeHTML: escapeHTML, level: level) }
        if let json = value.marshalled { return encode(json, indent: indent, escapeHTML: escapeHTML, level: level) }
        switch value {
        case .missing, .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i), .int64(let i): return String(i)
        case .float(let f): return number(f)
        case .string(let s): return string(s, escapeHTML: escapeHTML)
        case .time(let t): return string(t.rfc3339)
        case .list(let l):
            guard !l.isEmpty else { return l.isNil ? "null" : "[]" }
            let inner = indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
            let outer = indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
            return "[" + l.map { inner + encode($0, indent: indent, escapeHTML: escapeHTML, level: level + 1) }.joined(separator: ",") + outer + "]"
        case .map(let m):
            if m.isNil { return "null" }
            return object(m.keys.sorted().map { ($0, m[$0] ?? .null) }, indent: indent, escapeHTML: escapeHTML, level: level)
        }
    }

    /// A JSON object of `pairs` in their order.
    static func object(_ pairs: [(name: String, value: Value)], indent: String?, escapeHTML: Bool, level: Int) -> String {
        guard !pairs.isEmpty else { return "{}" }
        let inner = indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
        let outer = indent.map { "\n" + String(repeating: $0, count: level) } ?? ""
        return "{" + pairs.map {
            inner + string($0.name, escapeHTML: escapeHTML) + (indent == nil ? ":" : ": ") + encode($0.value, indent: indent, escapeHTML: escapeHTML, level: level + 1)
        }.joined(separator: ",") + outer + "}"
    }

    /// The first float JSON cannot hold (`+Inf`, `-Inf`, `NaN`), in Go's order (keys sorted).
    static func unsupported(in value: Value) -> String? {
        switch value {
        case .float(let f) where !f.isFinite: return f.isNaN ? "NaN" : (f < 0 ? "-Inf" : "+Inf")
        case .list(let l): return l.lazy.compactMap(unsupported(in:)).first
        case .map(let m): return m.keys.sorted().lazy.compactMap { m[$0].flatMap(unsupported(in:)) }.first
        default: return nil
        }
    }

    /// Sprig's `toJson` and `toPrettyJson`: "" for what JSON cannot hold.
    static func encodeOrEmpty(_ value: Value, indent: String? = nil) -> String {
        unsupported(in: value) == nil ? encode(value, indent: indent) : ""
    }

    /// The `must…` forms and `toRawJson`: Go's error for what JSON cannot hold.
    static func encodeOrThrow(_ value: Value, indent: String? = nil, escapeHTML: Bool = true) throws -> String {
        if let bad = unsupported(in: value) { throw FunctionError("json: unsupported value: \(bad)") }
        return encode(value, indent: indent, escapeHTML: escapeHTML)
    }

    static func number(_ f: Double) -> String {
        guard f.isFinite else { return "null" }
        if f == 0 { return "0" }
        let magnitude = abs(f)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            // Go: %e with the shortest digits, and a one-digit exponent kept short (1e-07 -> 1e-7).
            var text = GoFloat.format(f)
            if let e = text.range(of: "e-0") { text.replaceSubrange(e, with: "e-") }
            if let e = text.range(of: "e+0") { text.replaceSubrange(e, with: "e+") }
            return text
        }
        let (digits, exponent) = GoFloat.shortestDigits(magnitude)
        let sign = f < 0 ? "-" : ""
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 { return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) }
        let point = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<point] + "." + digits[point...]
    }

    static func string(_ s: String, escapeHTML: Bool = true) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&":
                if escapeHTML { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            case "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
