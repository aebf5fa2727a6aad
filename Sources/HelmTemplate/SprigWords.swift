/// Sprig's word functions, on Go's bytes as Sprig's helpers (goutils, xstrings) count them:
/// `wrap` and `wrapWith` (break at spaces, `wrapWith` breaking long words too), `abbrev` and
/// `abbrevboth` (ellipses at one or both ends), `camelcase`; and Go's own `js` escaper.
enum SprigWords {
    static let table: FunctionTable = [
        "wrap": { args, context in
            .string(try wrap(SprigStrings.stringify(args[1]), width: SprigData.toInt(args[0]), separator: "\n", breakingWords: false, context))
        },
        "wrapWith": { args, context in
            .string(try wrap(SprigStrings.stringify(args[2]), width: SprigData.toInt(args[0]), separator: SprigStrings.stringify(args[1]), breakingWords: true, context))
        },
        "abbrev": { args, _ in
            let width = SprigData.toInt(args[0]), text = SprigStrings.stringify(args[1])
            return .string(width < 4 ? text : abbreviate(Array(text.utf8), offset: 0, width: width))
        },
        "abbrevboth": { args, _ in
            let left = SprigData.toInt(args[0]), right = SprigData.toInt(args[1]), text = SprigStrings.stringify(args[2])
            if right < 4 || (left > 0 && right < 7) { return .string(text) }
            return .string(abbreviate(Array(text.utf8), offset: left, width: right))
        },
        "camelcase": { args, _ in .string(camelCase(SprigStrings.stringify(args[0]))) },
        "js": { args, _ in .string(javaScriptEscaped(SprigText.goArguments(args))) },
    ]

    /// goutils' WrapCustom: lines of at most `width` bytes, broken at the last space that
    /// fits; a longer word is broken (`breakingWords`) or left whole up to the next space.
    static func wrap(_ text: String, width requested: Int, separator: String, breakingWords: Bool, _ context: CallContext) throws -> String {
        let bytes = Array(text.utf8), width = max(requested, 1)
        // Every line may add a separator: refuse what would pass the output limit before building it.
        guard (bytes.count / width + 1) * max(separator.utf8.count, 1) <= context.executor.limits.outputBytes else {
            throw FunctionError("the wrapped text would be longer than \(context.executor.limits.outputBytes) bytes")
        }
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var wrapped = "", offset = 0
        while bytes.count - offset > width {
            if bytes[offset] == 0x20 { offset += 1; continue }
            if let space = bytes[offset...(offset + width)].lastIndex(of: 0x20) {
                wrapped += slice(offset..<space) + separator
                offset = space + 1
            } else if breakingWords {
                wrapped += slice(offset..<(offset + width)) + separator
                offset += width
            } else if let space = bytes[(offset + width)...].firstIndex(of: 0x20) {
                wrapped += slice(offset..<space) + separator
                offset = space + 1
            } else {
                wrapped += slice(offset..<bytes.count)
                offset = bytes.count
            }
        }
        return wrapped + slice(offset..<bytes.count)
    }

    /// goutils' AbbreviateFull: at most `width` bytes, `...` where text was left out, keeping
    /// the part from `offset` on in view.
    static func abbreviate(_ bytes: [UInt8], offset requested: Int, width: Int) -> String {
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        if bytes.isEmpty || width < 4 { return "" }
        if bytes.count <= width { return text(0..<bytes.count) }
        // Go's ints wrap where Swift's trap: a hostile offset (-2^63) takes the same turn as in Go.
        var offset = min(requested, bytes.count)
        if bytes.count &- offset < width - 3 { offset = bytes.count - (width - 3) }
        if offset <= 4 { return text(0..<(width - 3)) + "..." }
        if width < 7 { return "" }
        if offset &+ width &- 3 < bytes.count { return "..." + abbreviate(Array(bytes[offset...]), offset: 0, width: width - 3) }
        return "..." + text((bytes.count - (width - 3))..<bytes.count)
    }

    /// xstrings 1.5's ToCamelCase: words split at `_`, `-` and spaces, each capitalised and the
    /// rest lowered; leading and repeated connectors kept but one.
    static func camelCase(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)[...]
        var result = String.UnicodeScalarView()
        while let first = scalars.first, isConnector(first) { result.append(first); scalars.removeFirst() }
        guard var current = scalars.popFirst().map(upper) else {
            // Only connectors: xstrings writes the last one twice.
            if let last = result.last { result.append(last) }
            return String(result)
        }
        while let next = scalars.popFirst() {
            let previous = current
            if isConnector(next) && isConnector(previous) { result.append(previous); current = next; continue }
            if isConnector(previous) { current = upper(next) } else { current = lower(next); result.append(previous) }
        }
        result.append(current)
        return String(result)
    }

    static func isConnector(_ scalar: Unicode.Scalar) -> Bool { scalar == "-" || scalar == "_" || scalar.properties.isWhitespace }
    /// Go's simple case mapping: one rune for one (a longer full mapping, `ß` → `SS`, is not taken).
    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar { single(scalar.properties.uppercaseMapping) ?? scalar }
    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        // The one letter whose simple lower case differs from the first of its full mapping: `İ` → `i`.
        scalar == "\u{130}" ? "i" : single(scalar.properties.lowercaseMapping) ?? scalar
    }
    private static func single(_ mapping: String) -> Unicode.Scalar? {
        mapping.unicodeScalars.count == 1 ? mapping.unicodeScalars.first : nil
    }

    /// Go's JSEscapeString: quotes, backslash and `<>&=` escaped, control and unprintable
    /// runes as `\uXXXX`.
    static func javaScriptEscaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "'": escaped += "\\'"
            case "\"": escaped += "\\\""
            case "<", ">", "&", "=": escaped += unicodeEscape(scalar)
            case _ where scalar.value < 0x20: escaped += unicodeEscape(scalar)
            case _ where scalar.value >= 0x80 && !isPrintable(scalar): escaped += unicodeEscape(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `\uXXXX` (Go's escapers write the hex in upper case, TOML's encoder in lower).
    static func unicodeEscape(_ scalar: Unicode.Scalar, uppercase: Bool = true) -> String {
        "\\u" + String(scalar.value, radix: 16, uppercase: uppercase).leftPadded(4)
    }

    /// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return scalar == " "
        }
    }
}
