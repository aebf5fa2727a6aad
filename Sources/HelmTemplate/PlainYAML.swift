import Yams

/// YAML read as Helm reads values and Chart.yaml (go-yaml): the structure and the text of each
/// scalar, with no resolver (Yams' default one runs regular expressions over every scalar, and
/// starting ICU's regex engine alone costs about 1 ms; what a plain scalar is, is decided by
/// its reader from its text), always UTF-8 whatever YAMS_DEFAULT_ENCODING says, and a syntax
/// error thrown, never read as no values. A key a mapping holds twice is go-yaml's to keep
/// (the last one wins) where Yams refuses the mapping: the earlier key is renamed in the text
/// with a prefix no YAML file holds and the text read again, within bounds; readers take the
/// renamed key back (`unshadowed`) and keep the last of the keys that read the same (a plain
/// `yes:` and a quoted `"yes":` are the same text to Yams, two keys to go-yaml), or skip it.
public enum PlainYAML {
    /// Keys renamed at most, one per reading of the text, and the bytes read again at most
    /// (a hostile file of many keys given twice would be read once per key).
    static let maxShadowed = 100
    static let maxRereadBytes = 16 << 20

    /// A file with more keys given twice than bundle renames: a gap of the reader (Helm reads it).
    public struct TooManyDuplicates: Error, CustomStringConvertible {
        public let keys: [String]
        /// Where the first key given twice stands.
        public let mark: Mark
        public var description: String {
            "holds more keys given twice in one mapping than bundle reads again (\(keys.prefix(3).joined(separator: ", ")), …); Helm keeps the last of each"
        }
    }
    static let shadowMark: Unicode.Scalar = "\u{E000}"

    /// Where a reading error of Yams stands in the text (line and column from 1), if it says.
    public static func mark(of error: any Error) -> Mark? {
        switch error {
        case YamlError.scanner(_, _, let mark, _), YamlError.parser(_, _, let mark, _), YamlError.composer(_, _, let mark, _): mark
        case YamlError.duplicatedKeysInMapping(_, let context): context.mark
        case let error as TooManyDuplicates: error.mark
        default: nil
        }
    }

    /// Whether a key is one renamed because a later one of the same name replaces it.
    public static func isShadowed(_ key: String) -> Bool { key.unicodeScalars.first == shadowMark }

    /// A renamed key's own text.
    public static func unshadowed(_ key: String) -> String {
        guard isShadowed(key) else { return key }
        var scalars = key.unicodeScalars.dropFirst()
        guard let close = scalars.firstIndex(of: shadowMark) else { return key }
        scalars = scalars[scalars.index(after: close)...]
        return String(String.UnicodeScalarView(scalars))
    }

    /// The documents of `text`: the first only, or all of them (`all`).
    public static func documents(_ text: String, all: Bool) throws -> [Yams.Node] {
        var text = text
        for round in 0...maxShadowed {
            do {
                let parser = try Yams.Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
                var roots: [Yams.Node] = []
                while let root = try parser.nextRoot() {
                    roots.append(root)
                    if !all { break }
                }
                return roots
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                guard round < maxShadowed, (round + 1) * text.utf8.count <= maxRereadBytes else { throw TooManyDuplicates(keys: keys, mark: context.mark) }
                guard let renamed = shadow(text, at: context.mark, round) else {
                    throw YamlError.duplicatedKeysInMapping(duplicates: keys, context: context)
                }
                text = renamed
            }
        }
        return []
    }

    /// `text` with the key at `mark` (line and column from 1, in Unicode scalars, as libyaml
    /// counts them) given a prefix of its own; nil when no such place exists.
    static func shadow(_ text: String, at mark: Mark, _ round: Int) -> String? {
        var scalars = Array(text.unicodeScalars)
        var line = 1, column = 1, index = 0
        while index < scalars.count, (line, column) != (mark.line, mark.column) {
            let scalar = scalars[index]
            index += 1
            if scalar == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
            if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        guard (line, column) == (mark.line, mark.column), index < scalars.count else { return nil }
        scalars.insert(contentsOf: "\(shadowMark)\(round)\(shadowMark)".unicodeScalars, at: index)
        var renamed = String.UnicodeScalarView()
        renamed.append(contentsOf: scalars)
        return String(renamed)
    }
}
