import Synchronization

/// The code points a `\p{NAME}` class names, resolved as Go's regexp resolves it (Go 1.25,
/// which builds Helm v4): the name in its canonical form (first letter upper case, the rest
/// lower case, no `_`, `-` or space), then `Any`, `Assigned`, `ASCII`, `LC`, a general
/// category (`L`, `Lu`, …, `Cn`), a script (`Greek`, `Han`), or a category's long name
/// (`Letter`, `Lowercase_Letter`, `punct`); `^NAME` is its complement.
enum UnicodeClass {
    /// The table's ranges and whether the class is their complement (`^NAME`, `Assigned`:
    /// Go negates after adding case variants); nil for a name Go's regexp does not know.
    static func ranges(named written: String) -> (ranges: [ClosedRange<UInt32>], negated: Bool)? {
        let caret = written.hasPrefix("^")
        let key = canonical(caret ? String(written.dropFirst()) : written)
        if key == "Assigned" { return (table("Cn", UnicodeTables.categories), !caret) }
        guard let found = resolved(key) else { return nil }
        return (found, caret)
    }

    /// Classes already resolved, by canonical name: a pattern compiles on every call of a
    /// regex function, and `\p{L}` is the union of five tables.
    private static let classes = Mutex<[String: [ClosedRange<UInt32>]]>([:])

    private static func resolved(_ key: String) -> [ClosedRange<UInt32>]? {
        if let known = classes.withLock({ $0[key] }) { return known }
        guard let found = lookup(key) else { return nil }
        classes.withLock { $0[key] = found }
        return found
    }

    private static func lookup(_ key: String) -> [ClosedRange<UInt32>]? {
        switch key {
        case "Any": return [0...0x10FFFF]
        case "Ascii": return [0...127]
        case "Lc": return union(["Lu", "Ll", "Lt"])
        default: break
        }
        if let members = groups[key] { return union(members) }
        if UnicodeTables.categories[key] != nil { return table(key, UnicodeTables.categories) }
        if UnicodeTables.scripts[key] != nil { return table(key, UnicodeTables.scripts) }
        if let category = aliases[key] { return lookup(category) }
        return nil
    }

    /// The one-letter categories (Go's `C` holds the unassigned code points too).
    private static let groups: [String: [String]] = [
        "L": ["Lu", "Ll", "Lt", "Lm", "Lo"], "M": ["Mn", "Mc", "Me"], "N": ["Nd", "Nl", "No"],
        "P": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"], "S": ["Sm", "Sc", "Sk", "So"], "Z": ["Zs", "Zl", "Zp"],
        "C": ["Cc", "Cf", "Cs", "Co", "Cn"],
    ]

    /// The long names of the categories (Unicode's PropertyValueAliases), by canonical form.
    private static let aliases: [String: String] = {
        let pairs = [
            ("Cased_Letter", "Lc"), ("Close_Punctuation", "Pe"), ("Combining_Mark", "M"), ("Connector_Punctuation", "Pc"),
            ("Control", "Cc"), ("Currency_Symbol", "Sc"), ("Dash_Punctuation", "Pd"), ("Decimal_Number", "Nd"),
            ("Enclosing_Mark", "Me"), ("Final_Punctuation", "Pf"), ("Format", "Cf"), ("Initial_Punctuation", "Pi"),
            ("Letter", "L"), ("Letter_Number", "Nl"), ("Line_Separator", "Zl"), ("Lowercase_Letter", "Ll"), ("Mark", "M"),
            ("Math_Symbol", "Sm"), ("Modifier_Letter", "Lm"), ("Modifier_Symbol", "Sk"), ("Nonspacing_Mark", "Mn"),
            ("Number", "N"), ("Open_Punctuation", "Ps"), ("Other", "C"), ("Other_Letter", "Lo"), ("Other_Number", "No"),
            ("Other_Punctuation", "Po"), ("Other_Symbol", "So"), ("Paragraph_Separator", "Zp"), ("Private_Use", "Co"),
            ("Punctuation", "P"), ("Separator", "Z"), ("Space_Separator", "Zs"), ("Spacing_Mark", "Mc"), ("Surrogate", "Cs"),
            ("Symbol", "S"), ("Titlecase_Letter", "Lt"), ("Unassigned", "Cn"), ("Uppercase_Letter", "Lu"), ("cntrl", "Cc"),
            ("digit", "Nd"), ("punct", "P"),
        ]
        return Dictionary(pairs.map { (canonical($0.0), $0.1) }, uniquingKeysWith: { first, _ in first })
    }()

    /// Go's canonical form of a class name.
    static func canonical(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars where scalar != "_" && scalar != "-" && scalar != " " {
            let text = String(scalar)
            out += out.isEmpty ? (scalar.isASCII ? text.uppercased() : text) : (scalar.isASCII ? text.lowercased() : text)
        }
        return out
    }

    private static func union(_ keys: [String]) -> [ClosedRange<UInt32>] {
        RegexSet.normalized(keys.flatMap { table($0, UnicodeTables.categories) })
    }

    /// Tables already read from their text, by name.
    private static let read = Mutex<[String: [ClosedRange<UInt32>]]>([:])

    /// One table's ranges, read from its hexadecimal text once.
    private static func table(_ key: String, _ tables: [String: String]) -> [ClosedRange<UInt32>] {
        if let known = read.withLock({ $0[key] }) { return known }
        var ranges: [ClosedRange<UInt32>] = []
        for piece in (tables[key] ?? "").split(separator: ",") {
            let bounds = piece.split(separator: "-").compactMap { UInt32($0, radix: 16) }
            guard let low = bounds.first, let high = bounds.last, low <= high else { continue }
            ranges.append(low...high)
        }
        read.withLock { $0[key] = ranges }
        return ranges
    }
}
