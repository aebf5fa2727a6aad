/// Sprig's functions that change a dict in place (`set`, `unset`, `merge`, `mergeOverwrite`), as
/// Go changes a map: every holder of the dict (the values, the dot, any variable) sees the
/// change, since a `ValueMap` holds its entries by reference.
enum DictMutations {

    static let table: FunctionTable = [
        "set": { args, _ in
            guard args.count == 3, case .map(let map) = args[0] else { throw FunctionError("set wants a dict, a key and a value") }
            if map.isNil { throw FunctionError("assignment to entry in nil map") }
            map.setShared(SprigStrings.stringify(args[1]), args[2])
            return args[0]
        },
        "unset": { args, _ in
            guard args.count == 2, case .map(let map) = args[0] else { throw FunctionError("unset wants a dict and a key") }
            map.removeShared(SprigStrings.stringify(args[1]))
            return args[0]
        },
        "merge": { args, _ in try merge(args, overwrite: false) },
        "mustMerge": { args, _ in try merge(args, overwrite: false) },
        "mergeOverwrite": { args, _ in try merge(args, overwrite: true) },
        "mustMergeOverwrite": { args, _ in try merge(args, overwrite: true) },
    ]

    /// Every source merged into the first dict, in place; the first dict returned.
    static func merge(_ args: [Value], overwrite: Bool) throws -> Value {
        guard let first = args.first, case .map(let dst) = first else { throw FunctionError("merge wants dicts") }
        for source in args.dropFirst() {
            guard case .map(let src) = source else { continue }
            merge(src, into: dst, overwrite: overwrite)
        }
        return first
    }

    /// mergo's rules: a key `dst` lacks, or holds an empty value for, takes `src`'s (the same
    /// dict, shared, as Go assigns it); two dicts merge deeply, in place; with `overwrite`
    /// `src`'s value wins, empty or not.
    static func merge(_ src: ValueMap, into dst: ValueMap, overwrite: Bool) {
        for (key, value) in src {
            guard let existing = dst[key] else {
                dst.setShared(key, value)
                continue
            }
            if case .map(let inner) = existing, case .map(let other) = value, inner.type.isAssignableToInterfaceMap, other.type.isAssignableToInterfaceMap {
                merge(other, into: inner, overwrite: overwrite)
            } else if SprigData.isEmpty(existing) || overwrite {
                dst.setShared(key, value)
            }
        }
    }
}
