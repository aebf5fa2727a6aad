/// The syntax tree of a regular expression in Go's RE2 syntax (what Sprig's `regex…` functions
/// take): literals, `.`, classes (`[a-z]`, `[^…]`, `\d`, `\w`, `\s`, `[[:alpha:]]`), anchors
/// (`^`, `$`, `\A`, `\z`, `\b`, `\B`), groups (`(…)`, `(?:…)`, `(?P<name>…)`, `(?<name>…)`),
/// flags (`(?i)`, `(?s)`, `(?m)`, `(?U)`), alternation and repetition (`*`, `+`, `?`, `{n,m}`,
/// lazy forms). No backreferences or look-around: RE2 has none, which is what keeps matching
/// linear.
indirect enum RegexNode {
    case empty
    case literal(Unicode.Scalar, foldCase: Bool)
    case set(RegexSet)
    /// `.`: any character, a newline only with `(?s)`.
    case any(dotAll: Bool)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case group(RegexNode, index: Int?)
    case assertion(RegexAssertion)
}

enum RegexAssertion { case lineStart, lineEnd, textStart, textEnd, wordBoundary, notWordBoundary }

struct RegexError: Error {
    var message: String
}

/// Parses Go's RE2 syntax into a `RegexNode`, counting capture groups and their names.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var foldCase = false, dotAll = false, multiLine = false, ungreedy = false
    private(set) var groupCount = 0
    private(set) var groupNames: [Int: String] = [:]
    /// Nesting at most this deep (a pattern is untrusted input).
    static let maxDepth = 500

    init(_ pattern: String) { scalars = Array(pattern.unicodeScalars) }

    mutating func parse() throws(RegexError) -> RegexNode {
        let node = try alternation(depth: 0)
        guard index == scalars.count else { throw RegexError(message: "unexpected ): `\(written(0...))`") }
        return node
    }

    private var atEnd: Bool { index >= scalars.count }

    /// The pattern's text in `range` (clamped to the pattern), as Go's errors quote it.
    private func written(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[max(0, range.lowerBound)..<min(range.upperBound, scalars.count)]))
    }

    private func written(_ range: PartialRangeFrom<Int>) -> String { written(range.lowerBound..<scalars.count) }
    private var current: Unicode.Scalar? { atEnd ? nil : scalars[index] }

    private mutating func alternation(depth: Int) throws(RegexError) -> RegexNode {
        guard depth < Self.maxDepth else { throw RegexError(message: "expression nests too deeply: `\(written(0...))`") }
        var branches = [try concatenation(depth: depth)]
        while current == "|" {
            index += 1
            branches.append(try concatenation(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func concatenation(depth: Int) throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = current, c != "|", c != ")" {
            if c == "\\", index + 1 < scalars.count, scalars[index + 1] == "Q" {
                // Go pushes each quoted character alone: a repetition after `\E` takes the last
                // one (or, for an empty `\Q\E`, what came before it).
                var quoted = quotedLiterals()
                if let last = quoted.popLast() {
                    items += quoted
                    items.append(try repetition(of: last))
                } else if let previous = items.popLast() {
                    // Go forgets the last repetition here: `a*\Q\E*` repeats `a*`.
                    if case .repetition = previous { items.append(try repetition(of: .group(previous, index: nil))) } else { items.append(try repetition(of: previous)) }
                }
                continue
            }
            var atom = try self.atom(depth: depth)
            atom = try repetition(of: atom)
            items.append(atom)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concat(items))
    }

    private mutating func repetition(of atom: RegexNode) throws(RegexError) -> RegexNode {
        var node = atom
        var previousOperator: Int?
        while let c = current {
            var (low, high): (Int, Int?)
            let operatorStart = index
            switch c {
            case "*": (low, high) = (0, nil); index += 1
            case "+": (low, high) = (1, nil); index += 1
            case "?": (low, high) = (0, 1); index += 1
            case "{":
                guard let bounds = try braces() else { return node }
                (low, high) = bounds
            default: return node
            }
            var greedy = !ungreedy
            if current == "?" { greedy.toggle(); index += 1 }
            // Go names the operators as written: from the one before to this one's end.
            if case .repetition = node {
                throw RegexError(message: "invalid nested repetition operator: `\(written((previousOperator ?? operatorStart)..<index))`")
            }
            if case .empty = node { throw RegexError(message: "missing argument to repetition operator: `\(written(operatorStart..<index))`") }
            node = .repetition(node, min: low, max: high, greedy: greedy)
            previousOperator = operatorStart
        }
        return node
    }

    /// `\Q…\E` from its backslash: each character up to `\E` (or the pattern's end) a literal.
    private mutating func quotedLiterals() -> [RegexNode] {
        index += 2
        var literals: [RegexNode] = []
        while let c = current {
            if c == "\\", index + 1 < scalars.count, scalars[index + 1] == "E" {
                index += 2
                break
            }
            literals.append(.literal(c, foldCase: foldCase))
            index += 1
        }
        return literals
    }

    /// `{n}`, `{n,}`, `{n,m}` (at most 1000, as Go); nil when the brace is a literal.
    private mutating func braces() throws(RegexError) -> (Int, Int?)? {
        let start = index
        index += 1
        func number() -> Int? {
            var digits = ""
            while let c = current, ("0"..."9").contains(c) { digits.unicodeScalars.append(c); index += 1 }
            return digits.isEmpty ? nil : Int(digits.prefix(5))
        }
        guard let low = number() else { index = start; return nil }
        var high: Int? = low
        if current == "," {
            index += 1
            high = current == "}" ? nil : number()
            if high == nil, current != "}" { index = start; return nil }
        }
        guard current == "}" else { index = start; return nil }
        index += 1
        guard low <= 1000, (high ?? 0) <= 1000, high.map({ $0 >= low }) ?? true else {
            throw RegexError(message: "invalid repeat count: `\(written(start..<index))`")
        }
        return (low, high)
    }

    private mutating func atom(depth: Int) throws(RegexError) -> RegexNode {
        guard let c = current else { throw RegexError(message: "missing argument") }
        index += 1
        switch c {
        case "(": return try group(depth: depth)
        case ".": return .any(dotAll: dotAll)
        case "^": return .assertion(multiLine ? .lineStart : .textStart)
        case "$": return .assertion(multiLine ? .lineEnd : .textEnd)
        case "[": return .set(try characterClass())
        case "\\": return try escape(inClass: false).node
        case "*", "+", "?": throw RegexError(message: "missing argument to repetition operator: `\(c)`")
        default: return .literal(c, foldCase: foldCase)
        }
    }

    private mutating func group(depth: Int) throws(RegexError) -> RegexNode {
        var name: String?
        if current == "?" {
            index += 1
            if current == "P" || current == "<" {
                if current == "P" { index += 1 }
                guard current == "<" else { throw RegexError(message: "invalid named capture") }
                index += 1
                var text = ""
                while let c = current, c != ">" { text.unicodeScalars.append(c); index += 1 }
                guard current == ">", !text.isEmpty else { throw RegexError(message: "invalid named capture") }
                index += 1
                name = text
            } else {
                return try flags(depth: depth)
            }
        }
        groupCount += 1
        let number = groupCount
        if let name { groupNames[number] = name }
        let saved = (foldCase, dotAll, multiLine, ungreedy)
        let body = try alternation(depth: depth + 1)
        (foldCase, dotAll, multiLine, ungreedy) = saved
        guard current == ")" else { throw RegexError(message: "missing closing ): `\(written(0...))`") }
        index += 1
        return .group(body, index: number)
    }

    /// `(?flags)` for the rest of the group, or `(?flags:…)` for its body.
    private mutating func flags(depth: Int) throws(RegexError) -> RegexNode {
        var on = true
        var flags = (foldCase, dotAll, multiLine, ungreedy)
        while let c = current {
            index += 1
            switch c {
            case "i": flags.0 = on
            case "s": flags.1 = on
            case "m": flags.2 = on
            case "U": flags.3 = on
            case "-": on = false
            case ")":
                (foldCase, dotAll, multiLine, ungreedy) = flags
                return .empty
            case ":":
                let saved = (foldCase, dotAll, multiLine, ungreedy)
                (foldCase, dotAll, multiLine, ungreedy) = flags
                let body = try alternation(depth: depth + 1)
                (foldCase, dotAll, multiLine, ungreedy) = saved
                guard current == ")" else { throw RegexError(message: "missing closing ): `\(written(0...))`") }
                index += 1
                return .group(body, index: nil)
            default: throw RegexError(message: "invalid or unsupported Perl syntax: `(?\(c)`")
            }
        }
        throw RegexError(message: "missing closing ): `\(written(0...))`")
    }

    /// `\d`, `\n`, `\.`, `\x41`, `\b` …: a node outside a class, ranges inside one.
    private mutating func escape(inClass: Bool) throws(RegexError) -> (node: RegexNode, ranges: [ClosedRange<UInt32>], negated: Bool) {
        guard let c = current else { throw RegexError(message: "trailing backslash at end of expression: ``") }
        index += 1
        func one(_ s: Unicode.Scalar) -> (RegexNode, [ClosedRange<UInt32>], Bool) { (.literal(s, foldCase: foldCase), [s.value...s.value], false) }
        func set(_ base: RegexSet, negated: Bool) -> (RegexNode, [ClosedRange<UInt32>], Bool) {
            var s = base
            s.negated = negated
            return (.set(s), base.ranges, negated)
        }
        switch c {
        case "d": return set(.digit, negated: false)
        case "D": return set(.digit, negated: true)
        case "w": return set(.word, negated: false)
        case "W": return set(.word, negated: true)
        case "s": return set(.space, negated: false)
        case "S": return set(.space, negated: true)
        case "n": return one("\n")
        case "t": return one("\t")
        case "r": return one("\r")
        case "f": return one("\u{0C}")
        case "v": return one("\u{0B}")
        case "a": return one("\u{07}")
        case "p", "P":
            let (ranges, caret) = try unicodeClass()
            let negated = caret != (c == "P")
            return (.set(RegexSet(ranges: ranges, negated: negated, foldCase: foldCase)), ranges, negated)
        case "0"..."7":
            // Octal, up to three digits; a lone non-zero digit would be a backreference, which
            // RE2 does not have.
            guard c == "0" || current.map({ ("0"..."7").contains($0) }) == true else { throw RegexError(message: "invalid escape sequence: `\\\(c)`") }
            var value = c.value - 48
            for _ in 1..<3 {
                guard let d = current, ("0"..."7").contains(d) else { break }
                value = value * 8 + d.value - 48
                index += 1
            }
            return one(Unicode.Scalar(value) ?? "\0")
        case "b" where !inClass: return (.assertion(.wordBoundary), [], false)
        case "B" where !inClass: return (.assertion(.notWordBoundary), [], false)
        case "A" where !inClass: return (.assertion(.textStart), [], false)
        case "z" where !inClass: return (.assertion(.textEnd), [], false)
        case "x":
            var hex = ""
            if current == "{" {
                index += 1
                while let h = current, h != "}" { hex.unicodeScalars.append(h); index += 1 }
                index += 1
            } else {
                for _ in 0..<2 { if let h = current { hex.unicodeScalars.append(h); index += 1 } }
            }
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { throw RegexError(message: "invalid escape sequence: `\\x\(hex)`") }
            return one(scalar)
        default:
            // Punctuation escapes itself; a letter or digit escape Go does not know is an error.
            guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else { throw RegexError(message: "invalid escape sequence: `\\\(c)`") }
            return one(c)
        }
    }

    /// `\\pL`, `\\p{Lu}`, `\\p{^Greek}` after the `p` or `P`: the code points the class names,
    /// and whether it is their complement; Go's errors, naming the text as written.
    private mutating func unicodeClass() throws(RegexError) -> (ranges: [ClosedRange<UInt32>], negated: Bool) {
        let start = index - 2
        var name = ""
        if current == "{" {
            index += 1
            while let c = current, c != "}" { name.unicodeScalars.append(c); index += 1 }
            guard current == "}" else {
                throw RegexError(message: "invalid character class range: `\(written(start...))`")
            }
            index += 1
        } else if let c = current {
            name.unicodeScalars.append(c)
            index += 1
        }
        guard let found = UnicodeClass.ranges(named: name) else {
            throw RegexError(message: "invalid character class range: `\(written(start..<index))`")
        }
        return found
    }

    /// `[…]` after its `[`.
    private mutating func characterClass() throws(RegexError) -> RegexSet {
        let classStart = index - 1
        var set = RegexSet(foldCase: foldCase)
        if current == "^" { set.negated = true; index += 1 }
        var first = true
        while let c = current, c != "]" || first {
            first = false
            if c == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                let rest = String(String.UnicodeScalarView(scalars[(index + 2)...]))
                if let end = rest.range(of: ":]") {
                    var name = String(rest[..<end.lowerBound])
                    let negate = name.hasPrefix("^")
                    if negate { name.removeFirst() }
                    guard let ranges = RegexSet.posix[name] else {
                        throw RegexError(message: "invalid character class range: `[:\(negate ? "^" : "")\(name):]`")
                    }
                    if negate { set.negatedParts.append(RegexSet.normalized(ranges)) } else { set.ranges += ranges }
                    index += 2 + (negate ? 1 : 0) + name.unicodeScalars.count + 2
                    continue
                }
            }
            let elementStart = index
            index += 1
            var low: UInt32
            if c == "\\" {
                let escaped = try escape(inClass: true)
                if escaped.negated { set.negatedParts.append(escaped.ranges); continue }  // an escape's ranges are sorted and merged
                if escaped.ranges.count != 1 || escaped.ranges[0].count != 1 { set.ranges += escaped.ranges; continue }
                low = escaped.ranges[0].lowerBound
            } else {
                low = c.value
            }
            if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                guard var high = current?.value else { break }
                index += 1
                if high == 92 /* \ */ {
                    let escaped = try escape(inClass: true)
                    guard escaped.ranges.count == 1 else { throw RegexError(message: "invalid character class range: `\(written(elementStart..<index))`") }
                    high = escaped.ranges[0].lowerBound
                }
                guard high >= low else { throw RegexError(message: "invalid character class range: `\(written(elementStart..<index))`") }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
        guard current == "]" else { throw RegexError(message: "missing closing ]: `\(written(classStart...))`") }
        index += 1
        set.ranges = RegexSet.normalized(set.ranges)
        return set
    }
}
