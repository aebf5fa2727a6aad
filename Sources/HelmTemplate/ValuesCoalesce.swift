import Yams

/// Helm's values: YAML read as JSON reads it, and a release's values coalesced over a chart's.
enum ValuesCoalesce {
    /// Values nodes read at most (aliases count each time they are used: an alias bomb stops).
    static let maxNodes = 1_000_000

    /// YAML text as Helm reads values (through JSON: every number a float64).
    static func read(_ text: String, file: String) throws(TemplateError) -> Value {
        do {
            // Go's YAML reader ends a block scalar at the end of the text with a line break, as if the
            // text ended with one (libyaml does not), and reads the first document only. Only an
            // explicit tag (`!!str yes`) needs Yams' resolver, which runs regular expressions
            // over every scalar: text without a `!` is read with none (`bool(_:tagged:)`).
            let tagged = text.utf8.contains(UInt8(ascii: "!"))
            var first: Yams.Node?
            for node in try Yams.compose_all(yaml: text.hasSuffix("\n") ? text : text + "\n", tagged ? .default : .basic, .default, .utf8) {
                first = node
                break
            }
            guard let node = first else { return .map([:]) }
            var budget = maxNodes
            let value = Self.value(of: node, tagged: tagged, budget: &budget)
            if budget < 0 { throw TemplateError(.limit, template: file, line: 1, column: 1, "expands to more than \(maxNodes) YAML nodes (aliases repeating aliases?)") }
            return value
        } catch let error as TemplateError {
            throw error
        } catch {
            throw TemplateError(.parse, template: file, line: 1, column: 1, "not valid YAML: \(error)")
        }
    }

    /// Whether a plain scalar can be a YAML number at all: digits with signs, points,
    /// exponents, underscores and 0x/0o prefixes, or `.inf`/`.nan`; a word such as `infinity`
    /// or `nan` is a string (Swift's own number parsing would take it).
    static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        if text.hasPrefix(".") || text.hasPrefix("-.") || text.hasPrefix("+.") {
            let rest = text.drop { $0 == "-" || $0 == "+" || $0 == "." }.lowercased()
            if rest == "inf" || rest == "nan" { return true }
        }
        guard ("0"..."9").contains(first) || "+-.".unicodeScalars.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "+-._eExXoOabcdefABCDEF".unicodeScalars.contains($0) }
    }

    /// A plain scalar's bool: with the resolver's tags (`tagged`), Yams' reading; without, the
    /// words that resolver tags as bools, which is the same reading of untagged text.
    static func bool(_ scalar: Yams.Node.Scalar, tagged: Bool) -> Bool? {
        if tagged { return Bool.construct(from: scalar) }
        switch scalar.string {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    static func value(of node: Yams.Node, tagged: Bool, budget: inout Int) -> Value {
        budget -= 1
        guard budget >= 0 else { return .null }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if let b = bool(scalar, tagged: tagged) { return .bool(b) }
            if looksNumeric(scalar.string), let i = Int.construct(from: scalar) { return .float(Double(i)) }
            if looksNumeric(scalar.string), let d = Double.construct(from: scalar) { return .float(d) }
            if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return .null }
            return .string(scalar.string)
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            for (key, value) in mapping where budget >= 0 { map[key.string ?? ""] = Self.value(of: value, tagged: tagged, budget: &budget) }
            return .map(ValueMap(map))
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence where budget >= 0 { items.append(Self.value(of: item, tagged: tagged, budget: &budget)) }
            return .list(items)
        case .alias(let alias):
            return .string(alias.anchor.rawValue)
        }
    }

    /// Values files given together (`-f a -f b`): `later` over `earlier`, maps merged key by
    /// key, nulls kept (they delete the chart's defaults when coalesced over them).
    static func merge(_ later: Value, over earlier: Value) -> Value {
        guard case .map(let top) = later, case .map(var merged) = earlier else { return later }
        for (key, value) in top {
            if case .map = value, let existing = merged[key], case .map = existing {
                merged[key] = merge(value, over: existing)
            } else {
                merged[key] = value
            }
        }
        return .map(merged)
    }

    /// `given` over `defaults`: maps merge key by key, a given null deletes the default, any
    /// other given value replaces it.
    static func coalesce(_ given: Value, over defaults: Value) -> Value {
        guard case .map(let top) = given else { return defaults }
        guard case .map(var merged) = defaults else { return given }
        for (key, value) in top {
            if case .null = value {
                merged.removeValue(forKey: key)
            } else if case .map = value, let existing = merged[key], case .map = existing {
                merged[key] = coalesce(value, over: existing)
            } else {
                merged[key] = value
            }
        }
        return .map(merged)
    }
}
