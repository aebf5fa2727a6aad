/// A semantic version as Helm reads chart versions and tags (Masterminds semver v3).
/// Lenient (`NewVersion`): an optional leading lower-case `v`, missing minor or patch read
/// as 0, leading zeros in the numbers allowed (`01.2.3`). Strict (`StrictNewVersion`, what
/// Helm keeps of OCI tags): exactly `MAJOR.MINOR.PATCH[-pre][+build]`, no `v`, no leading
/// zeros. Both: pre-release identifiers are alphanumerics and `-`, numeric ones without
/// leading zeros; build identifiers alphanumerics and `-`; none empty.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    /// Dot-separated pre-release identifiers; empty for a stable release.
    public var prerelease: [String]
    /// Build metadata; ignored for ordering, as semver says.
    public var build: String
    /// The text it was parsed from.
    public var original: String

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// Parses `1.2.3`, `v1.2`, `1.2.3-rc.1+build.5`. Returns nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Self.parse(text, requireFull: false) else { return nil }
        self = parsed
    }

    /// Parses only complete `MAJOR.MINOR.PATCH[-pre][+build]` versions (no `v`, nothing missing).
    public init?(strict text: String) {
        guard let parsed = Self.parse(text, requireFull: true) else { return nil }
        self = parsed
    }

    public init(major: UInt64, minor: UInt64, patch: UInt64, prerelease: [String] = [], build: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
        self.original = "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: ".")) + (build.isEmpty ? "" : "+" + build)
    }

    private static func parse(_ text: String, requireFull: Bool) -> SemanticVersion? {
        var rest = Substring(text)
        if !requireFull, rest.first == "v" { rest = rest.dropFirst() }
        var build = ""
        if let plus = rest.firstIndex(of: "+") {
            build = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
            guard Self.validIdentifiers(build, numericNoLeadingZero: false) else { return nil }
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            let pre = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
            guard Self.validIdentifiers(pre, numericNoLeadingZero: true) else { return nil }
            prerelease = pre.split(separator: ".").map(String.init)
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (requireFull ? 3...3 : 1...3).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  !(requireFull && part.count > 1 && part.first == "0"),
                  let n = UInt64(part)
            else { return nil }
            numbers.append(n)
        }
        var version = SemanticVersion(
            major: numbers[0], minor: numbers.count > 1 ? numbers[1] : 0, patch: numbers.count > 2 ? numbers[2] : 0,
            prerelease: prerelease, build: build)
        version.original = text
        return version
    }

    private static func validIdentifiers(_ text: String, numericNoLeadingZero: Bool) -> Bool {
        let ids = text.split(separator: ".", omittingEmptySubsequences: false)
        return !ids.isEmpty && ids.allSatisfy { id in
            !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && !(numericNoLeadingZero && id.count > 1 && id.first == "0" && id.allSatisfy(\.isNumber))
        }
    }

    public var description: String { original }

    public static func == (a: SemanticVersion, b: SemanticVersion) -> Bool {
        a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.prerelease == b.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    /// Orders versions of equal precedence by their build metadata (none first, then identifier
    /// by identifier, numbers numerically), so that a choice among them never depends on the
    /// order a registry lists them in.
    public static func buildOrder(_ a: SemanticVersion, _ b: SemanticVersion) -> Bool {
        if a != b { return a < b }
        if a.build.isEmpty || b.build.isEmpty { return a.build.isEmpty && !b.build.isEmpty }
        return identifiersPrecede(a.build.split(separator: ".").map(String.init), b.build.split(separator: ".").map(String.init))
    }

    /// Semver's rule for dot-separated identifiers: numbers numerically and before words,
    /// words in ASCII order, a shorter list first when all else is equal.
    static func identifiersPrecede(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            switch (UInt64(x), UInt64(y)) {
            case let (m?, n?): return m < n
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return x < y
            }
        }
        return a.count < b.count
    }

    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        // A pre-release sorts before its release.
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, true): return false
        case (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        return identifiersPrecede(a.prerelease, b.prerelease)
    }
}
