/// A version constraint as Helm reads `--version` (Masterminds semver v3 rules):
/// `1.2.3`, `=1.2`, `!=1.3.0`, `>1`, `>=1.0 <2.0` or `>=1.0, <2.0` (and), `^1.2` (same major),
/// `~1.2.0` (same minor), `1.x` / `1.2.*` / `*` (wildcards), `1.0 - 1.4` (range), `a || b` (or).
///
/// Pre-release versions match only a constraint that itself names a pre-release.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    struct Bound: Sendable {
        enum Op: Sendable { case eq, ne, gt, ge, lt, le }
        var op: Op
        var version: SemanticVersion
    }

    /// Alternatives (`||`), each a list of bounds that must all hold.
    let alternatives: [[Bound]]
    /// Whether any part names a pre-release, which lets pre-releases match.
    let allowsPrerelease: Bool
    public let description: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var alternatives: [[Bound]] = []
        var allowsPrerelease = false
        for alternative in trimmed.components(separatedBy: "||") {
            var bounds: [Bound] = []
            let tokens = Self.tokens(alternative)
            guard !tokens.isEmpty else { return nil }
            var index = 0
            while index < tokens.count {
                if index + 2 < tokens.count, tokens[index + 1] == "-" {
                    // Hyphen range: "1.2 - 1.4.5" means >=1.2.0 <=1.4.5 (a partial upper end is a wildcard).
                    guard let low = Self.partial(tokens[index]), let high = Self.partial(tokens[index + 2]) else { return nil }
                    bounds.append(Bound(op: .ge, version: low.floor))
                    if let ceiling = high.ceiling {
                        bounds.append(Bound(op: .lt, version: ceiling))
                    } else if !high.isAny {
                        bounds.append(Bound(op: .le, version: high.floor))
                    }
                    allowsPrerelease = allowsPrerelease || low.floor.isPrerelease || high.floor.isPrerelease
                    index += 3
                    continue
                }
                guard let parsed = Self.bounds(for: tokens[index]) else { return nil }
                bounds += parsed.bounds
                allowsPrerelease = allowsPrerelease || parsed.prerelease
                index += 1
            }
            alternatives.append(bounds)
        }
        self.alternatives = alternatives
        self.allowsPrerelease = allowsPrerelease
        self.description = trimmed
    }

    /// "*": every stable version; what no `--version` means.
    // "*" always parses (a wildcard with no bounds); SemanticVersionTests uses it throughout.
    public static let anyStable = VersionConstraint("*")!

    public func isSatisfied(by version: SemanticVersion) -> Bool {
        if version.isPrerelease && !allowsPrerelease { return false }
        return alternatives.contains { bounds in
            bounds.allSatisfy { bound in
                switch bound.op {
                case .eq: return version == bound.version
                case .ne: return version != bound.version
                case .gt: return version > bound.version
                case .ge: return version >= bound.version
                case .lt: return version < bound.version
                case .le: return version <= bound.version
                }
            }
        }
    }

    /// Splits on spaces and commas, gluing an operator written apart from its version (">= 1.0").
    private static func tokens(_ text: String) -> [String] {
        let raw = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        var result: [String] = []
        var pendingOperator = ""
        for token in raw {
            if ["=", "!=", ">", ">=", "<", "<=", "~", "~>", "^"].contains(token) {
                pendingOperator = token
                continue
            }
            result.append(pendingOperator + token)
            pendingOperator = ""
        }
        return result
    }

    /// A version with possibly missing or wildcard parts, like `1`, `1.2`, `1.x`, `*`.
    struct Partial {
        var floor: SemanticVersion
        /// The first version above the wildcard's range, or nil when nothing was wild.
        var ceiling: SemanticVersion?
        var isAny: Bool
        /// How many numeric parts were written (1 to 3).
        var given: Int
    }

    static func partial(_ text: String) -> Partial? {
        var text = Substring(text)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        if text == "*" || text == "x" || text == "X" || text.isEmpty {
            return Partial(floor: SemanticVersion(major: 0, minor: 0, patch: 0), ceiling: nil, isAny: true, given: 0)
        }
        // Split off pre-release/build from the numeric core.
        let coreEnd = text.firstIndex(where: { $0 == "-" || $0 == "+" }) ?? text.endIndex
        let core = text[..<coreEnd]
        let suffix = text[coreEnd...]
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        var wild = false
        for part in parts {
            if part == "x" || part == "X" || part == "*" {
                wild = true
                continue
            }
            // Nothing numeric may follow a wildcard ("1.x.3" is not a version).
            guard !wild, let n = UInt64(part) else { return nil }
            numbers.append(n)
        }
        if numbers.isEmpty {
            return Partial(floor: SemanticVersion(major: 0, minor: 0, patch: 0), ceiling: nil, isAny: true, given: 0)
        }
        let full = numbers + Array(repeating: 0, count: 3 - numbers.count)
        guard let floor = SemanticVersion("\(full[0]).\(full[1]).\(full[2])\(suffix)") else { return nil }
        var ceiling: SemanticVersion?
        switch numbers.count {
        case 1: ceiling = SemanticVersion(major: full[0] + 1, minor: 0, patch: 0)
        case 2: ceiling = SemanticVersion(major: full[0], minor: full[1] + 1, patch: 0)
        default: ceiling = nil
        }
        return Partial(floor: floor, ceiling: ceiling, isAny: false, given: numbers.count)
    }

    private static func bounds(for token: String) -> (bounds: [Bound], prerelease: Bool)? {
        let operators = ["!=", ">=", "<=", "~>", "=", ">", "<", "~", "^"]
        let op = operators.first { token.hasPrefix($0) } ?? ""
        guard let p = partial(String(token.dropFirst(op.count))) else { return nil }
        let pre = p.floor.isPrerelease
        let v = p.floor
        switch op {
        case "", "=":
            if p.isAny { return ([Bound(op: .ge, version: v)], pre) }
            if let ceiling = p.ceiling { return ([Bound(op: .ge, version: v), Bound(op: .lt, version: ceiling)], pre) }
            return ([Bound(op: .eq, version: v)], pre)
        case "!=":
            if p.isAny { return ([Bound(op: .lt, version: v)], pre) }
            // "!=1.2" (a wildcard) would need an OR inside an AND; only exact versions are accepted.
            if p.ceiling != nil { return nil }
            return ([Bound(op: .ne, version: v)], pre)
        case ">":
            if p.isAny { return nil }
            if let ceiling = p.ceiling { return ([Bound(op: .ge, version: ceiling)], pre) }
            return ([Bound(op: .gt, version: v)], pre)
        case ">=":
            return ([Bound(op: .ge, version: v)], pre)
        case "<":
            return ([Bound(op: .lt, version: v)], pre)
        case "<=":
            if p.isAny { return ([Bound(op: .ge, version: v)], pre) }
            if let ceiling = p.ceiling { return ([Bound(op: .lt, version: ceiling)], pre) }
            return ([Bound(op: .le, version: v)], pre)
        case "~", "~>":
            // ~1.2.3 and ~1.2: same major and minor; ~1: same major.
            if p.isAny { return ([Bound(op: .ge, version: v)], pre) }
            let upper = p.given == 1
                ? SemanticVersion(major: v.major + 1, minor: 0, patch: 0)
                : SemanticVersion(major: v.major, minor: v.minor + 1, patch: 0)
            return ([Bound(op: .ge, version: v), Bound(op: .lt, version: upper)], pre)
        case "^":
            // ^1.2.3: same major; ^0.2.3: same minor; ^0.0.3: that patch; ^0 and ^0.0 widen to what was given.
            if p.isAny { return ([Bound(op: .ge, version: v)], pre) }
            let upper: SemanticVersion
            if v.major > 0 || p.given == 1 {
                upper = SemanticVersion(major: v.major + 1, minor: 0, patch: 0)
            } else if v.minor > 0 || p.given == 2 {
                upper = SemanticVersion(major: 0, minor: v.minor + 1, patch: 0)
            } else {
                upper = SemanticVersion(major: 0, minor: 0, patch: v.patch + 1)
            }
            return ([Bound(op: .ge, version: v), Bound(op: .lt, version: upper)], pre)
        default:
            return nil
        }
    }
}
