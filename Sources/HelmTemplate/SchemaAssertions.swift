/// JSON Schema's assertions on one value, in the words of Helm's validator (`got string, want
/// integer`): type, enum, const, numeric bounds and multiples, string lengths and patterns, and
/// the count bounds of objects and arrays.
enum SchemaAssertions {
    /// The JSON type of a value (values numbers are float64: a whole one is an integer too).
    static func kind(_ value: Value) -> String {
        switch value {
        case .missing, .null: "null"
        case .bool: "boolean"
        case .int, .int64: "integer"
        case .float(let f): f.rounded() == f && f.isFinite ? "integer" : "number"
        case .string, .time: "string"
        case .list: "array"
        case .map: "object"
        }
    }

    static func types(_ value: Value, _ s: ValueMap, _ path: String, _ errors: inout [String]) {
        let wanted: [String]
        switch s["type"] {
        case .string(let one)?: wanted = [one]
        case .list(let many)?: wanted = many.compactMap { if case .string(let t) = $0 { t } else { nil } }
        default: return
        }
        let actual = kind(value)
        let fits = wanted.contains(actual) || (actual == "integer" && wanted.contains("number"))
        if !fits { errors.append("at '\(path.isEmpty ? "/" : path)': got \(actual == "integer" && !wanted.contains("integer") ? "number" : actual), want \(wanted.joined(separator: " or "))") }
    }

    static func values(_ value: Value, _ s: ValueMap, _ path: String, _ errors: inout [String]) {
        let at = path.isEmpty ? "/" : path
        if case .list(let options)? = s["enum"], !options.contains(where: { equal($0, value) }) {
            errors.append("at '\(at)': value must be one of \(options.map { JSONText.encode($0) }.joined(separator: ", "))")
        }
        if let constant = s["const"], !equal(constant, value) { errors.append("at '\(at)': value must be \(JSONText.encode(constant))") }
        if let number = numeric(value) {
            if let bound = numeric(s["minimum"]), number < bound { errors.append("at '\(at)': minimum: got \(GoFloat.format(number)), want \(GoFloat.format(bound))") }
            if let bound = numeric(s["maximum"]), number > bound { errors.append("at '\(at)': maximum: got \(GoFloat.format(number)), want \(GoFloat.format(bound))") }
            if let bound = numeric(s["exclusiveMinimum"]), number <= bound { errors.append("at '\(at)': exclusiveMinimum: got \(GoFloat.format(number)), want \(GoFloat.format(bound))") }
            if let bound = numeric(s["exclusiveMaximum"]), number >= bound { errors.append("at '\(at)': exclusiveMaximum: got \(GoFloat.format(number)), want \(GoFloat.format(bound))") }
            if let step = numeric(s["multipleOf"]), step > 0, (number / step).rounded() != number / step {
                errors.append("at '\(at)': multipleOf: got \(GoFloat.format(number)), want multiple of \(GoFloat.format(step))")
            }
        }
        if case .string(let text) = value {
            counts(text.unicodeScalars.count, s["minLength"], s["maxLength"], "length", path, &errors)
            if case .string(let pattern)? = s["pattern"], !matches(pattern, text) {
                errors.append("at '\(at)': '\(text)' does not match pattern '\(pattern)'")
            }
        }
    }

    static func counts(_ count: Int, _ minimum: Value?, _ maximum: Value?, _ what: String, _ path: String, _ errors: inout [String]) {
        let at = path.isEmpty ? "/" : path
        if let low = numeric(minimum), Double(count) < low { errors.append("at '\(at)': min\(what): got \(count), want \(Int(low))") }
        if let high = numeric(maximum), Double(count) > high { errors.append("at '\(at)': max\(what): got \(count), want \(Int(high))") }
    }

    static func numeric(_ value: Value?) -> Double? {
        switch value {
        case .int(let i)?, .int64(let i)?: Double(i)
        case .float(let f)?: f
        default: nil
        }
    }

    /// JSON equality: numbers by value, objects by members, arrays by items.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        switch (a, b) {
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.map(let x), .map(let y)): return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        case (.missing, .null), (.null, .missing): return true
        default: return a == b
        }
    }

    /// A Go regular expression found in `text` (a pattern that does not compile matches nothing).
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let machine = try? RegexMachine(pattern) else { return false }
        var budget = SprigRegex.budget
        return (try? machine.match(Array(text.unicodeScalars), from: 0, budget: &budget)) != nil
    }
}
