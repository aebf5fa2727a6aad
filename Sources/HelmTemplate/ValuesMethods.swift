/// The methods of Helm's `common.Values` (`.Values`, `.`, `.Template`, a `Table` of them):
/// `AsMap` (the same map as a plain `map[string]interface {}`, which `dig` takes), `YAML`,
/// `Table "a.b"` and `PathValue "a.b"`, with Helm's errors (`"x" is not a table`). Go calls a
/// method before it looks up a map key of the same name.
enum ValuesMethods {
    static let names: Set<String> = ["AsMap", "YAML", "Table", "PathValue", "Encode"]

    /// `name` read as a field of `values` (no arguments).
    static func property(_ name: String, of values: ValueMap) throws(FunctionError) -> Value {
        switch name {
        case "AsMap": return .map(values.typed(.interfaceMap))
        case "YAML": return .string(YAMLText.encode(.map(values)) + "\n")
        default: throw FunctionError("wrong number of args for \(name): want 1 got 0")
        }
    }

    /// `name` called with `arguments`; nil for a name that is no method of `common.Values`.
    static func call(_ name: String, on values: ValueMap, _ arguments: [Value]) throws(FunctionError) -> Value? {
        guard names.contains(name) else { return nil }
        guard name == "Table" || name == "PathValue", arguments.count == 1, case .string(let path) = arguments[0] else {
            if name == "AsMap" || name == "YAML" { throw FunctionError("wrong number of args for \(name): want 0 got \(arguments.count)") }
            throw FunctionError("wrong number of args for \(name): want 1 got \(arguments.count)")
        }
        return name == "Table" ? .map(try table(path, in: values).typed(.values)) : try pathValue(path, in: values)
    }

    /// Helm's `Values.Table`: the map at the dotted path; `"k" is not a table` for the first
    /// part that is missing or no map.
    static func table(_ path: String, in values: ValueMap) throws(FunctionError) -> ValueMap {
        var table = values
        for part in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            guard case .map(let next)? = table[part], next.type.isAssignableToInterfaceMap else {
                throw FunctionError("\(GoFormat.quote(part)) is not a table")
            }
            table = next
        }
        return table
    }

    /// Helm's `Values.PathValue`: the value (not a map) at the dotted path; `"k" is not a value`
    /// naming its last part otherwise.
    static func pathValue(_ path: String, in values: ValueMap) throws(FunctionError) -> Value {
        guard !path.isEmpty else { throw FunctionError("YAML path cannot be empty") }
        var parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let key = parts.removeLast()
        let notAValue = FunctionError("\(GoFormat.quote(key)) is not a value")
        var table = values
        if !parts.isEmpty {
            do throws(FunctionError) { table = try self.table(parts.joined(separator: "."), in: values) } catch { throw notAValue }
        }
        guard let found = table[key] else { throw notAValue }
        if case .map(let map) = found, map.type.isAssignableToInterfaceMap { throw notAValue }
        return found
    }
}
