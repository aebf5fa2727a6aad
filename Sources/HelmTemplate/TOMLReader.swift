/// Helm's `fromToml` (BurntSushi/toml decoding into a map): TOML 1.0's keys (bare, quoted,
/// dotted), tables, arrays of tables, strings of all four kinds, integers (int64; hex, octal,
/// binary), floats, booleans, arrays and inline tables (with TOML 1.1's line breaks, trailing
/// comma and `\e`/`\xHH` escapes, as BurntSushi's reader takes them). A document it cannot read gives the
/// map `{"Error": …}`, as Helm's does (the message is the engine's own). Dates and times are
/// `unsupported`: Go's printed form of them names zones the engine does not write.
struct TOMLReader {
    struct Failure: Error { var message: String }

    /// A table being built: its entries, and whether a `[header]` named it (twice is an error).
    final class Table {
        var entries: [String: Entry] = [:]
        var declared = false
    }

    enum Entry {
        case value(Value)
        case table(Table)
        case tables([Table])
    }

    private var cursor: TOMLCursor
    private let root = Table()
    private var current: Table
    private var depth = 0
    static let maxDepth = 500

    init(_ source: String) {
        cursor = TOMLCursor(source)
        current = root
    }

    /// The document as a map, or `{"Error": …}`.
    static func read(_ source: String) throws(FunctionError) -> Value {
        var reader = TOMLReader(source)
        do {
            try reader.document()
        } catch let failure as Failure {
            return .map(["Error": .string("toml: line \(reader.cursor.line): \(failure.message)")])
        } catch let error as FunctionError {
            throw error
        } catch {
            return .map(["Error": .string("toml: line \(reader.cursor.line): \(error)")])
        }
        return Self.value(of: reader.root)
    }

    static func value(of table: Table) -> Value {
        .map(ValueMap(table.entries.mapValues { entry in
            switch entry {
            case .value(let value): value
            case .table(let inner): value(of: inner)
            case .tables(let list): .list(of: list.map(value(of:)))
            }
        }))
    }

    private mutating func document() throws {
        while true {
            cursor.skipBlank(newlines: true)
            guard let byte = cursor.peek else { return }
            if byte == UInt8(ascii: "[") {
                try header()
            } else {
                let key = try dottedKey()
                try cursor.expect("=")
                try assign(key, try value(), in: current)
            }
            try cursor.endOfLine()
        }
    }

    private mutating func header() throws {
        cursor.advance()
        let isArray = cursor.consume("[")
        let key = try dottedKey()
        try cursor.expect("]")
        if isArray { try cursor.expect("]") }
        var table = root
        for part in key.dropLast() { table = try descend(table, part) }
        let last = key[key.count - 1]
        switch table.entries[last] {
        case nil where isArray:
            let new = Table()
            table.entries[last] = .tables([new])
            current = new
        case nil:
            let new = Table()
            new.declared = true
            table.entries[last] = .table(new)
            current = new
        case .tables(let list)? where isArray:
            let new = Table()
            table.entries[last] = .tables(list + [new])
            current = new
        case .table(let existing)? where !isArray && !existing.declared:
            existing.declared = true
            current = existing
        default:
            throw Failure(message: "key \(GoFormat.quote(key.joined(separator: "."))) is already defined")
        }
    }

    /// The table under `table` named `part`, made when missing; the last of an array of tables.
    private func descend(_ table: Table, _ part: String) throws(Failure) -> Table {
        switch table.entries[part] {
        case nil:
            let new = Table()
            table.entries[part] = .table(new)
            return new
        case .table(let inner)?: return inner
        case .tables(let list)?: return list[list.count - 1]
        case .value?: throw Failure(message: "key \(GoFormat.quote(part)) is already defined as a value")
        }
    }

    private func assign(_ key: [String], _ value: Value, in start: Table) throws(Failure) {
        var table = start
        for part in key.dropLast() { table = try descend(table, part) }
        let last = key[key.count - 1]
        guard table.entries[last] == nil else { throw Failure(message: "key \(GoFormat.quote(key.joined(separator: "."))) is already defined") }
        table.entries[last] = .value(value)
    }

    // MARK: Keys

    private mutating func dottedKey() throws -> [String] {
        var parts: [String] = []
        repeat {
            cursor.skipBlank(newlines: false)
            parts.append(try simpleKey())
            cursor.skipBlank(newlines: false)
        } while cursor.consume(".")
        return parts
    }

    private mutating func simpleKey() throws -> String {
        switch cursor.peek {
        case UInt8(ascii: "\"")?: return try cursor.basicString()
        case UInt8(ascii: "'")?: return try cursor.literalString()
        default: return try cursor.bareKey()
        }
    }

    // MARK: Values

    private mutating func value() throws -> Value {
        cursor.skipBlank(newlines: false)
        guard let byte = cursor.peek else { throw Failure(message: "expected a value, found the end") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try cursor.basicString())
        case UInt8(ascii: "'"): return .string(try cursor.literalString())
        case UInt8(ascii: "["): return try nested { (reader: inout TOMLReader) throws in try reader.array() }
        case UInt8(ascii: "{"): return try nested { (reader: inout TOMLReader) throws in try reader.inlineTable() }
        default: return try TOMLScalar.read(cursor.word())
        }
    }

    private mutating func nested(_ body: (inout TOMLReader) throws -> Value) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw Failure(message: "arrays and tables nest deeper than \(Self.maxDepth)") }
        return try body(&self)
    }

    private mutating func array() throws -> Value {
        cursor.advance()
        var items: [Value] = []
        while true {
            cursor.skipBlank(newlines: true)
            if cursor.consume("]") { return .list(of: items) }
            items.append(try value())
            cursor.skipBlank(newlines: true)
            if cursor.consume("]") { return .list(of: items) }
            try cursor.expect(",")
        }
    }

    private mutating func inlineTable() throws -> Value {
        // TOML 1.1, as BurntSushi's reads it: line breaks and a trailing comma allowed.
        cursor.advance()
        let table = Table()
        while true {
            cursor.skipBlank(newlines: true)
            if cursor.consume("}") { return Self.value(of: table) }
            let key = try dottedKey()
            try cursor.expect("=")
            try assign(key, try value(), in: table)
            cursor.skipBlank(newlines: true)
            if cursor.consume("}") { return Self.value(of: table) }
            try cursor.expect(",")
        }
    }
}
