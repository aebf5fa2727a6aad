import Foundation

/// Sprig's reflection (`kindOf`, `typeOf`, `deepEqual`, with Go's names), paths (Go's `path`
/// package), list helpers (`concat`, `reverse`, `without`, `compact`, `chunk`), a few string
/// helpers, random values (random as in Helm: never compared), and `getHostByName`, which
/// answers "" as `helm template` does without `--enable-dns`.
enum SprigMore {
    /// The longest random string made (a template is untrusted).
    static let maxRandom = 1 << 20

    static let table: FunctionTable = [
        "kindOf": { args, _ in .string(kind(try SprigStrings.single(args, "kindOf"))) },
        "kindIs": { args, _ in try two(args, "kindIs") { .bool(SprigStrings.stringify($0) == kind($1)) } },
        "typeOf": { args, _ in .string(try SprigStrings.single(args, "typeOf").typeName) },
        "typeIs": { args, _ in try two(args, "typeIs") { .bool(SprigStrings.stringify($0) == $1.typeName) } },
        "typeIsLike": { args, _ in
            // Sprig: the type, or a pointer to it (`typeIsLike "semver.Version"` of a *semver.Version).
            try two(args, "typeIsLike") { target, value in .bool([SprigStrings.stringify(target), "*" + SprigStrings.stringify(target)].contains(value.typeName)) }
        },
        "deepEqual": { args, _ in try two(args, "deepEqual") { .bool($0 == $1) } },
        "base": { args, _ in .string(GoPath.base(try SprigStrings.one(args, "base"))) },
        "dir": { args, _ in .string(GoPath.dir(try SprigStrings.one(args, "dir"))) },
        "ext": { args, _ in .string(GoPath.ext(try SprigStrings.one(args, "ext"))) },
        "clean": { args, _ in .string(GoPath.clean(try SprigStrings.one(args, "clean"))) },
        "isAbs": { args, _ in .bool(try SprigStrings.one(args, "isAbs").hasPrefix("/")) },
        "concat": { args, _ in
            var all: [Value] = []
            for arg in args {
                guard case .list(let items) = arg else { throw FunctionError("Cannot concat type \(arg.typeName) as list") }
                all += items
            }
            return .list(.orNil(all))
        },
        "reverse": { args, _ in .list(of: try SprigData.list(args, "reverse").reversed()) },
        "without": { args, _ in
            guard let first = args.first, case .list(let items) = first else { throw FunctionError("Cannot find without on type \(args.first?.typeName ?? "<nil>")") }
            let omitted = args.dropFirst()
            return .list(of: items.filter { !omitted.contains($0) })
        },
        "compact": { args, _ in .list(of: try SprigData.list(args, "compact").filter { !SprigData.isEmpty($0) }) },
        "chunk": { args, _ in
            guard args.count == 2, case .list(let items) = args[1] else { throw FunctionError("chunk wants a size and a list") }
            let size = SprigData.toInt(args[0])
            guard size > 0 else { throw FunctionError("chunk size must be positive") }
            let chunks = stride(from: 0, to: items.count, by: size).map { Value.list(of: Array(items[$0..<Swift.min($0 + size, items.count)])) }
            return .list(ValueList(chunks, type: .listOfLists))
        },
        "split": { args, _ in try SprigStrings.two(args, "split") { separator, text in numbered(SprigData.goSplit(text, separator)) } },
        // Go's strings.SplitN: at most N parts, the last the rest; 0 none; below 0 all.
        "splitn": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for splitn: want 3 got \(args.count)") }
            let separator = SprigStrings.stringify(args[0]), count = SprigData.toInt(args[1]), text = SprigStrings.stringify(args[2])
            guard count != 0 else { return numbered([]) }
            var parts = SprigData.goSplit(text, separator)
            if count > 0, parts.count > count { parts = Array(parts.prefix(count - 1)) + [parts.dropFirst(count - 1).joined(separator: separator)] }
            return numbered(parts)
        },
        "toStrings": { args, _ in
            switch try SprigStrings.single(args, "toStrings") {
            // A []string is given back as it is (a nil one stays nil).
            case .list(let items) where items.type == .stringList: return .list(items)
            case .list(let items): return .strings(items.map(SprigStrings.stringify))
            case .missing, .null: return .strings([])
            case let other: return .strings([SprigStrings.stringify(other)])
            }
        },
        "trimall": { args, _ in try SprigStrings.two(args, "trimall") { set, text in .string(text.trimmingCharacters(in: CharacterSet(charactersIn: set))) } },
        "untitle": { args, _ in .string(untitle(try SprigStrings.one(args, "untitle"))) },
        "plural": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for plural: want 3 got \(args.count)") }
            return SprigData.toInt(args[2]) == 1 ? .string(SprigStrings.stringify(args[0])) : .string(SprigStrings.stringify(args[1]))
        },
        "uuidv4": { _, _ in .string(UUID().uuidString.lowercased()) },
        "randAlphaNum": { args, _ in try random(args, "randAlphaNum", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") },
        "randAlpha": { args, _ in try random(args, "randAlpha", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") },
        "randNumeric": { args, _ in try random(args, "randNumeric", "0123456789") },
        "randAscii": { args, _ in try random(args, "randAscii", (32...126).map { String(UnicodeScalar(UInt8($0))) }.joined()) },
        "randInt": { args, _ in
            try SprigMath.pair(args, "randInt") { low, high in
                guard low < high else { throw FunctionError("randInt wants min < max") }
                return .int(Int.random(in: low..<high))
            }
        },
        "getHostByName": { _, _ in .string("") },
    ]

    static func two(_ args: [Value], _ name: String, _ body: (Value, Value) -> Value) throws -> Value {
        guard args.count == 2 else { throw FunctionError("wrong number of args for \(name): want 2 got \(args.count)") }
        return body(args[0], args[1])
    }

    /// Go's `reflect.Kind` name of a value.
    static func kind(_ value: Value) -> String {
        switch value {
        case .missing, .null: "invalid"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .float: "float64"
        case .string: "string"
        case .list(let l): l.type.kind
        case .map(let m): m.type.kind
        case .time: "struct"
        }
    }

    /// `split`'s and `splitn`'s `map[string]string`: `_0`, `_1`, … to each part.
    static func numbered(_ parts: [String]) -> Value {
        .map(ValueMap(Dictionary(uniqueKeysWithValues: parts.enumerated().map { ("_\($0.offset)", .string($0.element)) }), type: .stringMap))
    }

    static func untitle(_ text: String) -> String {
        var out = "", atStart = true
        for character in text {
            out += atStart ? character.lowercased() : String(character)
            atStart = character.isWhitespace
        }
        return out
    }

    static func random(_ args: [Value], _ name: String, _ alphabet: String) throws -> Value {
        let count = SprigData.toInt(try SprigStrings.single(args, name))
        guard count <= maxRandom else { throw FunctionError("\(name) of more than \(maxRandom) characters") }
        let letters = Array(alphabet)
        return .string(String((0..<Swift.max(0, count)).map { _ in letters[Int.random(in: 0..<letters.count)] }))
    }
}

/// Go's `path` package: slash-separated paths, lexically.
enum GoPath {
    static func clean(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." { parts.removeLast() } else if !rooted { parts.append(part) }
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return rooted ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func base(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed == "/" { return "/" }
        return String(trimmed.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    static func dir(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return clean("") }
        return clean(String(path[...slash]))
    }

    static func ext(_ path: String) -> String {
        for index in path.indices.reversed() {
            if path[index] == "/" { return "" }
            if path[index] == "." { return String(path[index...]) }
        }
        return ""
    }
}
