/// How go-yaml writes one string: plain where YAML 1.1 reads it back as the same string, else
/// quoted, several lines as a literal block, long ones folded (`YAMLText.helm`).
enum YAMLScalar {
    /// A string as go-yaml v2 writes it: plain, single-quoted, double-quoted, or a literal block.
    static func string(_ s: String, indent: Int) -> String {
        if s.isEmpty { return "\"\"" }
        if resolvesToOtherType(s) { return GoFormat.quote(s) }
        if s.contains("\n") {
            if s.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n") || $0 == "\u{7F}" }) || s.hasPrefix(" ") { return GoFormat.quote(s) }
            let chomp = s.hasSuffix("\n") ? (s.hasSuffix("\n\n") ? "|+" : "|") : "|-"
            let pad = String(repeating: " ", count: max(indent, 2))
            var body = s
            if body.hasSuffix("\n") { body.removeLast() }
            return chomp + "\n" + body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
        }
        if isPlainSafe(s) { return s }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" }) { return GoFormat.quote(s) }
        return "'" + s.replacingEvery("'", with: "''") + "'"
    }

    /// The plain words go-yaml v2 reads as bools, nulls and special floats.
    static let otherTypeWords = ValuesCoalesce.trueWords.union(ValuesCoalesce.falseWords).union(ValuesCoalesce.nullWords)
        .union([".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN"])

    /// Strings YAML 1.1 (go-yaml v2) would read as something else: bools, nulls, numbers,
    /// timestamps, and the base-60 floats go-yaml quotes (`12:30:00`).
    static func resolvesToOtherType(_ s: String) -> Bool {
        if otherTypeWords.contains(s) || isTimestamp(s) || isBase60Float(s) { return true }
        let number = s.replacingEvery("_", with: "")
        let unsigned = number.hasPrefix("-") || number.hasPrefix("+") ? String(number.dropFirst()) : number
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where unsigned.hasPrefix(prefix) {
            return Int(unsigned.dropFirst(2), radix: radix) != nil
        }
        // Decimal integers and floats (Swift would also read hex floats and "inf": not YAML's).
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || ".eE+-".contains($0) }) else { return false }
        return Int(number) != nil || Double(number) != nil
    }

    /// The layouts go-yaml v2 tries on a plain scalar that starts with four digits and a dash.
    static let timestampLayouts = ["2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"]

    /// Whether go-yaml v2 reads `s` as a timestamp: `2020-01-02`, `2020-1-2T03:04:05Z`, ….
    static func isTimestamp(_ s: String) -> Bool {
        let year = s.prefix { $0.isASCII && $0.isNumber }
        guard year.count == 4, s.dropFirst(4).first == "-" else { return false }
        return timestampLayouts.contains { layout in
            do throws(GoTimeParser.Failure) {
                _ = try GoTimeParser.parse(s, layout: layout)
                return true
            } catch {
                return error.isUnsupported  // read, in a zone other than UTC
            }
        }
    }

    /// go-yaml v2's base-60 float: `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`.
    static func isBase60Float(_ s: String) -> Bool {
        guard s.utf8.contains(UInt8(ascii: ":")), let first = s.utf8.first, first < UInt8(ascii: "A") else { return false }
        var rest = Substring(s)
        if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
        let fraction = rest.firstIndex(of: ".").map { rest[$0...].dropFirst() } ?? ""
        if let dot = rest.firstIndex(of: ".") { rest = rest[..<dot] }
        guard fraction.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return false }
        let groups = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count >= 2, let head = groups.first, let first = head.first, first.isASCII, first.isNumber,
              head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return false }
        return groups.dropFirst().allSatisfy { group in
            (1...2).contains(group.count) && group.allSatisfy { $0.isASCII && $0.isNumber } && (group.count == 1 || group.first ?? "9" <= "5")
        }
    }

    /// What libyaml lets stand as a plain scalar in block context.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            // `-`, `?` and `:` may start a plain scalar when no space follows.
            guard "-?:".contains(first), s.count > 1, let second = s.dropFirst().first, second != " " else { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        return !s.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{FEFF}" }
    }

    /// libyaml's folding of a plain or quoted scalar: at a single space (not a quoted one's first
    /// or last character) once the line is past `width`, the space becomes a line break and
    /// `indent`; a double-quoted one escapes a space that would then start the line (`\ `).
    static func fold(_ text: String, column start: Int, indent: Int, width: Int) -> String {
        let characters = Array(text.unicodeScalars)
        guard start + characters.count > width else { return text }
        let quote = characters.first == "'" || characters.first == "\"" ? characters.first : nil
        let body = quote == nil ? 0..<characters.count : 1..<(characters.count - 1)
        var folded = String.UnicodeScalarView()
        var column = start, afterSpace = false
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let edge = quote != nil && (index == body.lowerBound || index == body.upperBound - 1)
            if character == " ", body.contains(index), !afterSpace, column > width, !edge, quote == "\"" || next != " " {
                folded.append("\n")
                folded.append(contentsOf: String(repeating: " ", count: indent).unicodeScalars)
                column = indent
                if quote == "\"", next == " " { folded.append("\\"); column += 1 }
                afterSpace = true
                continue
            }
            folded.append(character)
            column += 1
            afterSpace = character == " "
        }
        return String(folded)
    }
}
