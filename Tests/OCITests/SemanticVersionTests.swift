import Testing
@testable import OCI

@Suite struct SemanticVersionTests {
    @Test(arguments: [
        ("1.2.3", true), ("0.0.0", true), ("1.2.3-rc.1", true), ("1.2.3+build.5", true), ("1.2.3-rc.1+b", true),
        ("1.2", false), ("v1.2.3", false), ("01.2.3", false), ("1.2.3-", false), ("1.2.3-01", false), ("latest", false),
    ])
    func strictParsing(text: String, valid: Bool) {
        #expect((SemanticVersion(strict: text) != nil) == valid)
    }

    @Test(arguments: [("v1.2.3", "1.2.3"), ("1.2", "1.2.0"), ("1", "1.0.0"), ("2.0.0-beta.1", "2.0.0-beta.1")])
    func lenientParsing(text: String, normalized: String) throws {
        let version = try #require(SemanticVersion(text))
        #expect(version == SemanticVersion(normalized))
    }

    @Test func ordering() throws {
        let ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.1", "2.0.0"]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        #expect(versions.shuffled().sorted() == versions)
        #expect(SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"))
    }
}

@Suite struct VersionConstraintTests {
    static let tags = ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0", "1.10.1", "2.0.0-beta.1", "1.4.0+meta"]

    /// What Helm picks from `tags` for each `--version`: the highest version that satisfies it.
    @Test(arguments: [
        ("*", "1.10.1"), ("^1.2", "1.10.1"), ("~1.2.0", "1.2.5"), ("~1.2", "1.2.5"), ("~1", "1.10.1"),
        (">=1.0 <1.3", "1.2.5"), (">=1.0, <1.3", "1.2.5"), (">= 1.0 < 1.3", "1.2.5"), ("1.x", "1.10.1"), ("1.2.x", "1.2.5"),
        ("1.2", "1.2.5"), ("=1.3.0", "1.3.0"), ("<1.0.0", "0.9.0"), (">=2.0.0-0", "2.0.0-beta.1"),
        ("^0.9", "0.9.0"), ("1.0 - 1.2", "1.2.5"), ("1.0.0 - 1.2.0", "1.2.0"), ("<1 || >=1.3 <1.4", "1.3.0"),
        ("!=1.10.1", "1.4.0+meta"), (">1.3", "1.10.1"), ("<=1.2", "1.2.5"), ("~1.4.0", "1.4.0+meta"),
    ])
    func picksLikeHelm(constraint: String, expected: String) throws {
        let parsed = try #require(VersionConstraint(constraint))
        let best = Self.tags.compactMap { SemanticVersion($0) }.filter { parsed.isSatisfied(by: $0) }.max()
        #expect(best?.original == expected)
    }

    @Test(arguments: [">=3", "^2", "~0.1", "2.x"])
    func matchesNothing(constraint: String) throws {
        let parsed = try #require(VersionConstraint(constraint))
        #expect(Self.tags.compactMap { SemanticVersion($0) }.filter { parsed.isSatisfied(by: $0) }.isEmpty)
    }

    @Test(arguments: ["", "abc", ">=", "1.2.3.4", "~>x.y", ">= >= 1.0", ">=1.0,", "1,,2", ",1.0", "V1.0"])
    func rejectsGarbage(constraint: String) {
        #expect(VersionConstraint(constraint) == nil)
    }

    @Test func caretOnZeroVersions() throws {
        let c = try #require(VersionConstraint("^0.2.3"))
        #expect(c.isSatisfied(by: SemanticVersion("0.2.9")!))
        #expect(!c.isSatisfied(by: SemanticVersion("0.3.0")!))
        let d = try #require(VersionConstraint("^0.0.3"))
        #expect(d.isSatisfied(by: SemanticVersion("0.0.3")!))
        #expect(!d.isSatisfied(by: SemanticVersion("0.0.4")!))
    }

    @Test func prereleasesOnlyWhenAsked() throws {
        #expect(!VersionConstraint.anyStable.isSatisfied(by: SemanticVersion("2.0.0-beta.1")!))
        #expect(try #require(VersionConstraint(">=2.0.0-alpha")).isSatisfied(by: SemanticVersion("2.0.0-beta.1")!))
    }
}
