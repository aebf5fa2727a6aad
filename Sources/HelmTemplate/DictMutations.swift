/// Sprig's functions that change a dict in place (`set`, `unset`, `merge`, `mergeOverwrite`).
/// Go's maps are shared, so the engine lets them change only a dict no one else holds: one a
/// function made (`dict`, `fromYaml`, `deepCopy`, …) held by one variable, or passed straight
/// from the call that made it; the executor writes the result back to that variable. Changing
/// any other dict (`.Values`, the dot, a dict also stored elsewhere) would render something
/// else than Helm, so it fails the render as a gap of the engine (`unsupported`).
enum DictMutations {
    static let names: Set<String> = ["set", "unset", "merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite"]
    /// Functions whose result is a new dict no one else holds.
    static let producers: Set<String> = ["dict", "fromYaml", "fromJson", "mustFromJson", "deepCopy", "mustDeepCopy", "pick", "omit"]
    /// Functions that only read their arguments: passing a variable to them shares nothing.
    static let readers: Set<String> = ["toYaml", "mustToYaml", "toJson", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson",
                                       "mustToRawJson", "hasKey", "get", "keys", "len", "empty", "dig", "kindOf", "kindIs", "typeOf",
                                       "typeIs", "eq", "ne", "not", "quote", "squote", "print", "printf", "println", "required", "index", "toString"]

    static let table: FunctionTable = [
        "set": { args, _ in
            guard args.count == 3, case .map(var map) = args[0] else { throw FunctionError("set wants a dict, a key and a value") }
            map[SprigStrings.stringify(args[1])] = args[2]
            return .map(map)
        },
        "unset": { args, _ in
            guard args.count == 2, case .map(var map) = args[0] else { throw FunctionError("unset wants a dict and a key") }
            map.removeValue(forKey: SprigStrings.stringify(args[1]))
            return .map(map)
        },
        "merge": { args, _ in try merge(args, overwrite: false) },
        "mustMerge": { args, _ in try merge(args, overwrite: false) },
        "mergeOverwrite": { args, _ in try merge(args, overwrite: true) },
        "mustMergeOverwrite": { args, _ in try merge(args, overwrite: true) },
    ]

    static func merge(_ args: [Value], overwrite: Bool) throws -> Value {
        guard let first = args.first, case .map(var dst) = first else { throw FunctionError("merge wants dicts") }
        for source in args.dropFirst() {
            guard case .map(let src) = source else { continue }
            dst = merged(dst, src, overwrite: overwrite)
        }
        return .map(dst)
    }

    /// mergo's rules: a key `dst` lacks, or holds an empty value for, takes `src`'s; two dicts
    /// merge deeply; with `overwrite` `src`'s value wins, empty or not.
    static func merged(_ dst: [String: Value], _ src: [String: Value], overwrite: Bool) -> [String: Value] {
        var out = dst
        for (key, value) in src {
            guard let existing = out[key] else {
                out[key] = value
                continue
            }
            if case .map(let inner) = existing, case .map(let other) = value {
                out[key] = .map(merged(inner, other, overwrite: overwrite))
            } else if SprigData.isEmpty(existing) || overwrite {
                out[key] = value
            }
        }
        return out
    }
}
