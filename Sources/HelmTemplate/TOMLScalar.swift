/// TOML's bare values: booleans, integers (int64, with `_` between digits; `0x`, `0o`, `0b`),
/// floats (a fraction or an exponent; `inf` and `nan`), and dates and times, as times the way
/// BurntSushi/toml gives them to Helm (a local one in its zone `datetime-local`, `date-local` or
/// `time-local`).
enum TOMLScalar {
    static func read(_ word: String) throws -> Value {
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if isDateOrTime(word) {
            guard let time = time(word) else { throw invalid(word) }
            return .time(time)
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where word.hasPrefix(prefix) {
            let digits = String(word.dropFirst(2))
            guard separatedDigits(digits, radix: radix), let number = Int(digits.replacingEvery("_", with: ""), radix: radix) else { throw invalid(word) }
            return .int64(number)
        }
        let unsigned = word.hasPrefix("+") || word.hasPrefix("-") ? String(word.dropFirst()) : word
        guard let first = unsigned.first, first.isASCII, first.isNumber else { throw invalid(word) }
        let plain = word.replacingEvery("_", with: "")
        if unsigned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) {
            guard separatedDigits(unsigned, radix: 10), !(unsigned.hasPrefix("0") && unsigned.count > 1) else { throw invalid(word) }
            guard let number = Int(plain) else { throw TOMLReader.Failure(message: "integer \(word) does not fit in 64 bits") }
            return .int64(number)
        }
        return .float(try float(word, unsigned: unsigned, plain: plain))
    }

    /// `1.5`, `-0.01`, `5e+22`, `6.626e-34`: digits on both sides of the point.
    private static func float(_ word: String, unsigned: String, plain: String) throws -> Double {
        let parts = unsigned.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false).flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard mantissa.allSatisfy({ separatedDigits(String($0), radix: 10) }), !(mantissa[0].hasPrefix("0") && mantissa[0].count > 1) else { throw invalid(word) }
        if parts.count > 1 {
            let exponent = parts[1].hasPrefix("+") || parts[1].hasPrefix("-") ? parts[1].dropFirst() : parts[1]
            guard separatedDigits(String(exponent), radix: 10) else { throw invalid(word) }
        }
        guard parts.count > 1 || mantissa.count > 1, let number = Double(plain) else { throw invalid(word) }
        return number
    }

    /// Digits of `radix`, an underscore only between two of them.
    static func separatedDigits(_ text: String, radix: Int) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_"), !text.contains("__") else { return false }
        return text.allSatisfy { $0 == "_" || ($0.isASCII && $0.hexDigitValue.map { $0 < radix } == true) }
    }

    static func isDateOrTime(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        func digit(_ at: Int) -> Bool { at < bytes.count && (0x30...0x39).contains(bytes[at]) }
        let date = bytes.count >= 10 && (0..<4).allSatisfy(digit) && bytes[4] == UInt8(ascii: "-")
        let time = bytes.count >= 8 && digit(0) && digit(1) && bytes[2] == UInt8(ascii: ":")
        return date || time
    }

    /// The kinds of TOML time: the layout each is read by and the zone a local one is in.
    static let timeKinds: [(layout: String, localZone: String?)] = [
        ("2006-01-02T15:04:05.999999999Z07:00", nil), ("2006-01-02T15:04:05.999999999", "datetime-local"),
        ("2006-01-02", "date-local"), ("15:04:05.999999999", "time-local"),
    ]

    /// An offset date-time (`1979-05-27T07:32:00Z`, `T`, `t` or a space between), a local
    /// date-time, a local date or a local time; nil for text that is none of them.
    static func time(_ word: String) -> GoTimeValue? {
        var text = word
        if text.count > 10, let separator = text.dropFirst(10).first, separator == " " || separator == "t" {
            text = String(text.prefix(10)) + "T" + text.dropFirst(11)
        }
        for (layout, localZone) in timeKinds {
            guard var time = try? GoTimeParser.parse(text, layout: layout) else { continue }
            // A local one in BurntSushi's zone of its kind (a time of day on Go's year 0).
            if let localZone { time.zone = GoZone(offset: 0, name: localZone) }
            return time
        }
        return nil
    }

    static func isBare(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
    }

    private static func invalid(_ word: String) -> TOMLReader.Failure {
        TOMLReader.Failure(message: "expected a value, found \(GoFormat.quote(word))")
    }
}
