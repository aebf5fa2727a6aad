/// TOML's lexical level for `TOMLReader`: bytes and the line reached, blanks and comments,
/// bare keys, the four kinds of string, and the bare words of numbers, booleans and dates.
struct TOMLCursor {
    typealias Failure = TOMLReader.Failure

    private let text: [UInt8]
    private var index = 0
    private(set) var line = 1

    init(_ source: String) { text = Array(source.utf8) }

    var peek: UInt8? { index < text.count ? text[index] : nil }

    mutating func advance() {
        if peek == 0x0A { line += 1 }
        index += 1
    }

    /// Spaces, tabs and comments; line breaks too when `newlines`.
    mutating func skipBlank(newlines: Bool) {
        while let byte = peek {
            if byte == 0x20 || byte == 0x09 || (newlines && (byte == 0x0A || byte == 0x0D)) {
                advance()
            } else if byte == UInt8(ascii: "#") {
                while let next = peek, next != 0x0A { index += 1 }
            } else {
                return
            }
        }
    }

    mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        advance()
        return true
    }

    mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
        skipBlank(newlines: false)
        guard consume(character) else { throw Failure(message: "expected '\(character)', found \(found)") }
    }

    /// After a key/value or a header: nothing but a comment before the line ends.
    mutating func endOfLine() throws(Failure) {
        skipBlank(newlines: false)
        guard let byte = peek else { return }
        guard byte == 0x0A || byte == 0x0D else { throw Failure(message: "expected a new line, found \(found)") }
    }

    var found: String {
        guard let byte = peek else { return "the end" }
        return GoFormat.quote(String(decoding: [byte], as: UTF8.self))
    }

    mutating func bareKey() throws(Failure) -> String {
        let start = index
        while let byte = peek, TOMLScalar.isBare(byte) { index += 1 }
        guard index > start else { throw Failure(message: "expected a key, found \(found)") }
        return String(decoding: text[start..<index], as: UTF8.self)
    }

    /// A number, boolean or date: up to a separator (a date may hold one space before its time).
    mutating func word() -> String {
        let start = index
        while let byte = peek, !",]}#\r\n\t".utf8.contains(byte) {
            if byte == 0x20 && !(index - start == 10 && text[start + 4] == UInt8(ascii: "-") && index + 1 < text.count && (0x30...0x39).contains(text[index + 1])) { break }
            index += 1
        }
        return String(decoding: text[start..<index], as: UTF8.self)
    }

    private func starts(_ marker: String) -> Bool {
        let bytes = Array(marker.utf8)
        return index + bytes.count <= text.count && Array(text[index..<(index + bytes.count)]) == bytes
    }

    /// `"…"` or `"""…"""` with escapes.
    mutating func basicString() throws(Failure) -> String {
        let multiline = starts("\"\"\"")
        index += multiline ? 3 : 1
        if multiline { skipFirstNewline() }
        var out: [UInt8] = []
        while true {
            guard let byte = peek else { throw Failure(message: "unterminated string") }
            if byte == UInt8(ascii: "\"") {
                if !multiline { index += 1; break }
                // Three quotes close; up to two before them belong to the content.
                let run = quotes(UInt8(ascii: "\""))
                if run >= 3 {
                    out += [UInt8](repeating: byte, count: min(run - 3, 2))
                    index += run
                    break
                }
                out += [UInt8](repeating: byte, count: run); index += run            } else if byte == UInt8(ascii: "\\") {
                index += 1
                try escape(into: &out, multiline: multiline)
            } else if byte == 0x0A || byte == 0x0D {
                guard multiline else { throw Failure(message: "strings cannot contain new lines") }
                out.append(byte); advance()
            } else {
                out.append(byte); index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func escape(into out: inout [UInt8], multiline: Bool) throws(Failure) {
        guard let code = peek else { throw Failure(message: "unterminated string") }
        index += 1
        let simple: [UInt8: UInt8] = [UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "f"): 0x0C,
                                      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "e"): 0x1B]
        if let byte = simple[code] { out.append(byte); return }
        if code == UInt8(ascii: "u") || code == UInt8(ascii: "U") || code == UInt8(ascii: "x") {
            let width = code == UInt8(ascii: "u") ? 4 : code == UInt8(ascii: "x") ? 2 : 8
            guard index + width <= text.count, let value = UInt32(String(decoding: text[index..<(index + width)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(value) else { throw Failure(message: "invalid unicode escape") }
            out += Array(String(scalar).utf8)
            index += width
            return
        }
        // A line-ending backslash in a multi-line string: the break and the blanks after it go.
        if multiline, code == 0x20 || code == 0x09 || code == 0x0A || code == 0x0D {
            index -= 1
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
            return
        }
        throw Failure(message: "invalid escape in string: '\\\(Character(Unicode.Scalar(code)))'")
    }

    /// `'…'` or `'''…'''`, as written.
    mutating func literalString() throws(Failure) -> String {
        let multiline = starts("'''")
        index += multiline ? 3 : 1
        if multiline { skipFirstNewline() }
        let start = index
        while true {
            guard let byte = peek else { throw Failure(message: "unterminated string") }
            if multiline, byte == UInt8(ascii: "'") {
                let run = quotes(byte)
                if run >= 3 {
                    let content = String(decoding: text[start..<(index + min(run - 3, 2))], as: UTF8.self)
                    index += run
                    return content
                }
                index += run
                continue
            }
            if !multiline, byte == UInt8(ascii: "'") {
                let content = String(decoding: text[start..<index], as: UTF8.self)
                index += 1
                return content
            }
            if !multiline, byte == 0x0A || byte == 0x0D { throw Failure(message: "strings cannot contain new lines") }
            advance()
        }
    }

    /// How many `quote` bytes follow from here.
    private func quotes(_ quote: UInt8) -> Int {
        var end = index
        while end < text.count, text[end] == quote { end += 1 }
        return end - index
    }

    private mutating func skipFirstNewline() {
        if starts("\r\n") { index += 2; line += 1 } else if peek == 0x0A { advance() }
    }
}
