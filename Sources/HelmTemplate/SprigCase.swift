/// Sprig's `snakecase` and `kebabcase` as xstrings 1.5 makes them: the text cut into words
/// (an upper-case letter starts one, `HTTPServer` is `HTTP` and `Server`, digits are a word
/// of their own, connectors `-` `_` and spaces separate, punctuation and other runes stand
/// apart), the words lowered and joined with the connector, a number kept with the letters
/// it touches where xstrings keeps it (`Bld4Floor3rd` → `bld4_floor_3rd`, `HTTP2xx` → `http_2xx`).
enum SprigCase {
    enum Kind { case end, number, upper, alphabet, connector, punct, other }

    struct Word {
        var kind: Kind
        var scalars: ArraySlice<Unicode.Scalar>
    }

    static func lowerJoined(_ text: String, connector: Unicode.Scalar) -> String {
        var words = Words(Array(text.unicodeScalars))
        var out = String.UnicodeScalarView()
        func write(_ word: Word) {
            guard word.kind == .upper || word.kind == .connector else { return out.append(contentsOf: word.scalars) }
            for scalar in word.scalars { out.append(SprigWords.isConnector(scalar) ? connector : isUpper(scalar) ? SprigWords.lower(scalar) : scalar) }
        }
        /// Writes the words of a number run (digits and letters after a number), returns the
        /// word after them; a connector follows unless that word separates by itself.
        func writeRun(from first: Word) -> Word {
            var word = first
            while word.kind == .alphabet || word.kind == .number {
                write(word)
                word = words.next()
            }
            if ![.end, .punct, .connector].contains(word.kind) { out.append(connector) }
            return word
        }
        var word = words.next()
        while !words.atEnd {
            if word.kind != .connector { write(word) }
            let previous = word
            word = words.next()
            switch previous.kind {
            case .number:
                word = writeRun(from: word)
            case .connector:
                write(previous)
            case .punct:
                break
            default:
                guard word.kind == .number else {
                    if word.kind != .connector && word.kind != .punct { out.append(connector) }
                    break
                }
                guard !words.atEnd else { break }
                let number = word
                word = words.next()
                // A number before letters starts a word of its own; else it stays with the word before.
                guard word.kind == .alphabet else {
                    write(number)
                    if word.kind != .connector && word.kind != .punct { out.append(connector) }
                    break
                }
                out.append(connector)
                write(number)
                word = writeRun(from: word)
            }
        }
        write(word)
        return String(out)
    }

    /// The text's words, one at a time.
    struct Words {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }

        mutating func next() -> Word {
            let start = index
            guard start < scalars.count else { return Word(kind: .end, scalars: []) }
            let first = scalars[start]
            index += 1
            let kind: Kind
            if SprigWords.isConnector(first) {
                kind = .connector
                skip { SprigWords.isConnector($0) }
            } else if isPunct(first) {
                kind = .punct
                skip(while: isPunct)
            } else if isUpper(first) {
                kind = .upper
                upperWord()
            } else if isAlphabet(first) {
                kind = .alphabet
                skip { isAlphabet($0) && !isUpper($0) }
            } else if isNumber(first) {
                kind = .number
                skip(while: isNumber)
            } else {
                kind = .other
                skip { !(SprigWords.isConnector($0) || isAlphabet($0) || isNumber($0) || isPunct($0)) }
            }
            return Word(kind: kind, scalars: scalars[start..<index])
        }

        /// After an upper-case letter: more of them (the last one left for the next word when
        /// a lower-case letter follows it: `HTTPServer`), or lower-case letters.
        private mutating func upperWord() {
            guard index < scalars.count else { return }
            if isUpper(scalars[index]) {
                skip(while: isUpper)
                if index < scalars.count, isAlphabet(scalars[index]) { index -= 1 }
            } else if isAlphabet(scalars[index]) {
                skip { isAlphabet($0) && !isUpper($0) }
            }
        }

        private mutating func skip(while matches: (Unicode.Scalar) -> Bool) {
            while index < scalars.count, matches(scalars[index]) { index += 1 }
        }
    }

    /// Go's unicode.IsUpper (category Lu), IsPunct (P*), IsNumber (N*).
    static func isUpper(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .uppercaseLetter }
    static func isPunct(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }
    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// xstrings' alphabet: a letter, but not a CJK ideograph.
    static func isAlphabet(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isGoLetter else { return false }
        switch scalar.value {
        case 0x4E00...0x9FCC, 0x3400...0x4D85, 0x20000...0x2B81D: return false
        default: return true
        }
    }
}
