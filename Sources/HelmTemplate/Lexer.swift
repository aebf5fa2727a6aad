/// A token of a template, with where it starts (line, and column in bytes as Go counts it;
/// both 1-based) for errors.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case text(String)
        case leftDelim, rightDelim
        case identifier(String)      // a function name or a keyword
        case field(String)           // .Name
        case variable(String)        // $ or $name
        case dot
        case string(String)
        case number(String)
        case char(Unicode.Scalar)
        case pipe, leftParen, rightParen, declare, assign, comma
    }
    var kind: Kind
    var line: Int
    var column: Int
    /// White space came before it (`.A .B` are two operands, `.A.B` one chain).
    var spaced = true
}

/// Splits template text into tokens as Go's text/template lexer does: text between actions,
/// `{{`/`}}` with the `{{- ` and ` -}}` trim markers (which remove the white space next to
/// them from the text), comments `{{/* … */}}`, and inside actions identifiers, `.Field`
/// chains, `$variables`, strings (`"…"` with escapes, `` `raw` ``), numbers and punctuation.
/// It reads Unicode scalars, as Go reads runes: a combining mark after a quote or a
/// delimiter is a character of its own.
struct Lexer {
    let name: String
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String, name: String) {
        self.name = name
        self.scalars = Array(text.unicodeScalars)
    }

    mutating func tokens() throws(TemplateError) -> [Token] {
        var out: [Token] = []
        while index < scalars.count {
            let (text, trimLeft) = readText()
            if !text.isEmpty { out.append(Token(kind: .text(text), line: line, column: column)) }
            guard index < scalars.count else { break }
            if trimLeft, case .text(let t)? = out.last?.kind {
                var view = t.unicodeScalars
                while let last = view.last, last.isGoSpace { view.removeLast() }
                let trimmed = String(view)
                if trimmed.isEmpty { out.removeLast() } else { out[out.count - 1].kind = .text(trimmed) }
            }
            try readAction(into: &out)
        }
        return out
    }

    /// Text up to the next `{{`; whether that action opens with a trim marker.
    private mutating func readText() -> (String, Bool) {
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            if matches("{{") {
                let trim = index + 3 < scalars.count && scalars[index + 2] == "-" && scalars[index + 3].isGoSpace
                return (String(text), trim)
            }
            text.append(advance())
        }
        return (String(text), false)
    }

    private mutating func readAction(into out: inout [Token]) throws(TemplateError) {
        let start = (line, column)
        advance(2)
        if index < scalars.count, scalars[index] == "-", index + 1 < scalars.count, scalars[index + 1].isGoSpace { advance(1) }
        skipSpace()
        if matches("/*") {
            try skipComment(start: start)
            // The (empty) text after a comment is its own: a left trim marker after it trims nothing before the comment.
            out.append(Token(kind: .text(""), line: line, column: column))
            return
        }
        out.append(Token(kind: .leftDelim, line: start.0, column: start.1))
        while true {
            let before = index
            skipSpace()
            let spaced = index > before
            guard index < scalars.count else { throw error("unclosed action", at: start) }
            if matches("-}}") || matches("}}") {
                let trim = matches("-}}")
                out.append(Token(kind: .rightDelim, line: line, column: column))
                advance(trim ? 3 : 2)
                if trim { while index < scalars.count, scalars[index].isGoSpace { advance() } }
                return
            }
            var item = try readItem()
            item.spaced = spaced
            out.append(item)
        }
    }

    private mutating func skipComment(start: (Int, Int)) throws(TemplateError) {
        while index < scalars.count, !matches("*/") { advance() }
        guard matches("*/") else { throw error("unclosed comment", at: start) }
        advance(2)
        skipSpace()
        if matches("-}}") {
            advance(3)
            while index < scalars.count, scalars[index].isGoSpace { advance() }
        } else if matches("}}") {
            advance(2)
        } else {
            throw error("comment ends before closing delimiter", at: start)
        }
    }

    private mutating func readItem() throws(TemplateError) -> Token {
        let (l, c) = (line, column)
        let ch = scalars[index]
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, line: l, column: c) }
        switch ch {
        case "|": advance(); return token(.pipe)
        case "(": advance(); return token(.leftParen)
        case ")": advance(); return token(.rightParen)
        case ",": advance(); return token(.comma)
        case "=": advance(); return token(.assign)
        case ":":
            guard index + 1 < scalars.count, scalars[index + 1] == "=" else { throw error("expected :=", at: (l, c)) }
            advance(2)
            return token(.declare)
        case "\"": return token(.string(try readQuoted()))
        case "`": return token(.string(try readRaw()))
        case "'": return token(.char(try readChar()))
        case "$":
            advance()
            return token(.variable("$" + readWord()))
        case ".":
            if index + 1 < scalars.count, scalars[index + 1].isGoDigit { return token(.number(readNumber())) }
            advance()
            let word = readWord()
            return word.isEmpty ? token(.dot) : token(.field(word))
        default:
            if ch.isGoDigit || ((ch == "-" || ch == "+") && index + 1 < scalars.count && (scalars[index + 1].isGoDigit || scalars[index + 1] == ".")) {
                return token(.number(readNumber()))
            }
            if ch.isGoLetter || ch == "_" { return token(.identifier(readWord())) }
            throw error("unexpected \"\(ch)\" in action", at: (l, c))
        }
    }

    private mutating func readWord() -> String {
        var word = String.UnicodeScalarView()
        while index < scalars.count, scalars[index].isGoLetter || scalars[index].isGoDigit || scalars[index] == "_" { word.append(advance()) }
        return String(word)
    }

    private mutating func readNumber() -> String {
        var text = String.UnicodeScalarView()
        while index < scalars.count, scalars[index].isGoDigit || scalars[index].isGoLetter || "+-._".unicodeScalars.contains(scalars[index]) {
            // A sign only at the start or after an exponent marker.
            if scalars[index] == "+" || scalars[index] == "-", let last = text.last, !"eEpP".unicodeScalars.contains(last) { break }
            text.append(advance())
        }
        return String(text)
    }

    private mutating func readQuoted() throws(TemplateError) -> String {
        let start = (line, column)
        advance()
        var text = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != "\"" {
            if scalars[index] == "\n" { throw error("unterminated quoted string", at: start) }
            if scalars[index] == "\\" {
                advance()
                guard index < scalars.count else { break }
                text.append(try escape())
            } else {
                text.append(advance())
            }
        }
        guard index < scalars.count else { throw error("unterminated quoted string", at: start) }
        advance()
        return String(text)
    }

    private mutating func escape() throws(TemplateError) -> Unicode.Scalar {
        guard index < scalars.count else { throw error("unterminated escape sequence", at: (line, column)) }
        let ch = advance()
        switch ch {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "\\": return "\\"
        case "\"": return "\""
        case "'": return "'"
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "0": return "\0"
        case "x", "u", "U":
            let count = ch == "x" ? 2 : ch == "u" ? 4 : 8
            var hex = String.UnicodeScalarView()
            for _ in 0..<count where index < scalars.count { hex.append(advance()) }
            guard let code = UInt32(String(hex), radix: 16), let scalar = Unicode.Scalar(code) else { throw error("invalid escape \\\(ch)\(String(hex))", at: (line, column)) }
            return scalar
        default: throw error("unknown escape sequence \\\(ch)", at: (line, column))
        }
    }

    private mutating func readRaw() throws(TemplateError) -> String {
        let start = (line, column)
        advance()
        var text = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != "`" { text.append(advance()) }
        guard index < scalars.count else { throw error("unterminated raw quoted string", at: start) }
        advance()
        return String(text)
    }

    private mutating func readChar() throws(TemplateError) -> Unicode.Scalar {
        let start = (line, column)
        advance()
        guard index < scalars.count else { throw error("unterminated character constant", at: start) }
        let value: Unicode.Scalar = scalars[index] == "\\" ? { advance(); return (try? escape()) ?? "?" }() : advance()
        guard index < scalars.count, scalars[index] == "'" else { throw error("unterminated character constant", at: start) }
        advance()
        return value
    }

    private func matches(_ text: String) -> Bool {
        var i = index
        for ch in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == ch else { return false }
            i += 1
        }
        return true
    }

    private mutating func skipSpace() { while index < scalars.count, scalars[index].isGoSpace { advance() } }

    @discardableResult
    private mutating func advance() -> Unicode.Scalar {
        let ch = scalars[index]
        index += 1
        if ch == "\n" { line += 1; column = 1 } else { column += UTF8.width(ch) }
        return ch
    }

    private mutating func advance(_ count: Int) { for _ in 0..<count where index < scalars.count { advance() } }

    private func error(_ message: String, at position: (Int, Int)) -> TemplateError {
        TemplateError(.parse, template: name, line: position.0, column: position.1, message, inTemplate: true)
    }
}

extension Unicode.Scalar {
    /// The white space Go's template lexer trims: space, tab, carriage return, newline.
    var isGoSpace: Bool { self == " " || self == "\t" || self == "\r" || self == "\n" }

    /// Go's `unicode.IsLetter`: a letter of any script.
    var isGoLetter: Bool {
        if isASCII { return ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Go's `unicode.IsDigit`: a decimal digit of any script.
    var isGoDigit: Bool { isASCII ? ("0"..."9").contains(self) : properties.generalCategory == .decimalNumber }
}
