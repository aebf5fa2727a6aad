/// Every other function of Helm's function map (Sprig's and Helm's own) exists, so that a
/// chart using one parses as it does in Helm; until it is implemented, calling it fails the
/// render naming it, rather than rendering something Helm would not.
enum PendingFunctions {
    static let names: [String] = [
        // Helm's: reading TOML.
        "fromToml",
    ]

    static var table: FunctionTable {
        var table: FunctionTable = [:]
        for name in names {
            table[name] = { _, _ in throw FunctionError("the function \(name) is not implemented by bundle's template engine yet; this chart cannot be rendered here yet", isUnsupported: true) }
        }
        return table
    }
}
