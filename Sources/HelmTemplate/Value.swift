/// A value as Go's text/template sees the data Helm gives it: values decoded from YAML (through
/// JSON, so every number from values is a float64), literals in templates (ints, floats,
/// strings, bools), lists and string-keyed maps. `missing` is what a map gives for a key it
/// lacks (Go's invalid value, printed `<no value>`); `null` is an explicit nil.
public indirect enum Value: Sendable, Equatable {
    case missing
    case null
    case bool(Bool)
    case int(Int)
    /// An int64: what Sprig's integer math (`add`, `sub`, `max`, …), `int64` and `toDecimal`
    /// return. Go tells it from an `int` (a literal, `len`, `int`, `atoi`): `typeOf` says
    /// int64, a function's `int` parameter refuses it, `deepEqual` says they differ.
    case int64(Int)
    case float(Double)
    case string(String)
    case list(ValueList)
    case map(ValueMap)
    /// A `time.Time`, as Sprig's date functions make it (`now`, `toDate`, `dateModify`).
    case time(GoTimeValue)

    /// The number of an `int` or an `int64`; nil for anything else.
    var integer: Int? {
        switch self {
        case .int(let i), .int64(let i): i
        default: nil
        }
    }

    /// Go's truth: false, 0, nil, missing and empty strings, lists and maps are false.
    public var isTruthy: Bool {
        switch self {
        case .missing, .null: false
        case .bool(let b): b
        case .int(let i), .int64(let i): i != 0
        case .float(let f): f != 0
        case .string(let s): !s.isEmpty
        case .list(let l): !l.isEmpty
        case .map(let m): !m.isEmpty
        case .time: true
        }
    }

    /// Go's type of a value (`%T`, `typeOf`), as its errors name it.
    public var typeName: String {
        switch self {
        case .missing, .null: "<nil>"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .float: "float64"
        case .string: "string"
        case .list(let l): l.type.rawValue
        case .map(let m): m.type.rawValue
        case .time: "time.Time"
        }
    }

    /// How `{{ . }}` writes a value (Go's `fmt.Print`): `<no value>` for a nil at the top, maps as `map[a:1 b:2]` in key order, lists as `[a b]`, floats as `%g`
    /// with the shortest digits (`1e+06`).
    public var printed: String {
        switch self {
        case .missing, .null: "<no value>"  // Go digs the nil out of interface{}: an invalid value
        // text/template takes the address of a field to find its String method; fmt does not.
        case .map(let m) where m.type == .kubeVersion: m["Version"]?.formatted ?? ""
        default: formatted
        }
    }

    /// The `%v` form inside containers (a nil is `<nil>` there).
    var formatted: String {
        switch self {
        case .missing, .null: "<nil>"
        case .bool(let b): b ? "true" : "false"
        case .int(let i), .int64(let i): String(i)
        case .float(let f): GoFloat.format(f)
        case .string(let s): s
        case .list(let l): "[" + l.map(\.formatted).joined(separator: " ") + "]"
        case .map(let m) where m.type == .semver: Semver.text(of: m)
        case .map(let m) where m.type.fields != nil: "{" + (m.type.fields ?? []).map { (m[$0] ?? .null).formatted }.joined(separator: " ") + "}"
        case .time(let t): t.printed
        case .map(let m): "map[" + m.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.formatted)" }.joined(separator: " ") + "]"
        }
    }
}

/// Go's shortest `%v` (`strconv.FormatFloat(f, 'g', -1, 64)`) of a float64.
enum GoFloat {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, exponent) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        // %e when the exponent is below -4 or at least 6 (the precision Go uses for shortest %g).
        if exponent < -4 || exponent >= 6 {
            let mantissa = digits.count > 1 ? "\(digits.prefix(1)).\(digits.dropFirst())" : digits
            let e = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
            return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(e)"
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 { return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) }
        let point = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<point] + "." + digits[point...]
    }

    /// The shortest round-trip decimal digits of a positive finite value (no leading or trailing
    /// zeros) and the decimal exponent of the first digit, from Swift's own shortest printing.
    static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = "\(value)"
        var mantissa = text, exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        var pointAfter = whole.count + exponent  // digits before the decimal point
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointAfter -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (digits, pointAfter - 1)
    }
}
