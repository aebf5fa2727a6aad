import HelmTemplate
import Yams

/// A chart's values as Helm sees them after YAML parsing: maps keep their key order (so what
/// is found is reported in a stable order), scalars keep their text.
public indirect enum Values: Sendable, Equatable {
    case map([(key: String, value: Values)])
    case list([Values])
    case string(String)
    case bool(Bool)
    case null

    public static func == (a: Values, b: Values) -> Bool {
        switch (a, b) {
        case (.map(let x), .map(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.list(let x), .list(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// Limits on what a values file may make the scan do.
    static let maxDepth = 64
    static let maxBytes = 4 << 20

    /// Parses YAML text, its first document; an empty document is an empty map. Throws Yams's
    /// error for bad YAML.
    public init(yaml text: String) throws {
        try self.init(yaml: text, allDocuments: false)
    }

    /// A values file: every document, each a map merged over the ones before, as Helm's
    /// LoadValues merges them (a document that is no map adds nothing).
    public init(valuesFile text: String) throws {
        try self.init(yaml: text, allDocuments: true)
    }

    private init(yaml text: String, allDocuments: Bool) throws {
        guard text.utf8.count <= Self.maxBytes else {
            throw ImageError(.imageListInvalid, "values", reason: "are larger than \(Self.maxBytes) bytes")
        }
        // Scalars are read by their text and style alone.
        let nodes = try PlainYAML.documents(text, all: allDocuments)
        var budget = Self.maxNodes
        var read = Values.map([])
        for node in nodes where budget >= 0 {
            let document = Self(node: node, depth: 0, budget: &budget)
            if !allDocuments { read = document } else if document.isMap { read = read.merged(with: document) }
        }
        self = read
        guard budget >= 0 else {
            throw ImageError(.imageListInvalid, "values", reason: "expand to more than \(Self.maxNodes) YAML nodes (aliases repeating aliases?)")
        }
    }

    /// Aliases count each time they are used: what bounds an alias bomb.
    static let maxNodes = 1_000_000

    init(node: Node, depth: Int, budget: inout Int) {
        budget -= 1
        guard depth < Self.maxDepth, budget >= 0 else {
            self = .null
            return
        }
        switch node {
        case .mapping(let mapping):
            var pairs: [(key: String, value: Values)] = []
            for (key, value) in mapping where budget >= 0 {
                // A key a later one of the same name replaces is left out (go-yaml keeps the last).
                if let name = key.string, !PlainYAML.isShadowed(name) { pairs.append((key: name, value: Values(node: value, depth: depth + 1, budget: &budget))) }
            }
            self = .map(pairs)
        case .sequence(let sequence):
            var items: [Values] = []
            for item in sequence where budget >= 0 { items.append(Values(node: item, depth: depth + 1, budget: &budget)) }
            self = .list(items)
        case .scalar(let scalar):
            if scalar.style == .plain {
                switch scalar.string {
                case "", "~", "null", "Null", "NULL": self = .null
                case "true", "True", "TRUE": self = .bool(true)
                case "false", "False", "FALSE": self = .bool(false)
                default: self = .string(scalar.string)
                }
            } else {
                self = .string(scalar.string)
            }
        case .alias:
            self = .null
        }
    }

    public subscript(key: String) -> Values? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.last { $0.key == key }?.value
    }

    /// The value at a dotted path (`redis-ha.enabled`), nil when any step is missing.
    public func value(at path: String) -> Values? {
        var current: Values? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    public var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var isMap: Bool {
        if case .map = self { return true }
        return false
    }

    /// Helm's coalescing: `override`'s keys win, maps merge deeply, a null in `override`
    /// deletes the key.
    public func merged(with override: Values) -> Values {
        guard case .map(let base) = self, case .map(let top) = override else { return override }
        var result = base
        for (key, value) in top {
            if let index = result.firstIndex(where: { $0.key == key }) {
                if value == .null {
                    result.remove(at: index)
                } else {
                    result[index].value = result[index].value.merged(with: value)
                }
            } else if value != .null {
                result.append((key: key, value: value))
            }
        }
        return .map(result)
    }

    /// The same map with `key` set to `value`.
    func setting(_ key: String, to value: Values) -> Values {
        guard case .map(var pairs) = self else { return .map([(key: key, value: value)]) }
        if let index = pairs.firstIndex(where: { $0.key == key }) {
            pairs[index].value = value
        } else {
            pairs.append((key: key, value: value))
        }
        return .map(pairs)
    }
}
