/// Helm's `toToml` (BurntSushi/toml's encoder) for template values: a map's plain keys first,
/// then its tables, each group sorted; a table as `[a.b]` indented two spaces a level, a list
/// of maps as `[[a]]`, other lists and maps inside lists inline; floats always with a decimal
/// point or exponent; null values left out. What the encoder refuses (a list holding a null,
/// a list of tables at the top) is returned as its error text, as Helm does.
struct TOMLText {
    struct Refusal: Error { var message: String }

    private var text = ""

    /// `toToml`: the encoder's refusal is the text, as Helm's; `strict` (`mustToToml`) throws it.
    static func encode(_ value: Value, strict: Bool = false) throws -> String {
        var encoder = TOMLText()
        do {
            try encoder.encode(key: [], value)
        } catch let refusal as Refusal {
            if strict { throw FunctionError(refusal.message) }
            return refusal.message
        }
        return encoder.text
    }

    private mutating func encode(key: [String], _ value: Value) throws {
        switch value {
        case .missing, .null:
            // Go's encoder reflects on the nil it was given at the top: a runtime error there.
            if key.isEmpty { throw FunctionError("reflect: call of reflect.Value.Type on zero Value") }
        case .map(let map):
            try table(key: key, map)
        case .list(let list) where try Self.isTableList(list.items):
            guard !key.isEmpty else { throw Refusal(message: "toml: top-level values must be Go maps or structs") }
            for case .map(let element) in list {
                newline()
                text += indent(key) + "[[" + Self.path(key) + "]]"
                newline()
                try mapBody(key: key, element.entries)
            }
        default:
            try keyValue(key: key, value)
        }
    }

    private mutating func table(key: [String], _ map: ValueMap) throws {
        if key.count == 1 { newline() }  // a blank line before each top-level table
        if !key.isEmpty {
            text += indent(key) + "[" + Self.path(key) + "]"
            newline()
        }
        try mapBody(key: key, map.entries)
    }

    private mutating func mapBody(key: [String], _ map: [String: Value]) throws {
        let (direct, tables) = try Self.split(map)
        for name in direct + tables { try encode(key: key + [name], map[name] ?? .null) }
    }

    private mutating func keyValue(key: [String], _ value: Value) throws {
        if let last = key.last { text += indent(key) + Self.bareOrQuoted(last) + " = " }
        try element(value)
        if !key.isEmpty { newline() }
    }

    /// A value inside a line: scalars, lists as `[a, b]`, maps as `{k = v}`.
    private mutating func element(_ value: Value) throws {
        switch value {
        case .missing, .null:
            throw FunctionError("reflect: call of reflect.Value.Type on zero Value")
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number), .int64(let number): text += String(number)
        case .float(let number): text += Self.float(number)
        case .string(let string): text += Self.quoted(string)
        case .time(let time): text += Self.time(time)
        case .list(let list):
            text += "["
            for (index, item) in list.enumerated() {
                try element(item)
                if index != list.count - 1 { text += ", " }
            }
            text += "]"
        case .map(let map):
            let (direct, tables) = try Self.split(map.entries)
            text += "{"
            for (group, names) in [(0, direct), (1, tables)] {
                for (index, name) in names.enumerated() {
                    guard let item = map.entries[name], !Comparison.isNil(item) else { continue }
                    text += Self.bareOrQuoted(name) + " = "
                    try element(item)
                    if (group == 0 && !tables.isEmpty) || index != names.count - 1 { text += ", " }
                }
            }
            text += "}"
        }
    }

    /// The encoder writes a line break only once something has been written.
    private mutating func newline() { if !text.isEmpty { text += "\n" } }

    private func indent(_ key: [String]) -> String { String(repeating: "  ", count: max(0, key.count - 1)) }

    /// Keys whose values are plain (written first) and tables (maps, lists of maps), each
    /// sorted; nulls dropped.
    static func split(_ map: [String: Value]) throws -> (direct: [String], tables: [String]) {
        var direct: [String] = [], tables: [String] = []
        for (name, value) in map where !Comparison.isNil(value) {
            switch value {
            case .map: tables.append(name)
            case .list(let list) where try isTableList(list.items): tables.append(name)
            default: direct.append(name)
            }
        }
        return (direct.sorted(), tables.sorted())
    }

    /// A non-empty list of maps only; a null anywhere in a list (or a list in it) is refused.
    static func isTableList(_ list: [Value]) throws -> Bool {
        guard !list.isEmpty else { return false }
        var allTables = true
        for item in list {
            switch item {
            case .missing, .null: throw Refusal(message: "toml: cannot encode array with nil element")
            case .map: break
            case .list(let inner): _ = try isTableList(inner.items); allTables = false
            default: allTables = false
            }
        }
        return allTables
    }

    /// A time as BurntSushi/toml writes one: RFC 3339, or a local date-time, date or time
    /// without what it lacks.
    static func time(_ time: GoTimeValue) -> String {
        let stamp = time.rfc3339
        switch time.zone.name {
        case "datetime-local": return String(stamp.dropLast())
        case "date-local": return String(stamp.prefix(10))
        case "time-local": return String(stamp.dropFirst(11).dropLast())
        default: return stamp
        }
    }

    static func path(_ key: [String]) -> String { key.map(bareOrQuoted).joined(separator: ".") }

    static func bareOrQuoted(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        return bare ? key : quoted(key)
    }

    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += SprigWords.unicodeEscape(scalar, uppercase: false)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Go's shortest `%g`, with `.0` added when it has neither a point nor an exponent.
    static func float(_ number: Double) -> String {
        if number.isNaN { return number.sign == .minus ? "-nan" : "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        let written = GoFloat.format(number)
        return written.contains(".") || written.contains("e") ? written : written + ".0"
    }
}
