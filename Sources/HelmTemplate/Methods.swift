/// The methods Helm's objects offer to templates: `.Capabilities.APIVersions.Has "apps/v1"`
/// and `.Files.Get "path"` (`GetBytes` alike). Nil when `name` is no method of the value.
enum Methods {
    static func call(_ name: String, on receiver: Value, _ arguments: [Value]) -> Value? {
        switch (name, receiver) {
        case ("Has", .list(let items)):
            guard arguments.count == 1, case .string(let wanted) = arguments[0] else { return nil }
            return .bool(items.contains(.string(wanted)))
        case ("Get", .map(let files)), ("GetBytes", .map(let files)):
            guard arguments.count == 1, case .string(let path) = arguments[0] else { return nil }
            return files[path] ?? .string("")
        default:
            return nil
        }
    }
}
