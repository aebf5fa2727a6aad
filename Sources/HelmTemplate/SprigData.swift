/// Sprig's defaults, lists, dicts and conversions as Helm ships them: what charts use to pick
/// a value (`default`, `coalesce`, `ternary`, `empty`), to build lists and maps (`list`,
/// `dict`, `get`, `hasKey`, `keys`, `first`, `last`, `join`, `splitList`, `uniq`, `has`) and
/// to turn values into numbers (`int`, `int64`, `float64`, `atoi`).
enum SprigData {
    static let table: FunctionTable = [
        // `default D V`: V unless it is empty (Sprig's empty: Go's zero values).
        "default": { args, _ in
            guard !args.isEmpty else { throw FunctionError("wrong number of args for default: want at least 1 got 0") }
            let given = args.count > 1 ? args[1] : .missing
            return isEmpty(given) ? args[0] : given
        },
        "empty": { args, _ in .bool(isEmpty(try SprigStrings.single(args, "empty"))) },
        "coalesce": { args, _ in args.first { !isEmpty($0) } ?? .null },
        "all": { args, _ in .bool(args.allSatisfy { !isEmpty($0) }) },
        "any": { args, _ in .bool(args.contains { !isEmpty($0) }) },
        "hello": { _, _ in "Hello!" },
        "ternary": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for ternary: want 3 got \(args.count)") }
            return args[2].isTruthy ? args[0] : args[1]
        },
        "list": { args, _ in .list(of: args) },
        "tuple": { args, _ in .list(of: args) },
        "dict": { args, _ in
            var map: [String: Value] = [:]
            for index in stride(from: 0, to: args.count, by: 2) {
                map[SprigStrings.stringify(args[index])] = index + 1 < args.count ? args[index + 1] : .string("")
            }
            return .map(ValueMap(map))
        },
        "get": { args, _ in
            guard args.count == 2 else { throw FunctionError("get wants a dict and a key") }
            guard case .map(let map) = args[0] else { return .string("") }  // a nil dict (Go's zero map) has nothing
            return map[SprigStrings.stringify(args[1])] ?? .string("")
        },
        "hasKey": { args, _ in
            guard args.count == 2 else { throw FunctionError("hasKey wants a dict and a key") }
            guard case .map(let map) = args[0] else { return .bool(false) }  // a nil dict (Go's zero map) has no key
            return .bool(map[SprigStrings.stringify(args[1])] != nil)
        },
        "keys": { args, _ in
            var keys: [String] = []
            for arg in args { if case .map(let map) = arg { keys += map.keys } }
            return .strings(keys)
        },
        "first": { args, _ in try list(args, "first").first ?? .null },
        "last": { args, _ in try list(args, "last").last ?? .null },
        // Of an empty list, Go's nil slice.
        "rest": { args, _ in
            let items = try list(args, "rest")
            return .list(items.isEmpty ? .orNil([]) : ValueList(Array(items.dropFirst())))
        },
        "initial": { args, _ in
            let items = try list(args, "initial")
            return .list(items.isEmpty ? .orNil([]) : ValueList(Array(items.dropLast())))
        },
        "uniq": { args, _ in
            var seen: [Value] = []
            for item in try list(args, "uniq") where !seen.contains(item) { seen.append(item) }
            return .list(of: seen)
        },
        // Anything but a list is a list of its one string (`<nil>` for nil).
        "sortAlpha": { args, _ in
            let given = try SprigStrings.single(args, "sortAlpha")
            if case .list(let list) = given, list.isNil, list.type == .stringList { return given }
            let items: [String] = switch given {
            case .list(let items): items.map(SprigStrings.stringify)
            case .missing, .null: ["<nil>"]
            case let other: [SprigStrings.stringify(other)]
            }
            return .strings(items.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        },
        "has": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for has: want 2 got \(args.count)") }
            switch args[1] {
            case .list(let items): return .bool(items.contains(args[0]))
            case .missing, .null: return .bool(false)
            default: throw FunctionError("Cannot find has on type \(SprigMore.kind(args[1]))")
            }
        },
        "append": { args, _ in
            guard args.count == 2, case .list(let items) = args[0] else { throw FunctionError("append wants a list and a value") }
            return .list(of: items + [args[1]])
        },
        "join": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for join: want 2 got \(args.count)") }
            let items: [Value] = { if case .list(let l) = args[1] { return l.items } else { return [args[1]] } }()
            return .string(items.filter { !Comparison.isNil($0) }.map(SprigStrings.stringify).joined(separator: SprigStrings.stringify(args[0])))
        },
        "splitList": { args, _ in
            guard args.count == 2 else { throw FunctionError("wrong number of args for splitList: want 2 got \(args.count)") }
            let separator = SprigStrings.stringify(args[0]), text = SprigStrings.stringify(args[1])
            return .strings(goSplit(text, separator))
        },
        "int": { args, _ in .int(toInt(try SprigStrings.single(args, "int"))) },
        "int64": { args, _ in .int64(toInt(try SprigStrings.single(args, "int64"))) },
        "atoi": { args, _ in .int(Int(try SprigStrings.one(args, "atoi")) ?? 0) },
        "float64": { args, _ in .float(toFloat(try SprigStrings.single(args, "float64"))) },
    ]

    /// Sprig's `must…` list functions: the same, an error where the plain one would panic.
    static var aliases: FunctionTable {
        var table: FunctionTable = [:]
        for name in ["first", "last", "rest", "initial", "uniq", "has", "append", "reverse", "without", "compact", "chunk"] {
            let capitalised = name.prefix(1).uppercased() + name.dropFirst()
            table["must" + capitalised] = SprigData.table[name] ?? SprigMore.table[name]
        }
        table["mustHas"] = SprigData.table["has"]
        return table
    }

    /// Sprig's `empty`: nil, false, 0, "" and empty collections.
    static func isEmpty(_ value: Value) -> Bool { !value.isTruthy }

    /// Go's strings.Split: an empty separator splits after each UTF-8 character
    /// (`splitList`, `split`, `splitn`).
    static func goSplit(_ text: String, _ separator: String) -> [String] {
        separator.isEmpty ? text.unicodeScalars.map { String($0) } : text.components(separatedBy: separator)
    }

    /// The list argument of a list function; nil is Sprig's panic on `reflect.TypeOf(nil).Kind()`.
    static func list(_ args: [Value], _ name: String) throws -> [Value] {
        switch try SprigStrings.single(args, name) {
        case .list(let items): return items.items
        case .missing, .null: throw FunctionError("runtime error: invalid memory address or nil pointer dereference")
        case let other: throw FunctionError("Cannot find \(name) on type \(other.typeName)")
        }
    }

    /// Sprig's (cast's) `toInt64`: numbers truncated, numeric strings read, anything else 0.
    static func toInt(_ value: Value) -> Int {
        switch value {
        case .int(let i), .int64(let i): i
        case .float(let f): f.isFinite && abs(f) < 9.2e18 ? Int(f) : 0
        case .bool(let b): b ? 1 : 0
        case .string(let s): Int(s) ?? Double(s).flatMap { $0.isFinite && abs($0) < 9.2e18 ? Int($0) : nil } ?? 0
        default: 0
        }
    }

    static func toFloat(_ value: Value) -> Double {
        switch value {
        case .int(let i), .int64(let i): Double(i)
        case .float(let f): f
        case .bool(let b): b ? 1 : 0
        case .string(let s): Double(s) ?? 0
        default: 0
        }
    }
}
