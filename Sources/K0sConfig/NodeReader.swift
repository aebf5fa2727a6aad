import Yams

/// Walks Yams nodes, collecting every problem with its file:line:column and key path,
/// so that a config with five mistakes gets five messages in one run.
struct NodeReader {
    let file: String
    var problems: [ConfigProblem] = []
    /// Keys that an unknown key was suggested for (by path), so that "chart:" for "chartname:"
    /// gives one message, not a second one for the missing chartname.
    var suggested: Set<String> = []
    /// Each mapping read, by path, to locate "missing key" problems.
    var mappings: [String: Node] = [:]

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node?) -> ConfigLocation? {
        node?.mark.map { ConfigLocation(file: file, line: $0.line, column: $0.column) }
    }

    mutating func report(_ severity: ConfigProblem.Severity, _ code: ConfigProblem.Code, _ node: Node?, _ path: String, _ message: String) {
        problems.append(ConfigProblem(severity, code, at: location(node), path: path, message))
    }

    /// One key of a mapping: the key node as written and its value.
    struct Field {
        var key: Node
        var value: Node
        var name: String { key.scalar?.string ?? "" }
    }

    /// The fields of a mapping keyed by their canonical names, matched case-insensitively as
    /// k0s does; unknown keys are errors with a suggestion, duplicates are errors.
    mutating func fields(_ node: Node, path: String, allowed: [String], context: String) -> [String: Field]? {
        guard case .mapping(let mapping) = node else {
            report(.error, .wrongType, node, path, "expected a mapping of keys (\(allowed.joined(separator: ", "))), found \(Self.kind(of: node))")
            return nil
        }
        mappings[path] = node
        var result: [String: Field] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(.error, .wrongType, key, path, "a key must be a plain name")
                continue
            }
            guard let canonical = allowed.first(where: { $0.lowercased() == name.lowercased() }) else {
                var message = "unknown key \"\(name)\" in \(context)"
                if let suggestion = Self.suggestion(for: name, among: allowed) {
                    message += "; did you mean \"\(suggestion)\"?"
                    suggested.insert("\(path).\(suggestion)")
                }
                message += " k0s rejects unknown keys (allowed: \(allowed.joined(separator: ", ")))"
                report(.error, .unknownKey, key, "\(path).\(name)", message)
                continue
            }
            if let first = result[canonical] {
                let line = first.key.mark.map { " (first at line \($0.line))" } ?? ""
                report(.error, .duplicateKey, key, "\(path).\(name)", "\"\(name)\" is given twice\(line)")
                continue
            }
            result[canonical] = Field(key: key, value: value)
        }
        return result
    }

    /// A string value; a plain scalar that YAML reads as a number, boolean or null is an
    /// error (k0s's schema wants a string there: `version: 1.10` would be the number 1.1).
    mutating func string(_ fields: [String: Field], _ key: String, path: String, required: Bool, nonEmpty: Bool = true) -> String? {
        guard let field = fields[key] else {
            if required, !suggested.contains("\(path).\(key)") {
                report(.error, .missingKey, mappings[path], "\(path).\(key)", "\"\(key)\" is required")
            }
            return nil
        }
        guard case .scalar(let scalar) = field.value else {
            report(.error, .wrongType, field.value, "\(path).\(key)", "\"\(key)\" must be a string, found \(Self.kind(of: field.value))")
            return nil
        }
        if scalar.style == .plain, field.value.null != nil || field.value.bool != nil || field.value.int != nil || field.value.float != nil {
            report(.error, .wrongType, field.value, "\(path).\(key)",
                   "\"\(key)\" must be a string, but YAML reads \(scalar.string) as \(Self.kind(of: field.value)); quote it: \(key): \"\(scalar.string)\"")
            return nil
        }
        if nonEmpty, scalar.string.isEmpty {
            report(.error, .missingKey, field.value, "\(path).\(key)", "\"\(key)\" must not be empty")
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ fields: [String: Field], _ key: String, path: String) -> Bool? {
        guard let field = fields[key] else { return nil }
        guard case .scalar = field.value, let value = field.value.bool else {
            report(.error, .wrongType, field.value, "\(path).\(key)", "\"\(key)\" must be true or false")
            return nil
        }
        return value
    }

    mutating func int(_ fields: [String: Field], _ key: String, path: String) -> Int? {
        guard let field = fields[key] else { return nil }
        guard case .scalar = field.value, let value = field.value.int else {
            report(.error, .wrongType, field.value, "\(path).\(key)", "\"\(key)\" must be a whole number")
            return nil
        }
        return value
    }

    mutating func sequence(_ fields: [String: Field], _ key: String, path: String) -> [Node]? {
        guard let field = fields[key] else { return nil }
        if field.value.null != nil, case .scalar(let s) = field.value, s.style == .plain { return [] }
        guard case .sequence(let sequence) = field.value else {
            report(.error, .wrongType, field.value, "\(path).\(key)", "\"\(key)\" must be a list, found \(Self.kind(of: field.value))")
            return nil
        }
        return Array(sequence)
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style != .plain { return "a string" }
            if node.null != nil { return "null" }
            if node.bool != nil { return "a boolean" }
            if node.int != nil { return "a number" }
            if node.float != nil { return "a number" }
            return "a string"
        }
    }

    /// The allowed key a mistyped one most likely meant: a prefix either way, or within two edits.
    static func suggestion(for key: String, among allowed: [String]) -> String? {
        let lower = key.lowercased()
        let scored = allowed.map { ($0, editDistance(lower, $0.lowercased())) }.filter { $0.1 <= 2 }
        if let closest = scored.min(by: { $0.1 < $1.1 }) { return closest.0 }
        return allowed.first { $0.lowercased().hasPrefix(lower) || lower.hasPrefix($0.lowercased()) }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
