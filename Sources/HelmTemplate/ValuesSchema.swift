import Foundation

/// A chart's `values.schema.json` checked against its coalesced values, as Helm checks it before
/// rendering: JSON Schema's assertions (types, properties, required, additional and pattern
/// properties, items, enums and consts, numeric and length bounds, patterns with Go's regular
/// expressions, all/any/one/not, if/then/else, dependent keys, `$ref`s inside the schema);
/// `format` and other annotations assert nothing. Every violation is listed with its place in
/// the values (`at '/image/tag': …`).
struct ValuesSchema {
    let root: Value
    /// The schema's place (`CHART/values.schema.json`), for errors.
    let file: String
    /// Schemas visited at most (a schema is untrusted input; `$ref`s may loop).
    static let maxSteps = 1_000_000

    /// JSON is YAML: the schema is read as values are (numbers float64, objects, arrays).
    init(json text: String, file: String) throws(TemplateError) {
        self.file = file
        do { root = try ValuesCoalesce.read(text, file: file) } catch {
            throw TemplateError(.failed, template: file, line: 1, column: 1, "unable to parse the schema: \(error.message)")
        }
    }

    /// The violations of `values`, each `at '/path': reason`.
    func violations(of values: Value) throws(TemplateError) -> [String] {
        var state = SchemaCheck(root: root, steps: Self.maxSteps)
        state.check(values, against: root, at: "", depth: 0)
        if state.steps < 0 { throw TemplateError(.limit, template: file, line: 1, column: 1, "the schema takes more than \(Self.maxSteps) steps to check") }
        return state.errors
    }
}

/// One run of a schema over values: the errors found, the steps left.
struct SchemaCheck {
    let root: Value
    var steps: Int
    var errors: [String] = []

    mutating func check(_ value: Value, against schema: Value, at path: String, depth: Int) {
        steps -= 1
        guard steps >= 0, depth < 200 else { return }
        if case .bool(let allowed) = schema {
            if !allowed { errors.append("at '\(path.isEmpty ? "/" : path)': false schema") }
            return
        }
        guard case .map(let s) = schema else { return }
        if case .string(let reference)? = s["$ref"] {
            guard let target = resolve(reference) else {
                errors.append("at '\(path.isEmpty ? "/" : path)': $ref \(reference) is not a place in this schema")
                return
            }
            check(value, against: target, at: path, depth: depth + 1)
        }
        SchemaAssertions.types(value, s, path, &errors)
        SchemaAssertions.values(value, s, path, &errors)
        checkObject(value, s, path, depth)
        checkArray(value, s, path, depth)
        checkCombinations(value, s, path, depth)
    }

    mutating func checkObject(_ value: Value, _ s: ValueMap, _ path: String, _ depth: Int) {
        guard case .map(let object) = value else { return }
        if case .list(let required)? = s["required"] {
            for case .string(let name) in required where object[name] == nil { errors.append("at '\(path.isEmpty ? "/" : path)': missing property '\(name)'") }
        }
        var matched = Set<String>()
        if case .map(let properties)? = s["properties"] {
            for (name, sub) in properties {
                guard let inner = object[name] else { continue }
                matched.insert(name)
                check(inner, against: sub, at: "\(path)/\(name)", depth: depth + 1)
            }
        }
        if case .map(let patterns)? = s["patternProperties"] {
            for (pattern, sub) in patterns {
                for (name, inner) in object where SchemaAssertions.matches(pattern, name) {
                    matched.insert(name)
                    check(inner, against: sub, at: "\(path)/\(name)", depth: depth + 1)
                }
            }
        }
        if let additional = s["additionalProperties"] {
            let extra = object.keys.filter { !matched.contains($0) }.sorted()
            if case .bool(false) = additional, !extra.isEmpty {
                errors.append("at '\(path.isEmpty ? "/" : path)': additional properties \(extra.map { "'\($0)'" }.joined(separator: ", ")) not allowed")
            } else if case .map = additional {
                for name in extra { check(object[name] ?? .null, against: additional, at: "\(path)/\(name)", depth: depth + 1) }
            }
        }
        for (key, rule) in [("dependentRequired", s["dependentRequired"]), ("dependencies", s["dependencies"])] {
            guard case .map(let dependencies)? = rule else { continue }
            for (name, needs) in dependencies where object[name] != nil {
                if case .list(let names) = needs {
                    for case .string(let other) in names where object[other] == nil { errors.append("at '\(path.isEmpty ? "/" : path)': property '\(name)' needs '\(other)' (\(key))") }
                } else {
                    check(value, against: needs, at: path, depth: depth + 1)
                }
            }
        }
        SchemaAssertions.counts(object.count, s["minProperties"], s["maxProperties"], "properties", path, &errors)
    }

    mutating func checkArray(_ value: Value, _ s: ValueMap, _ path: String, _ depth: Int) {
        guard case .list(let items) = value else { return }
        var prefix: [Value] = []
        if case .list(let tuple)? = s["prefixItems"] { prefix = tuple.items } else if case .list(let tuple)? = s["items"] { prefix = tuple.items }
        for (index, item) in items.enumerated() {
            if index < prefix.count {
                check(item, against: prefix[index], at: "\(path)/\(index)", depth: depth + 1)
            } else if let rest = prefix.isEmpty ? s["items"] : (s["prefixItems"] != nil ? s["items"] : s["additionalItems"]) {
                check(item, against: rest, at: "\(path)/\(index)", depth: depth + 1)
            }
        }
        SchemaAssertions.counts(items.count, s["minItems"], s["maxItems"], "items", path, &errors)
        if case .bool(true)? = s["uniqueItems"] {
            for (i, item) in items.enumerated() where items[..<i].contains(where: { SchemaAssertions.equal($0, item) }) {
                errors.append("at '\(path.isEmpty ? "/" : path)': items at \(i) are not unique")
                break
            }
        }
        if let contains = s["contains"], !items.contains(where: { passes($0, contains, path, depth) }) {
            errors.append("at '\(path.isEmpty ? "/" : path)': no items match contains schema")
        }
    }

    mutating func checkCombinations(_ value: Value, _ s: ValueMap, _ path: String, _ depth: Int) {
        let at = path.isEmpty ? "/" : path
        if case .list(let all)? = s["allOf"] { for sub in all { check(value, against: sub, at: path, depth: depth + 1) } }
        if case .list(let any)? = s["anyOf"], !any.contains(where: { passes(value, $0, path, depth) }) {
            errors.append("at '\(at)': anyOf failed")
        }
        if case .list(let one)? = s["oneOf"] {
            let count = one.filter { passes(value, $0, path, depth) }.count
            if count != 1 { errors.append("at '\(at)': oneOf \(count == 0 ? "failed, none matched" : "failed, \(count) matched")") }
        }
        if let not = s["not"], passes(value, not, path, depth) { errors.append("at '\(at)': not failed") }
        if let condition = s["if"] {
            if passes(value, condition, path, depth) {
                if let then = s["then"] { check(value, against: then, at: path, depth: depth + 1) }
            } else if let otherwise = s["else"] {
                check(value, against: otherwise, at: path, depth: depth + 1)
            }
        }
    }

    /// Whether `value` meets `schema`, its errors not kept.
    mutating func passes(_ value: Value, _ schema: Value, _ path: String, _ depth: Int) -> Bool {
        let saved = errors
        errors = []
        check(value, against: schema, at: path, depth: depth + 1)
        let ok = errors.isEmpty
        errors = saved
        return ok
    }

    /// `#`, `#/definitions/x`, `#/$defs/x/properties/y` (JSON pointers, `~0` and `~1` escaped).
    func resolve(_ reference: String) -> Value? {
        guard reference.hasPrefix("#") else { return nil }
        var current = root
        for raw in reference.dropFirst().split(separator: "/") {
            let key = String(raw).replacingEvery("~1", with: "/").replacingEvery("~0", with: "~").removingPercentEncoding ?? String(raw)
            switch current {
            case .map(let map): guard let next = map[key] else { return nil }; current = next
            case .list(let list): guard let i = Int(key), list.indices.contains(i) else { return nil }; current = list[i]
            default: return nil
            }
        }
        return current
    }
}
