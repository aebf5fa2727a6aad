import Foundation

/// Sprig's string functions as Helm ships them (the ones charts use to build image
/// references, names and labels). Each takes its arguments as Go passes them: the piped value
/// last.
enum SprigStrings {
    static let table: FunctionTable = [
        // nil arguments are left out, as Sprig does.
        "quote": { args, _ in .string(args.filter { !Comparison.isNil($0) }.map { GoFormat.quote(stringify($0)) }.joined(separator: " ")) },
        "squote": { args, _ in .string(args.filter { !Comparison.isNil($0) }.map { "'" + stringify($0) + "'" }.joined(separator: " ")) },
        "upper": { args, _ in .string(try one(args, "upper").uppercased()) },
        "lower": { args, _ in .string(try one(args, "lower").lowercased()) },
        "title": { args, _ in .string(title(try one(args, "title"))) },
        "trim": { args, _ in .string(try one(args, "trim").trimmingCharacters(in: .whitespacesAndNewlines)) },
        "trimAll": { args, _ in try two(args, "trimAll") { cut, s in .string(s.trimmingCharacters(in: CharacterSet(charactersIn: cut))) } },
        "trimSuffix": { args, _ in try two(args, "trimSuffix") { suffix, s in .string(s.hasSuffix(suffix) && !suffix.isEmpty ? String(s.dropLast(suffix.count)) : s) } },
        "trimPrefix": { args, _ in try two(args, "trimPrefix") { prefix, s in .string(s.hasPrefix(prefix) && !prefix.isEmpty ? String(s.dropFirst(prefix.count)) : s) } },
        "contains": { args, _ in try two(args, "contains") { part, s in .bool(part.isEmpty || s.contains(part)) } },
        "hasPrefix": { args, _ in try two(args, "hasPrefix") { prefix, s in .bool(s.hasPrefix(prefix)) } },
        "hasSuffix": { args, _ in try two(args, "hasSuffix") { suffix, s in .bool(s.hasSuffix(suffix)) } },
        "replace": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for replace: want 3 got \(args.count)") }
            let text = stringify(args[2]), old = stringify(args[0]), new = stringify(args[1])
            // Go's strings.ReplaceAll: an empty old string matches before each character and at the end.
            guard !old.isEmpty else { return .string(new + text.unicodeScalars.map { String($0) + new }.joined()) }
            return .string(text.replacingEvery(old, with: new))
        },
        "repeat": { args, _ in
            guard args.count == 2, case .int(let count) = args[0] else { throw FunctionError("repeat wants a count and a string") }
            let text = stringify(args[1])
            guard count <= 0 || text.utf8.count <= maxString / count else { throw FunctionError("repeat would make more than \(maxString) bytes") }
            return .string(String(repeating: text, count: max(0, count)))
        },
        "trunc": { args, _ in
            guard args.count == 2, let count = integer(args[0]) else { throw FunctionError("trunc wants a length and a string") }
            let s = stringify(args[1])
            if count >= 0 { return .string(String(s.prefix(count))) }
            return .string(String(s.suffix(Int(clamping: count.magnitude))))
        },
        "nospace": { args, _ in .string(try one(args, "nospace").filter { !$0.isWhitespace }) },
        "indent": { args, _ in
            guard args.count == 2, let count = integer(args[0]), count <= 10_000 else { throw FunctionError("indent wants a width (at most 10000) and a string") }
            guard count >= 0 else { throw FunctionError("strings: negative Repeat count") }
            return .string(indent(stringify(args[1]), count))
        },
        "nindent": { args, _ in
            guard args.count == 2, let count = integer(args[0]), count <= 10_000 else { throw FunctionError("nindent wants a width (at most 10000) and a string") }
            guard count >= 0 else { throw FunctionError("strings: negative Repeat count") }
            return .string("\n" + indent(stringify(args[1]), count))
        },
        "toString": { args, _ in .string(stringify(try single(args, "toString"))) },
        "cat": { args, _ in .string(args.filter { !Comparison.isNil($0) }.map(stringify).joined(separator: " ")) },
        "b64enc": { args, _ in .string(Data(try one(args, "b64enc").utf8).base64EncodedString()) },
        "b64dec": { args, _ in
            guard let data = Data(base64Encoded: try one(args, "b64dec")) else { throw FunctionError("illegal base64 data") }
            return .string(String(decoding: data, as: UTF8.self))
        },
        "snakecase": { args, _ in .string(SprigCase.lowerJoined(try one(args, "snakecase"), connector: "_")) },
        "kebabcase": { args, _ in .string(SprigCase.lowerJoined(try one(args, "kebabcase"), connector: "-")) },
    ]

    /// A value as Sprig's `toString` writes it (`fmt.Sprint`; a nil is `<nil>`).
    /// Go's `strings.Title`: a letter after a separator (anything but an ASCII letter, digit or
    /// `_`, a Unicode letter or digit) upper-cased.
    static func title(_ text: String) -> String {
        var out = "", previous: Character = " "
        for character in text {
            out += isSeparator(previous) ? character.uppercased() : String(character)
            previous = character
        }
        return out
    }

    static func isSeparator(_ character: Character) -> Bool {
        if character.isASCII { return !(character.isLetter || character.isNumber || character == "_") }
        if character.isLetter || character.isNumber { return false }
        return character.isWhitespace
    }

    static func stringify(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return value.formatted
    }

    static func integer(_ value: Value) -> Int? {
        switch value {
        case .int(let i), .int64(let i): i
        case .float(let f): f.isFinite && abs(f) < 9.2e18 ? Int(f) : nil
        case .string(let s): Int(s)
        default: nil
        }
    }

    /// The longest string a function makes (the engine's output limit applies as well).
    static let maxString = 64 << 20

    static func indent(_ text: String, _ width: Int) -> String {
        let pad = String(repeating: " ", count: max(0, width))
        return pad + text.replacingEvery("\n", with: "\n" + pad)
    }

    static func single(_ args: [Value], _ name: String) throws -> Value {
        guard args.count == 1 else { throw FunctionError("wrong number of args for \(name): want 1 got \(args.count)") }
        return args[0]
    }

    static func one(_ args: [Value], _ name: String) throws -> String { stringify(try single(args, name)) }

    static func two(_ args: [Value], _ name: String, _ body: (String, String) -> Value) throws -> Value {
        guard args.count == 2 else { throw FunctionError("wrong number of args for \(name): want 2 got \(args.count)") }
        return body(stringify(args[0]), stringify(args[1]))
    }
}
