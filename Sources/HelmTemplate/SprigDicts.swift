/// Sprig's dict helpers that read without changing anything (`dig`, `pick`, `omit`, `pluck`,
/// `values` (sorted by key; Go's order is random), `deepCopy`), `push`/`prepend`, and `slice`.
/// Those that change a dict in place (`set`, `unset`, `merge`, `mergeOverwrite`) are not here:
/// Go's maps are shared, and a copy would render something else than Helm.
enum SprigDicts {
    static let table: FunctionTable = [
        // Sprig asserts each step to be a map[string]interface {}: `.Values` (common.Values) and
        // anything else is Go's failed interface conversion (write `.Values.AsMap`).
        "dig": { args, _ in
            guard args.count >= 3 else { throw FunctionError("dig needs at least three arguments") }
            var current = try plainDict(args[args.count - 1])
            var keys: [String] = []
            for key in args.dropLast(2) {
                guard case .string(let name) = key else { throw FunctionError("interface conversion: interface {} is \(key.typeName), not string") }
                keys.append(name)
            }
            for (index, key) in keys.enumerated() {
                guard let next = current[key] else { return args[args.count - 2] }
                if index == keys.count - 1 { return next }
                current = try plainDict(next)
            }
            return args[args.count - 2]
        },
        "pick": { args, _ in
            guard let first = args.first, case .map(let map) = first else { throw FunctionError("pick wants a dict and keys") }
            let keys = Set(args.dropFirst().map(SprigStrings.stringify))
            return .map(map.filter { keys.contains($0.key) })
        },
        "omit": { args, _ in
            guard let first = args.first, case .map(let map) = first else { throw FunctionError("omit wants a dict and keys") }
            let keys = Set(args.dropFirst().map(SprigStrings.stringify))
            return .map(map.filter { !keys.contains($0.key) })
        },
        "pluck": { args, _ in
            guard let first = args.first else { throw FunctionError("pluck wants a key and dicts") }
            let key = SprigStrings.stringify(first)
            return .list(of: args.dropFirst().compactMap { if case .map(let map) = $0 { map[key] } else { nil } })
        },
        "values": { args, _ in
            guard case .map(let map) = try SprigStrings.single(args, "values") else { throw FunctionError("values wants a dict") }
            return .list(of: map.keys.sorted().compactMap { map[$0] })
        },
        "deepCopy": { args, _ in try copied(try SprigStrings.single(args, "deepCopy")) },
        "mustDeepCopy": { args, _ in try copied(try SprigStrings.single(args, "mustDeepCopy")) },
        "push": { args, _ in try listAnd(args, "push") { $0 + [$1] } },
        "mustPush": { args, _ in try listAnd(args, "mustPush") { $0 + [$1] } },
        "prepend": { args, _ in try listAnd(args, "prepend") { [$1] + $0 } },
        "mustPrepend": { args, _ in try listAnd(args, "mustPrepend") { [$1] + $0 } },
        "slice": { args, _ in try slice(args) },
        "mustSlice": { args, _ in try slice(args) },
        "mustToYaml": { args, _ in
            let value = try SprigStrings.single(args, "mustToYaml")
            if let bad = JSONText.unsupported(in: value) { throw FunctionError("error marshaling into JSON: json: unsupported value: \(bad)") }
            return .string(YAMLText.encode(value))
        },
    ]

    /// A copy no one else holds, all the way down (a later `set` or `merge` changes only it).
    /// Go's assertion `.(map[string]interface{})`: the map, or the failed conversion's words.
    static func plainDict(_ value: Value) throws -> ValueMap {
        if case .map(let map) = value, map.type == .interfaceMap { return map }
        let type = Comparison.isNil(value) ? "nil" : value.typeName
        throw FunctionError("interface conversion: interface {} is \(type), not map[string]interface {}")
    }

    /// `deepCopy`'s argument copied; nil has no type to copy, as Go's reflection says.
    static func copied(_ value: Value) throws -> Value {
        if Comparison.isNil(value) { throw FunctionError("reflect: call of reflect.Value.Type on zero Value") }
        return deepCopy(value)
    }

    static func deepCopy(_ value: Value) -> Value {
        switch value {
        case .map(let map) where map.isNil: return value
        case .map(let map): return .map(ValueMap(map.entries.mapValues(deepCopy), type: map.type))
        case .list(var items):
            items.items = items.items.map(deepCopy)
            return .list(items)
        default: return value
        }
    }

    static func listAnd(_ args: [Value], _ name: String, _ body: ([Value], Value) -> [Value]) throws -> Value {
        guard args.count == 2, case .list(let items) = args[0] else { throw FunctionError("Cannot \(name) on type \(args.first?.typeName ?? "<nil>")") }
        return .list(of: body(items.items, args[1]))
    }

    /// Sprig's `slice LIST [START [END]]` (it replaces Go's builtin in Helm): lists only,
    /// indexes converted as numbers, an empty list gives nil.
    static func slice(_ args: [Value]) throws -> Value {
        guard let first = args.first else { throw FunctionError("wrong number of args for slice: want at least 1 got 0") }
        guard case .list(let items) = first else { throw FunctionError("list should be type of slice or array but \(SprigMore.kind(first))") }
        guard !items.isEmpty else { return .null }
        let low = args.count > 1 ? SprigData.toInt(args[1]) : 0
        let high = args.count > 2 ? SprigData.toInt(args[2]) : items.count
        guard low >= 0, high >= low, high <= items.count else { throw FunctionError("runtime error: slice bounds out of range [\(low):\(high)]") }
        var sliced = items
        sliced.items = Array(items.items[low..<high])
        return .list(sliced)
    }
}
