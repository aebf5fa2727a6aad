/// Picking a version among a registry's tags or an index's entries, the way Helm does, and
/// deterministically where Helm is not: of versions of equal precedence (differing only in
/// build metadata, like `1.2.3+build.7` and `1.2.3+build.10`) the one with the highest build
/// metadata is taken, whatever order they were listed in, and a warning names them all.
public struct VersionChoice: Sendable {
    /// The chosen candidate's own text (a tag, or an index entry's version).
    public var chosen: String
    public var version: SemanticVersion
    /// Every candidate of the chosen version's precedence, in order, when there are several.
    public var ties: [String]

    /// Says that several versions had the chosen one's precedence, and how to pin one.
    public func tieWarning(_ subject: String) -> String? {
        guard ties.count > 1 else { return nil }
        return "\(subject): \(ties.joined(separator: ", ")) have equal precedence (they differ only in build metadata); took \(version.original), the highest build. Pin one with version: \(version.original)"
    }
}

public enum VersionSelection {
    /// The highest candidate satisfying `constraint`; candidates are (version, text) pairs.
    public static func highest(_ candidates: [(version: SemanticVersion, text: String)], matching constraint: VersionConstraint) -> VersionChoice? {
        /// Precedence, then build metadata, then the text: a total order, so no listing order shows.
        func precedes(_ a: (version: SemanticVersion, text: String), _ b: (version: SemanticVersion, text: String)) -> Bool {
            SemanticVersion.buildOrder(a.version, b.version) || (!SemanticVersion.buildOrder(b.version, a.version) && a.text < b.text)
        }
        let matching = candidates.filter { constraint.isSatisfied(by: $0.version) }
        guard let best = matching.max(by: precedes) else { return nil }
        let ties = matching.filter { $0.version == best.version }.sorted(by: precedes).map(\.text)
        return VersionChoice(chosen: best.text, version: best.version, ties: Set(ties).count > 1 ? ties : [])
    }

    /// For a version Helm would look up as an exact tag but that is not there (`1.2`, `1`):
    /// the constraint the user probably meant, if it is a different string.
    public static func suggestedConstraint(for requested: String) -> String? {
        var core = Substring(requested)
        if core.first == "v" { core = core.dropFirst() }
        let numeric = core.prefix { $0.isNumber || $0 == "." }
        guard numeric.count == core.count else { return nil }
        switch numeric.split(separator: ".", omittingEmptySubsequences: false).count {
        case 1: return "^\(numeric)"
        case 2: return "~\(numeric)"
        default: return SemanticVersion(requested).map { "\($0.major).\($0.minor).\($0.patch)" }.flatMap { $0 == requested ? nil : $0 }
        }
    }

    /// Helm stores `+` (invalid in tags) as `_`.
    public static func tag(fromVersion version: String) -> String { version.replacingOccurrences(of: "+", with: "_") }
    public static func version(fromTag tag: String) -> String { tag.replacingOccurrences(of: "_", with: "+") }

    /// Up to `count` available versions closest in order to `requested`, ascending.
    public static func nearest(to requested: String, among available: [String], count: Int = 5) -> [String] {
        let versions = Array(Set(available.compactMap { SemanticVersion($0) })).sorted()
        guard !versions.isEmpty else { return Array(available.sorted().suffix(count)) }
        guard let target = SemanticVersion(requested) else { return versions.suffix(count).map(\.description) }
        let insertion = versions.firstIndex(where: { $0 > target }) ?? versions.count
        let low = max(0, min(insertion - (count + 1) / 2, versions.count - count))
        return versions[low..<min(versions.count, low + count)].map(\.description)
    }
}
