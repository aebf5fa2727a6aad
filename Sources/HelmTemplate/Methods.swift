/// The methods Helm's objects offer to templates: `.Capabilities.APIVersions.Has "apps/v1"`
/// and `.Files.Get "path"` (`GetBytes`, `Lines` alike). Nil when `name` is no method of the
/// value; `Glob`, `AsConfig` and `AsSecrets` of `.Files` are not implemented yet and say so.
enum Methods {
    static func call(_ name: String, on receiver: Value, _ arguments: [Value]) throws(FunctionError) -> Value? {
        switch (name, receiver) {
        case ("Has", .list(let items)):
            guard arguments.count == 1, case .string(let wanted) = arguments[0] else { return nil }
            return .bool(items.contains(.string(wanted)))
        case ("Get", .map(let files)), ("GetBytes", .map(let files)):
            guard arguments.count == 1, case .string(let path) = arguments[0] else { return nil }
            return files[path] ?? .string("")
        case ("Lines", .map(let files)):
            guard arguments.count == 1, case .string(let path) = arguments[0] else { return nil }
            guard case .string(var text)? = files[path], !text.isEmpty else { return .list([]) }
            if text.hasSuffix("\n") { text.removeLast() }
            return .list(text.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) })
        case ("Glob", .map), ("AsConfig", .map), ("AsSecrets", .map):
            throw FunctionError("the method .Files.\(name) is not implemented by bundle's template engine yet", isUnsupported: true)
        default:
            return nil
        }
    }
}
