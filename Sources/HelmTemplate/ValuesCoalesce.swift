import Yams

/// Helm's values: YAML read as JSON reads it, and a release's values coalesced over a chart's.
enum ValuesCoalesce {
    /// Values nodes read at most (aliases count each time they are used: an alias bomb stops).
    static let maxNodes = 1_000_000

    /// YAML text as Helm reads values (through JSON: every number a float64): the first
    /// document, or for a values file (`allDocuments`) every document merged over the ones
    /// before it, as Helm's LoadValues merges them (each a map, or empty).
    static func read(_ text: String, file: String, allDocuments: Bool = false) throws(TemplateError) -> Value {
        do {
            // Go's YAML reader ends a block scalar at the end of the text with a line break, as if the
            // text ended with one (libyaml does not).
            let roots = try PlainYAML.documents(text.hasSuffix("\n") ? text : text + "\n", all: allDocuments)
            var reading = Reading(budget: maxNodes)
            var merged = Value.map([:])
            for root in roots {
                let value = Self.value(of: root, reading: &reading)
                if reading.budget < 0 { throw TemplateError(.limit, template: file, line: 1, column: 1, "expands to more than \(maxNodes) YAML nodes (aliases repeating aliases?)") }
                // Helm reads YAML through JSON, which holds no infinity and no NaN.
                if let what = reading.unholdable { throw TemplateError(.parse, template: file, line: 1, column: 1, "error converting YAML to JSON: unsupported value: \(what)") }
                guard allDocuments else { return value }
                switch value {
                case .map: merged = merge(value, over: merged)
                case .null: continue
                default:
                    throw TemplateError(.parse, template: file, line: root.mark?.line ?? 1, column: root.mark?.column ?? 1,
                                        "a document of values is \(value.typeName), not a map: make each document of the file a map of values")
                }
            }
            return merged
        } catch let error as TemplateError {
            throw error
        } catch {
            // Placed where Yams says, so the message names the line (the error's own text repeats it).
            let mark = PlainYAML.mark(of: error)
            let kind: TemplateError.Kind = error is PlainYAML.TooManyDuplicates ? .unsupported : .parse
            throw TemplateError(kind, template: file, line: mark?.line ?? 1, column: mark?.column ?? 1, kind == .parse ? "not valid YAML: \(error)" : "\(error)")
        }
    }

    /// A map key as Helm's JSON has it: go-yaml resolves a plain key first, then it is written
    /// as text: `yes:` is `true`, `0x10:` is `16`, `1e3:` is `1000`; a null key refuses the
    /// file (`reading.unholdable`).
    static func key(_ node: Yams.Node, reading: inout Reading) -> String {
        guard case .scalar(var scalar) = node else { return node.string ?? "" }
        if PlainYAML.isShadowed(scalar.string) {
            // Renamed before its first character: a quoted key's quotes are in the text read.
            let own = PlainYAML.unshadowed(scalar.string)
            if let first = own.first, first == "\"" || first == "'",
               case .scalar(let quoted)? = (try? PlainYAML.documents(own, all: false))?.first {
                return quoted.string
            }
            scalar.string = own
        }
        if scalar.style != .plain { return scalar.string }
        var own = Reading(budget: 1)
        // Yams resolves a key's tag in place when it compares keys (a basic resolver's `str`),
        // so a key's tag says nothing: an explicit `!!str` on a key is not told apart.
        switch plainScalar(scalar, reading: &own) {
        case .bool(let b): return b ? "true" : "false"
        case .float(let f) where f.isNaN: return ".nan"
        case .float(let f) where f.isInfinite: return f > 0 ? ".inf" : "-.inf"
        case .float(let f): return Int(exactly: f).map(String.init) ?? GoFloat.format(f)
        case .null:
            if reading.unholdable == nil { reading.unholdable = "a map key that is null" }
            return ""
        default: return scalar.string
        }
    }

    /// A plain, untagged scalar: a bool word, a number, a null word, or text.
    static func plainScalar(_ scalar: Yams.Node.Scalar, reading: inout Reading) -> Value {
        if let b = boolWord(scalar.string) { return .bool(b) }
        return number(scalar, reading: &reading) ?? (scalar.string.isEmpty || nullWords.contains(scalar.string) ? .null : .string(scalar.string))
    }

    /// A plain scalar as go-yaml v2 reads a number, as a float64: an integer form (`-0` is 0, an
    /// integer has no sign of zero), else a float; a float out of range (`1e400`) is text;
    /// `.inf` and `.nan` are numbers JSON cannot hold (`reading.unholdable`).
    static func number(_ scalar: Yams.Node.Scalar, reading: inout Reading) -> Value? {
        guard looksNumeric(scalar.string) else { return nil }
        if scalar.string == "-0" || scalar.string == "+0" { return .float(0) }
        if let i = Int.construct(from: scalar) { return .float(Double(i)) }
        guard let d = Double.construct(from: scalar) else { return nil }
        if d.isFinite { return .float(d) }
        guard scalar.string.lowercased().hasSuffix("inf") || scalar.string.lowercased().hasSuffix("nan") else { return nil }
        if reading.unholdable == nil { reading.unholdable = d.isNaN ? "NaN" : d > 0 ? "+Inf" : "-Inf" }
        return .float(d)
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

    /// go-yaml v2's bool words, exactly (an explicit `!!str` tag is read as text before this).
    static func boolWord(_ text: String) -> Bool? {
        trueWords.contains(text) ? true : falseWords.contains(text) ? false : nil
    }

    /// go-yaml v2's plain words for true, false and null (what reading resolves and what
    /// `toYaml` quotes, `YAMLScalar.otherTypeWords`).
    static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    static let falseWords: Set<String> = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    static let nullWords: Set<String> = ["~", "null", "Null", "NULL"]

    /// How far a reading got: nodes left to read (aliases count each time), and a number JSON
    /// cannot hold, once one is read.
    struct Reading {
        var budget: Int
        var unholdable: String?
    }

    static func value(of node: Yams.Node, reading: inout Reading) -> Value {
        reading.budget -= 1
        guard reading.budget >= 0 else { return .null }
        switch node {
        case .scalar(let scalar):
            // Quoted, or tagged `!!str`: text as written.
            if scalar.style != .plain || scalar.tag.description == Tag.Name.str.rawValue { return .string(scalar.string) }
            return plainScalar(scalar, reading: &reading)
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            for (key, value) in mapping where reading.budget >= 0 {
                if case .scalar(let plain) = key, plain.style == .plain, plain.string == "<<" {
                    for source in mergeSources(value, reading: &reading) { for (name, item) in source { map[name] = item } }
                    continue
                }
                // A key given again: go-yaml keeps the last (keys after it replace it).
                map[Self.key(key, reading: &reading)] = Self.value(of: value, reading: &reading)
            }
            return .map(ValueMap(map))
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence where reading.budget >= 0 { items.append(Self.value(of: item, reading: &reading)) }
            return .list(of: items)
        case .alias(let alias):
            return .string(alias.anchor.rawValue)
        }
    }

    /// The maps a merge key (`<<: *base`, `<<: [*a, *b]`) brings in, in the order go-yaml v2
    /// sets their entries: each over what the mapping holds so far (keys after it win), the
    /// first of a list last, so that it wins. Anything but maps refuses the file.
    static func mergeSources(_ node: Yams.Node, reading: inout Reading) -> [ValueMap] {
        switch value(of: node, reading: &reading) {
        case .map(let map): return [map]
        case .list(let items):
            var maps: [ValueMap] = []
            for item in items.reversed() {
                guard case .map(let map) = item else { break }
                maps.append(map)
            }
            if maps.count == items.count { return maps }
        default: break
        }
        if reading.unholdable == nil { reading.unholdable = "a merge key (<<) whose value is not a map or a list of maps" }
        return []
    }

    /// A chart's own values as Helm uses them: a null in a map, at any depth, is no value (it
    /// neither shows nor deletes anything below it: a parent's `sub: {x: null}` leaves the
    /// subchart's `x`); nulls in lists stay.
    static func withoutNulls(_ value: Value) -> Value {
        guard case .map(let map) = value else { return value }
        var kept: [String: Value] = [:]
        for (key, item) in map {
            if case .null = item { continue }
            kept[key] = withoutNulls(item)
        }
        return .map(ValueMap(kept))
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

    /// `given` over `defaults`: maps merge key by key, a given null deletes the default (and
    /// stays, as null, where there is none), any other given value replaces it.
    static func coalesce(_ given: Value, over defaults: Value) -> Value {
        guard case .map(let top) = given else { return defaults }
        guard case .map(var merged) = defaults else { return given }
        for (key, value) in top {
            if case .null = value {
                if merged.removeValue(forKey: key) == nil { merged[key] = .null }
            } else if case .map = value, let existing = merged[key], case .map = existing {
                merged[key] = coalesce(value, over: existing)
            } else {
                merged[key] = value
            }
        }
        return .map(merged)
    }
}
