/// A character class: ranges and Unicode general categories (`\\pL`), negated or not, case
/// folded or not.
struct RegexSet {
    var ranges: [ClosedRange<UInt32>] = []
    var categories: [Unicode.GeneralCategory] = []
    var negated = false
    var foldCase = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var hit = ranges.contains { $0.contains(scalar.value) } || categories.contains(scalar.properties.generalCategory)
        if !hit, foldCase {
            for other in [String(scalar).lowercased(), String(scalar).uppercased()] {
                if let s = other.unicodeScalars.first, other.unicodeScalars.count == 1, ranges.contains(where: { $0.contains(s.value) }) { hit = true }
            }
        }
        return hit != negated
    }

    /// Every Unicode general category (what `\\P{…}` inside a class adds is the others).
    static let allCategories: [Unicode.GeneralCategory] = [
        .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark, .spacingMark,
        .enclosingMark, .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation, .dashPunctuation, .openPunctuation,
        .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
        .modifierSymbol, .otherSymbol, .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate,
        .privateUse, .unassigned,
    ]

    /// The code points outside `ranges` (`\\D`, `\\W`, `\\S` inside a class).
    static func complement(of ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var gaps: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { gaps.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound &+ 1)
        }
        if next <= 0x10FFFF { gaps.append(next...0x10FFFF) }
        return gaps
    }

    static let digit = RegexSet(ranges: [48...57])
    static let word = RegexSet(ranges: [48...57, 65...90, 95...95, 97...122])
    static let space = RegexSet(ranges: [9...10, 12...13, 32...32])
    static let posix: [String: [ClosedRange<UInt32>]] = [
        "alnum": [48...57, 65...90, 97...122], "alpha": [65...90, 97...122], "ascii": [0...127], "blank": [9...9, 32...32],
        "cntrl": [0...31, 127...127], "digit": [48...57], "graph": [33...126], "lower": [97...122], "print": [32...126],
        "punct": [33...47, 58...64, 91...96, 123...126], "space": [9...13, 32...32], "upper": [65...90],
        "word": [48...57, 65...90, 95...95, 97...122], "xdigit": [48...57, 65...70, 97...102],
    ]
}
