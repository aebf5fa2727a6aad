/// What a function is given besides its arguments: the executor (for `include` and `tpl`),
/// the dot and where it was called.
struct CallContext {
    let executor: Executor
    let dot: Value
    let position: Position
}

/// A function's own failure; `isFail` for `fail` and `required` (what the chart said).
struct FunctionError: Error {
    var message: String
    var isFail = false
    var isUnsupported = false
    init(_ message: String, isFail: Bool = false, isUnsupported: Bool = false) {
        self.message = message
        self.isFail = isFail
        self.isUnsupported = isUnsupported
    }
}

/// Functions that do far more work than a template step (key generation, password hashing),
/// each charged as many steps as its work is worth, so a release cannot run one of them a
/// million times inside its step budget: about 50 RSA-2048 keys or bcrypt hashes, 10 RSA-4096
/// keys, 20 scrypt derivations.
enum FunctionCosts {
    static let steps: [String: Int] = [
        "genCA": 200_000, "genSelfSignedCert": 200_000, "genSignedCert": 200_000, "genPrivateKey": 1_000_000,
        "genCAWithKey": 20_000, "genSelfSignedCertWithKey": 20_000, "genSignedCertWithKey": 20_000,
        "bcrypt": 200_000, "htpasswd": 200_000, "derivePassword": 500_000,
    ]
}

typealias TemplateFunction = @Sendable ([Value], CallContext) throws -> Value
typealias FunctionTable = [String: TemplateFunction]

/// The functions text/template itself defines (`and` and `or` are the executor's: lazy).
enum GoBuiltins {
    static let table: FunctionTable = [
        "not": { args, _ in try arity("not", args, 1); return .bool(!args[0].isTruthy) },
        "len": { args, _ in try arity("len", args, 1); return try length(args[0]) },
        "index": { args, _ in try index(args) },
        "print": { args, _ in .string(GoFormat.sprint(args)) },
        "println": { args, _ in .string(args.map(\.formatted).joined(separator: " ") + "\n") },
        "printf": { args, _ in
            guard case .string(let format)? = args.first else { throw FunctionError("printf needs a format string") }
            return .string(GoFormat.sprintf(format, Array(args.dropFirst())))
        },
        "eq": { args, _ in
            guard args.count >= 2 else { throw FunctionError("missing argument for comparison") }
            for other in args.dropFirst() where try Comparison.equal(args[0], other) { return .bool(true) }
            return .bool(false)
        },
        "ne": { args, _ in try arity("ne", args, 2); return .bool(!(try Comparison.equal(args[0], args[1]))) },
        "lt": { args, _ in try arity("lt", args, 2); return .bool(try Comparison.less(args[0], args[1])) },
        "le": { args, _ in try arity("le", args, 2); return .bool(try Comparison.less(args[0], args[1]) || Comparison.equal(args[0], args[1])) },
        "gt": { args, _ in try arity("gt", args, 2); return .bool(!(try Comparison.less(args[0], args[1]) || Comparison.equal(args[0], args[1]))) },
        "ge": { args, _ in try arity("ge", args, 2); return .bool(!(try Comparison.less(args[0], args[1]))) },
    ]

    static func arity(_ name: String, _ args: [Value], _ count: Int) throws {
        guard args.count == count else { throw FunctionError("wrong number of args for \(name): want \(count) got \(args.count)") }
    }

    static func length(_ value: Value) throws -> Value {
        switch value {
        case .string(let s): return .int(s.utf8.count)  // Go counts bytes
        case .list(let l): return .int(l.count)
        case .map(let m) where !m.type.isStruct: return .int(m.count)
        case .map(let m): throw FunctionError("len of type \(m.type.rawValue.drop { $0 == "*" })")
        default: throw FunctionError("len of \(value.typeName)")
        }
    }

    static func index(_ args: [Value]) throws -> Value {
        guard var value = args.first else { throw FunctionError("wrong number of args for index: want at least 1 got 0") }
        for key in args.dropFirst() {
            switch (value, key) {
            case (.map(let map), _) where map.type.isStruct:
                throw FunctionError("can't index item of type \(map.type.rawValue.drop { $0 == "*" })")
            // A key a map[string]string lacks is its zero, "".
            case (.map(let map), .string(let name)): value = map[name] ?? (map.type == .stringMap ? .string("") : .missing)
            case (.list(let list), _) where key.integer != nil:
                let i = key.integer ?? 0  // an int or an int64, as Go indexes with either
                guard i >= 0, i < list.count else { throw FunctionError("index out of range: \(i)") }
                value = list[i]
            case (.string(let text), _) where key.integer != nil:
                let i = key.integer ?? 0
                // A string's byte (Go's uint8).
                let bytes = text.utf8
                guard i >= 0, i < bytes.count else { throw FunctionError("index out of range: \(i)") }
                value = .int(Int(bytes[bytes.index(bytes.startIndex, offsetBy: i)]))
            case (.missing, _), (.null, _): throw FunctionError("index of untyped nil")
            default: throw FunctionError("cannot index \(value.typeName) with \(key.typeName)")
            }
        }
        return value
    }
}

/// Go's `eq` and `lt` rules: values of the same basic kind compare; an int with a float64 is
/// "incompatible types for comparison" (Helm's values are float64, template literals int);
/// nil equals only nil.
enum Comparison {
    static func equal(_ a: Value, _ b: Value) throws -> Bool {
        // Go compares any two integers (an int and an int64 alike) by their number.
        if let x = a.integer, let y = b.integer { return x == y }
        switch (a, b) {
        case (.missing, _), (.null, _), (_, .missing), (_, .null):
            return isNil(a) && isNil(b)
        case (.bool(let x), .bool(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        // Go's == on two time.Time: the same instant, zone and monotonic reading.
        case (.time(let x), .time(let y)): return x == y
        case (.list, _), (.map, _), (_, .list), (_, .map):
            throw FunctionError("non-comparable types \(a.typeName): \(b.typeName)")
        default: throw FunctionError("incompatible types for comparison")
        }
    }

    static func less(_ a: Value, _ b: Value) throws -> Bool {
        if let x = a.integer, let y = b.integer { return x < y }
        switch (a, b) {
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        case (.bool, .bool), (.missing, _), (.null, _), (.list, _), (.map, _): throw FunctionError("invalid type for comparison")
        default: throw FunctionError("incompatible types for comparison")
        }
    }

    static func isNil(_ value: Value) -> Bool {
        if case .missing = value { return true }
        if case .null = value { return true }
        return false
    }
}
