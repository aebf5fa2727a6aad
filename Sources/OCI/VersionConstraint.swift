/// A version constraint read exactly as Helm reads `version` (Masterminds semver v3.4 and
/// later, the library Helm 3.19+ and 4 use; 3.4.0 made the pre-release rule below per
/// alternative). The rules, as that library implements them:
///
/// - `a || b` is OR; inside an alternative, comparators separated by spaces or commas are AND.
///   `1.2 - 1.4.5` (spaces around the dash) is `>= 1.2, <= 1.4.5`; `1.1-3` is a version with
///   the pre-release `3`.
/// - Operators: `=` (or none), `!=`, `>`, `<`, `>=` (`=>`), `<=` (`=<`), `~` (`~>`), `^`.
///   A version may start with `v` and may leave out parts or write them `x`, `X` or `*`
///   ("dirty"): `1` and `1.x` leave the minor free, `1.2` and `1.2.x` the patch, `*` all.
/// - No operator (or `=`) on a dirty version means `~`: `1.2` is `>=1.2.0 <1.3.0`.
/// - `~1.2.3`, `~1.2`: at least that, same major and minor. `~1`: same major. `~0.0.0` and
///   `~*`: anything.
/// - `^1.2.3`: at least that, same major. `^0.2.3`: same major and minor (0.2). `^0.0.3`:
///   exactly that patch. `^0.0` is `<0.1.0`, `^0` is `<1.0.0`. A pre-release on the
///   constraint (`^1.2.0-0`, `~1.2.4-0`) lowers the floor only: the major (or minor) must
///   still be the constraint's, so `^1.2.0-0` never takes `2.0.0-rc.1`.
/// - `>1` is `>=2.0.0` (a dirty `>` needs a higher free part), `>1.2` is `>=1.3.0`; `<1.2` is
///   `<1.2.0`; `<=1.2` is `<=1.2.x`; `!=1.2` excludes every 1.2.x, `!=1.x` every 1.x.
/// - Pre-releases: a version with a pre-release satisfies an alternative only when some
///   comparator of that alternative carries a pre-release itself (`>=1.0.0-0 <2.0.0` takes
///   `1.5.0-beta`; `>=1.0.0 <2.0.0` does not). `*` and no version at all mean every stable
///   version.
/// - Comparison is semver precedence: build metadata (`+build.7`) is ignored.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    struct Comparator: Sendable {
        enum Op: String, Sendable { case equal, notEqual, greater, less, greaterOrEqual, lessOrEqual, tilde, caret }
        var op: Op
        /// The version, with free parts as 0 (and the constraint's pre-release, if any).
        var version: SemanticVersion
        /// Some part was left out or written as a wildcard.
        var dirty: Bool
        /// The minor (and so the patch) was free: `1`, `1.x`.
        var minorDirty: Bool
        /// Only the patch was free: `1.2`, `1.2.x`.
        var patchDirty: Bool
    }

    /// Alternatives (`||`), each a list of comparators that must all hold.
    let alternatives: [[Comparator]]
    public let description: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var alternatives: [[Comparator]] = []
        for alternative in trimmed.components(separatedBy: "||") {
            guard let comparators = Self.comparators(alternative) else { return nil }
            alternatives.append(comparators)
        }
        self.alternatives = alternatives
        self.description = trimmed
    }

    /// "*": every stable version; what no `version` means. "*" always parses (a wildcard with
    /// no bounds; HelmVersionRulesTests holds it); an alternative without comparators, which
    /// every stable version satisfies, stands behind it rather than a trap.
    public static let anyStable = VersionConstraint("*") ?? VersionConstraint(alternatives: [[]], description: "*")

    private init(alternatives: [[Comparator]], description: String) {
        self.alternatives = alternatives
        self.description = description
    }

    public func isSatisfied(by version: SemanticVersion) -> Bool {
        alternatives.contains { comparators in
            let includesPrerelease = comparators.contains { $0.version.isPrerelease }
            if version.isPrerelease && !includesPrerelease { return false }
            return comparators.allSatisfy { $0.isSatisfied(by: version) }
        }
    }

    /// One alternative's comparators; a range `a - b` becomes `>=a <=b`.
    static func comparators(_ text: String) -> [Comparator]? {
        let tokens = Self.tokens(text)
        guard !tokens.isEmpty else { return nil }
        var comparators: [Comparator] = []
        var index = 0
        while index < tokens.count {
            if index + 2 < tokens.count, tokens[index + 1] == "-" {
                guard let low = comparator(">=" + tokens[index]), let high = comparator("<=" + tokens[index + 2]) else { return nil }
                comparators += [low, high]
                index += 3
                continue
            }
            guard let parsed = comparator(tokens[index]) else { return nil }
            comparators.append(parsed)
            index += 1
        }
        return comparators
    }

    static let operators: [(String, Comparator.Op)] = [
        (">=", .greaterOrEqual), ("=>", .greaterOrEqual), ("<=", .lessOrEqual), ("=<", .lessOrEqual), ("!=", .notEqual),
        ("~>", .tilde), ("=", .equal), (">", .greater), ("<", .less), ("~", .tilde), ("^", .caret),
    ]

    /// Splits on spaces and commas, gluing an operator written apart from its version (">= 1.0");
    /// an empty piece between commas (`>=1.0,`, `1,,2`) is refused, as Masterminds refuses it.
    static func tokens(_ text: String) -> [String] {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
        guard pieces.count == 1 || pieces.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        let raw = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        var result: [String] = []
        var pendingOperator = ""
        for token in raw {
            if operators.contains(where: { $0.0 == token }) {
                guard pendingOperator.isEmpty else { return [] }
                pendingOperator = token
                continue
            }
            result.append(pendingOperator + token)
            pendingOperator = ""
        }
        return pendingOperator.isEmpty ? result : []
    }

    /// One comparator: an operator, then a version whose parts may be left out or wild.
    static func comparator(_ token: String) -> Comparator? {
        let (prefix, op) = operators.first { token.hasPrefix($0.0) } ?? ("", .equal)
        var text = Substring(token.dropFirst(prefix.count))
        if text.first == "v" { text = text.dropFirst() }
        let coreEnd = text.firstIndex(where: { $0 == "-" || $0 == "+" }) ?? text.endIndex
        var suffix = text[coreEnd...]
        if let plus = suffix.firstIndex(of: "+") {
            guard SemanticVersion("0.0.0" + suffix) != nil else { return nil }
            suffix = suffix[..<plus]
        }
        let parts = text[..<coreEnd].split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        func isWild(_ part: Substring) -> Bool { part == "x" || part == "X" || part == "*" }
        var numbers: [String] = []
        var wild = false
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "x" || $0 == "X" || $0 == "*") }) else { return nil }
            wild = wild || isWild(part)
            if wild { continue }  // what follows a wildcard is free too ("1.x.3" is 1.x)
            guard part.allSatisfy({ $0.isNumber }) else { return nil }
            numbers.append(String(part))
        }
        let minorDirty = numbers.count == 1, patchDirty = numbers.count == 2
        let core = (numbers + Array(repeating: "0", count: 3 - numbers.count)).joined(separator: ".")
        guard let version = SemanticVersion(core + suffix) else { return nil }
        return Comparator(op: op, version: version, dirty: numbers.count < 3, minorDirty: minorDirty, patchDirty: patchDirty)
    }
}
