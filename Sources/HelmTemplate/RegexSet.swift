/// A character class: sorted, merged ranges of code points (a class, `\d`, `\p{Greek}`),
/// negated or not, case folded or not. The negated parts of a class (`[\D\P{Lu}x]`) are kept
/// apart, as Go negates them after adding their case variants.
struct RegexSet {
    var ranges: [ClosedRange<UInt32>] = []
    /// Sorted, merged ranges whose complement the class holds.
    var negatedParts: [[ClosedRange<UInt32>]] = []
    var negated = false
    var foldCase = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        // Under case folding, the scalar's case variants are worked out at most once.
        var variants: [Unicode.Scalar]?
        func holds(_ ranges: [ClosedRange<UInt32>]) -> Bool {
            if Self.search(ranges, scalar.value) { return true }
            guard foldCase else { return false }
            let folded = variants ?? Self.caseVariants(scalar)
            variants = folded
            return folded.contains { Self.search(ranges, $0.value) }
        }
        let hit = holds(ranges) || negatedParts.contains { !holds($0) }
        return hit != negated
    }

    /// The lower and upper case of `scalar` that are one scalar each.
    static func caseVariants(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping].compactMap { mapped in
            mapped.unicodeScalars.count == 1 ? mapped.unicodeScalars.first : nil
        }
    }

    /// Whether sorted, disjoint `ranges` hold `value` (a binary search: `\p{L}` is 650 ranges).
    private static func search(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(value)
    }

    /// `ranges` sorted and merged, as `contains` reads them.
    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
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
