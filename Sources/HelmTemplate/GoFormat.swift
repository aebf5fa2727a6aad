import Foundation

/// Go's `fmt.Sprint` and `fmt.Sprintf` for template values, with Go's own marks for a verb
/// that does not fit its argument (`%!d(string=x)`), a missing argument (`%!v(MISSING)`) and
/// extra ones (`%!(EXTRA int=1)`).
enum GoFormat {
    /// `fmt.Sprint`: operands side by side, a space between two that are not strings.
    static func sprint(_ values: [Value]) -> String {
        var out = ""
        for (i, value) in values.enumerated() {
            if i > 0, !isString(values[i - 1]), !isString(value) { out += " " }
            out += value.formatted
        }
        return out
    }

    static func isString(_ value: Value) -> Bool {
        if case .string = value { return true }
        return false
    }

    struct Spec {
        var minus = false, plus = false, zero = false, space = false, sharp = false
        var width: Int?
        var precision: Int?
    }

    static func sprintf(_ format: String, _ args: [Value]) -> String {
        var out = ""
        var next = 0
        let chars = Array(format)
        var i = 0
        while i < chars.count {
            guard chars[i] == "%" else { out.append(chars[i]); i += 1; continue }
            i += 1
            guard i < chars.count else { out += "%!(NOVERB)"; break }
            var spec = Spec()
            while i < chars.count, "-+0 #".contains(chars[i]) {
                switch chars[i] {
                case "-": spec.minus = true
                case "+": spec.plus = true
                case "0": spec.zero = true
                case " ": spec.space = true
                default: spec.sharp = true
                }
                i += 1
            }
            spec.width = readNumber(chars, &i)
            if i < chars.count, chars[i] == "." { i += 1; spec.precision = readNumber(chars, &i) ?? 0 }
            // Go refuses widths and precisions over 1e6.
            if let width = spec.width, width > 1_000_000 { out += "%!(BADWIDTH)"; spec.width = nil }
            if let precision = spec.precision, precision > 1_000_000 { out += "%!(BADPREC)"; spec.precision = nil }
            guard i < chars.count else { out += "%!(NOVERB)"; break }
            let verb = chars[i]
            i += 1
            if verb == "%" { out += "%"; continue }
            guard next < args.count else { out += "%!\(verb)(MISSING)"; continue }
            out += pad(convert(args[next], verb: verb, spec: spec), spec)
            next += 1
        }
        let extras = args.dropFirst(next).map { Comparison.isNil($0) ? "<nil>" : "\($0.typeName)=\($0.formatted)" }
        if !extras.isEmpty { out += "%!(EXTRA " + extras.joined(separator: ", ") + ")" }
        return out
    }

    static func readNumber(_ chars: [Character], _ i: inout Int) -> Int? {
        var digits = ""
        while i < chars.count, chars[i].isNumber { digits.append(chars[i]); i += 1 }
        return digits.isEmpty ? nil : Int(digits) ?? Int.max
    }

    static func pad(_ text: String, _ spec: Spec) -> String {
        guard let width = spec.width, text.count < width else { return text }
        let fill = String(repeating: spec.zero && !spec.minus ? "0" : " ", count: width - text.count)
        if spec.minus { return text + fill }
        if spec.zero, let sign = text.first, sign == "-" || sign == "+" { return String(sign) + fill + text.dropFirst() }
        return fill + text
    }

    static func bad(_ verb: Character, _ value: Value) -> String {
        Comparison.isNil(value) ? "%!\(verb)(<nil>)" : "%!\(verb)(\(value.typeName)=\(value.formatted))"
    }

    static func convert(_ value: Value, verb: Character, spec: Spec) -> String {
        // The integer verbs format an int64 as an int; any other names its type (`%!s(int64=3)`).
        if case .int64(let n) = value, "dxXobcqU".contains(verb) { return convert(.int(n), verb: verb, spec: spec) }
        switch (verb, value) {
        case ("T", _): return Comparison.isNil(value) ? "<nil>" : value.typeName
        case ("v", _): return spec.plus || spec.sharp ? value.formatted : value.formatted
        // A Stringer (a time, a version) is its text to the verbs of text.
        case _ where "sqxX".contains(verb) && value.stringerText != nil:
            return convert(.string(value.stringerText ?? ""), verb: verb, spec: spec)
        case ("s", .string(let s)): return spec.precision.map { String(s.prefix($0)) } ?? s
        // Go formats a slice's or a map's elements each with the verb.
        case (_, .list(let items)): return "[" + items.map { convert($0, verb: verb, spec: spec) }.joined(separator: " ") + "]"
        case (_, .map(let map)):
            return "map[" + map.keys.sorted().map { convert(.string($0), verb: verb, spec: spec) + ":" + convert(map[$0] ?? .null, verb: verb, spec: spec) }
                .joined(separator: " ") + "]"
        case ("q", .string(let s)): return quote(s)
        case ("q", .int(let n)): return "'" + (Unicode.Scalar(UInt32(clamping: n)).map { String(Character($0)) } ?? "?") + "'"
        case ("d", .int(let n)): return (spec.plus && n >= 0 ? "+" : "") + String(n)
        case ("t", .bool(let b)): return b ? "true" : "false"
        case ("x", .int(let n)), ("X", .int(let n)):
            let hex = String(n, radix: 16, uppercase: verb == "X")
            return n < 0 ? "-" + hex.dropFirst() : hex
        case ("x", .string(let s)), ("X", .string(let s)):
            return SprigCodec.hex(bytes: s.utf8, uppercase: verb == "X")
        case ("o", .int(let n)): return String(n, radix: 8)
        case ("b", .int(let n)): return String(n, radix: 2)
        case ("c", .int(let n)): return Unicode.Scalar(UInt32(clamping: n)).map { String(Character($0)) } ?? "\u{FFFD}"
        case ("f", .float(let f)), ("F", .float(let f)): return String(format: "%\(spec.plus ? "+" : "").\(spec.precision ?? 6)f", f)
        case ("e", .float(let f)), ("E", .float(let f)):
            return String(format: "%.\(spec.precision ?? 6)\(verb)", f)
        case ("g", .float(let f)):
            return spec.precision.map { String(format: "%.\($0)g", f) } ?? GoFloat.format(f)
        default: return bad(verb, value)
        }
    }

    /// Go's `strconv.Quote`: double quotes, Go escapes for control characters.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// Zero-padded on the left to `width` (Go's `%0Nd` of digits already written).
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }

    /// Every `old` replaced by `new`, compared byte for byte as Go's `strings.ReplaceAll`
    /// compares (Foundation's search goes through UTF-16, costs more than the render around it,
    /// and does not find `e` in `e` + a combining accent); `self` when `old` is absent or empty
    /// (where Go inserts `new` around every rune: `replace` does that itself).
    func replacingEvery(_ old: String, with new: String) -> String {
        var text = self, needle = old
        let replacement = Array(new.utf8)
        return text.withUTF8 { bytes in
            needle.withUTF8 { pattern in
                guard let first = pattern.first, bytes.count >= pattern.count else { return self }
                var out: [UInt8] = []
                var found = false, copied = 0, index = 0
                while index <= bytes.count - pattern.count {
                    guard bytes[index] == first, (1..<pattern.count).allSatisfy({ bytes[index + $0] == pattern[$0] }) else {
                        index += 1
                        continue
                    }
                    if !found { out.reserveCapacity(bytes.count) }
                    found = true
                    out.append(contentsOf: bytes[copied..<index])
                    out.append(contentsOf: replacement)
                    index += pattern.count
                    copied = index
                }
                guard found else { return self }
                out.append(contentsOf: bytes[copied...])
                return String(decoding: out, as: UTF8.self)
            }
        }
    }
}
