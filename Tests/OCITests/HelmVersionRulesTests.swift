import Content
import Foundation
import HTTP
import Testing
import TestSupport
@testable import OCI

/// Version resolution as Helm does it. The expected results are facts: Masterminds semver v3's
/// documented rules and rows of its own test tables (constraints_test.go: TestConstraintCheck,
/// TestConstraintsCheck), and the rows of issue 11 measured against Helm itself.
@Suite struct HelmVersionRulesTests {
    /// (constraint, version, satisfied) — Masterminds' tables, prerelease and 0.x rows included.
    static let masterminds: [(String, String, Bool)] = [
        ("=2.0.0", "1.2.3", false), ("=2.0.0", "2.0.0", true), ("=2.0", "1.2.3", false), ("=2.0", "2.0.0", true), ("=2.0", "2.0.1", true),
        ("4.1", "4.1.0", true), ("!=4.1.0", "4.1.0", false), ("!=4.1.0", "4.1.1", true), ("!=4.1", "4.1.0", false), ("!=4.1", "4.1.1", false),
        ("!=4.1", "5.1.0-alpha.1", false), ("!=4.1.0", "5.1.0-alpha.1", false), ("!=4.1-alpha", "4.1.0", true), ("!=4.1", "5.1.0", true),
        ("<11", "0.1.0", true), ("<11", "11.1.0", false), ("<1.1", "0.1.0", true), ("<1.1", "1.1.0", false), ("<1.1", "1.1.1", false),
        ("<=11", "1.2.3", true), ("<=11", "12.2.3", false), ("<=11", "11.2.3", true), ("<=1.1", "1.2.3", false), ("<=1.1", "0.1.0", true),
        ("<=1.1", "1.1.0", true), ("<=1.1", "1.1.1", true), (">1.1", "4.1.0", true), (">1.1", "1.1.0", false), (">0", "0", false),
        (">0", "1", true), (">0", "0.0.1-alpha", false), (">0.0", "0.0.1-alpha", false), (">0-0", "0.0.1-alpha", false),
        (">0.0-0", "0.0.1-alpha", false), (">0", "0.0.0-alpha", false), (">0-0", "0.0.0-alpha", false), (">0.0.0-0", "0.0.0-alpha", true),
        (">1.2.3-alpha.1", "1.2.3-alpha.2", true), (">1.2.3-alpha.1", "1.3.3-alpha.2", true), (">11", "11.1.0", false),
        (">11.1", "11.1.0", false), (">11.1", "11.1.1", false), (">11.1", "11.2.1", true), (">=11", "11.1.2", true), (">=11.1", "11.1.2", true),
        (">=11.1", "11.0.2", false), (">=1.1", "4.1.0", true), (">=1.1", "1.1.0", true), (">=1.1", "0.0.9", false), (">=0", "0.0.1-alpha", false),
        (">=0.0", "0.0.1-alpha", false), (">=0-0", "0.0.1-alpha", true), (">=0.0-0", "0.0.1-alpha", true), (">=0", "0.0.0-alpha", false),
        (">=0-0", "0.0.0-alpha", true), (">=0.0.0-0", "0.0.0-alpha", true), (">=0.0.0-0", "1.2.3", true), (">=0.0.0-0", "3.4.5-beta.1", true),
        ("<0", "0.0.0-alpha", false), ("<0-z", "0.0.0-alpha", true), (">=0", "0", true), ("=0", "1", false), ("*", "1", true), ("*", "4.5.6", true),
        ("*", "1.2.3-alpha.1", false), ("*-0", "1.2.3-alpha.1", true), ("2.*", "1", false), ("2.*", "3.4.5", false), ("2.*", "2.1.1", true),
        ("2.1.*", "2.1.1", true), ("2.1.*", "2.2.1", false), ("2", "1", false), ("2", "3.4.5", false), ("2", "2.1.1", true), ("2.1", "2.1.1", true),
        ("2.1", "2.2.1", false), ("~1.2.3", "1.2.4", true), ("~1.2.3", "1.3.4", false), ("~1.2", "1.2.4", true), ("~1.2", "1.3.4", false),
        ("~1", "1.2.4", true), ("~1", "2.3.4", false), ("~0.2.3", "0.2.5", true), ("~0.2.3", "0.3.5", false), ("~1.2.3-beta.2", "1.2.3-beta.4", true),
        ("~1.2.3-beta.2", "1.2.4-beta.2", true), ("~1.2.3-beta.2", "1.3.4-beta.2", false), ("^1.2.3", "1.8.9", true), ("^1.2.3", "2.8.9", false),
        ("^1.2.3", "1.2.1", false), ("^1.1.0", "2.1.0", false), ("^1.2.0", "2.2.1", false), ("^1.2.0", "1.2.1-alpha.1", false),
        ("^1.2.0-alpha.0", "1.2.1-alpha.1", true), ("^1.2.0-alpha.0", "1.2.1-alpha.0", true), ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
        ("^1.2", "1.8.9", true), ("^1.2", "2.8.9", false), ("^1", "1.8.9", true), ("^1", "2.8.9", false), ("^0.2.3", "0.2.5", true),
        ("^0.2.3", "0.5.6", false), ("^0.2", "0.2.5", true), ("^0.2", "0.5.6", false), ("^0.0.3", "0.0.3", true), ("^0.0.3", "0.0.4", false),
        ("^0.0", "0.0.3", true), ("^0.0", "0.1.4", false), ("^0.0", "1.0.4", false), ("^0", "0.2.3", true), ("^0", "1.1.4", false),
        ("^0.2.3-beta.2", "0.2.3-beta.4", true), ("^0.2.3-beta.2", "0.2.4-beta.2", true), ("^0.2.3-beta.2", "0.3.4-beta.2", false),
        ("^0.2.3-beta.2", "0.2.3-beta.2", true),
        // TestConstraintsCheck: ANDs, ORs, ranges, wildcards, spacing.
        ("~0.0.0", "1.2.3", true), ("0.x.x", "1.2.3", false), ("0.0.x", "1.2.3", false), ("0.0.0", "1.2.3", false), ("^0.0.0", "1.2.3", false),
        ("= 2.0", "1.2.3", false), ("= 2.0", "2.0.0", true), ("4.1.x", "4.1.3", true), ("1.x", "1.4", true), ("!=4.1-alpha", "4.1.0-alpha", false),
        ("!=4.1-alpha", "4.1.1-alpha", false), ("!=4.x", "5.1.0", true), ("!=4.x", "4.1.0", false), ("!=4.1.x", "4.2.0", true),
        ("!=4.2.x", "4.2.3", false), ("<1.x", "1.1.1", false), ("<1.x", "0.1.1", true), ("<1.x", "2.0.0", false), ("<1.1.x", "1.2.1", false),
        ("<1.1.x", "1.1.500", false), ("<1.1.x", "1.0.500", true), ("<1.2.x", "1.1.1", true), (">=1.1", "4.1.0-beta", false),
        ("<=1.1", "0.1.0-alpha", false), ("<=1.1-a", "0.1.0-alpha", true), ("<=1.x", "1.1.0", true), ("<=2.x", "3.0.0", false),
        ("<=1.1.x", "1.2.500", false), ("<=4.5", "3.4.0", true), ("<=4.5", "3.7.0", true), ("<=4.5", "4.6.3", false), (">1.1, <2", "1.1.1", false),
        (">1.1, <2", "1.2.1", true), (">1.1, <3", "4.3.2", false), (">=1.1, <2, !=1.2.3", "1.2.3", false), (">1.1 <2", "1.2.1", true),
        (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true), (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false), (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
        (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false), ("> 1.1, <     2", "1.1.1", false), (">   1.1, <2", "1.2.1", true),
        (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true), (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true), (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
        (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false), (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
        (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false), (">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", true),
        (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false), (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
        ("1.1 - 2", "1.1.1", true), ("1.5.0 - 4.5", "3.7.0", true), ("1.1-3", "4.3.2", false), ("^1.1", "1.1.1", true), ("^1.1", "4.3.2", false),
        ("^1.x", "1.1.1", true), ("^2.x", "1.1.1", false), ("^1.x", "2.1.1", false), ("^1.x", "1.1.1-beta1", false),
        ("^1.1.2-alpha", "1.2.1-beta1", true), ("^1.2.x-alpha", "1.1.1-beta1", false), ("^0.0.1", "0.0.1", true), ("^0.0.1", "0.3.1", false),
        ("~*", "2.1.1", true), ("~1", "2.1.1", false), ("~1", "1.3.5", true), ("~1", "1.4", true), ("~1.x", "2.1.1", false), ("~1.x", "1.3.5", true),
        ("~1.1", "1.1.1", true), ("~1.1", "1.1.1-alpha", false), ("~1.1-alpha", "1.1.1-beta", true), ("~1.1.1-beta", "1.1.1-alpha", false),
        ("~1.1.1-beta", "1.1.1", true), ("~1.2.3", "1.2.5", true), ("~1.2.3", "1.2.2", false), ("~1.2.3", "1.3.2", false), ("~1.1", "1.2.3", false),
        ("~1.3", "2.4.5", false), ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true), ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
    ]

    @Test func constraintsAsMasterminds() throws {
        #expect(Self.masterminds.count >= 190)
        for (constraint, version, expected) in Self.masterminds {
            let parsed = try #require(VersionConstraint(constraint), "\(constraint) should parse")
            let v = try #require(SemanticVersion(version), "\(version) should parse")
            #expect(parsed.isSatisfied(by: v) == expected, "\(constraint) with \(version): Masterminds says \(expected)")
        }
    }

    /// What Masterminds' NewVersion (Helm's "is this a version?") accepts, and StrictNewVersion.
    @Test(arguments: [
        ("1.2", true, false), ("1", true, false), ("1.10", true, false), ("v1.2", true, false), ("v1.0.0", true, false), ("01.2.3", true, false),
        ("1.0-1.2", true, false), ("1.2.3", true, true), ("1.2.3-rc.1+build.7", true, true), ("V1.0.0", false, false), ("1.2.3.4", false, false),
        ("1.2.3-01", false, false), ("1.2.3-beta.01", false, false), ("", false, false), ("latest", false, false), ("^1.2", false, false),
        ("1.x", false, false), (">=1.0", false, false), ("1.2.3-", false, false), ("1.2.3+", false, false),
    ])
    func versionParsing(text: String, lenient: Bool, strict: Bool) {
        #expect((SemanticVersion(text) != nil) == lenient, "NewVersion(\(text))")
        #expect((SemanticVersion(strict: text) != nil) == strict, "StrictNewVersion(\(text))")
        #expect(ChartPuller.isExactVersion(text) == lenient, "Helm looks \(text) up as an exact tag: \(lenient)")
    }

    static let tags = ["1.0.0", "1.2.0", "1.2.4-rc.1", "1.3.0-beta.1", "1.9.0", "1.10.0", "2.0.0-rc.1", "0.9.9", "0.10.0-rc.1", "v3.0.0", "latest"]

    /// The rows of issue 11 and more: what Helm picks from a registry's tags for a constraint.
    @Test(arguments: [
        ("^1.2.0-0", "1.10.0"), ("^1.2.0-beta.1", "1.10.0"), ("~1.2.0-0", "1.2.4-rc.1"), ("~1.2.4-0", "1.2.4-rc.1"), ("^0.9.0-0", "0.9.9"),
        (">=3.0.0 <3.1", nil), ("*", "1.10.0"), ("", "1.10.0"), ("^1.2", "1.10.0"), ("~1.2", "1.2.0"), (">=2.0.0-0", "2.0.0-rc.1"),
        ("^0.9", "0.9.9"), ("~0.10.0-0", "0.10.0-rc.1"), (">=1.0.0 <2.0.0", "1.10.0"), (">=1.0.0-0 <2.0.0", "2.0.0-rc.1"), ("1.x", "1.10.0"),
        ("<1.3", "1.2.0"), ("1.2 - 1.9", "1.9.0"), ("^2", nil), ("~1.3.0-0", "1.3.0-beta.1"),
    ] as [(String, String?)])
    func picksFromTagsAsHelm(version: String, expected: String?) throws {
        let candidates = Self.tags.compactMap { tag in SemanticVersion(strict: tag).map { (version: $0, text: tag) } }
        let parsed = VersionConstraint(version)
        let constraint = version.isEmpty ? VersionConstraint.anyStable : try #require(parsed)
        #expect(VersionSelection.highest(candidates, matching: constraint)?.chosen == expected, "\(version)")
    }

    @Test func equalPrecedenceIsChosenTheSameWayWhateverTheOrder() throws {
        let builds = ["1.2.3+build.7", "1.2.3+build.10", "1.2.3", "1.2.2+build.99"]
        for order in [builds, builds.reversed(), builds.shuffled()] {
            let candidates = order.compactMap { text in SemanticVersion(text).map { (version: $0, text: text) } }
            let constraint = try #require(VersionConstraint("~1.2"))
            let choice = try #require(VersionSelection.highest(candidates, matching: constraint))
            #expect(choice.chosen == "1.2.3+build.10")
            #expect(choice.ties == ["1.2.3", "1.2.3+build.7", "1.2.3+build.10"])
            let warning = try #require(choice.tieWarning("oci://r/charts/app"))
            #expect(warning.contains("1.2.3+build.7") && warning.contains("version: 1.2.3+build.10"), "\(warning)")
        }
        let single = VersionSelection.highest([(SemanticVersion("1.0.0")!, "1.0.0")], matching: .anyStable)
        #expect(single?.tieWarning("x") == nil)
    }

    @Test(arguments: [("1.2", "~1.2"), ("1", "^1"), ("v1.2", "~1.2"), ("01.2.3", "1.2.3"), ("1.2.3", nil), ("1.0-1.2", nil)] as [(String, String?)])
    func suggestsTheConstraintMeant(requested: String, suggestion: String?) {
        #expect(VersionSelection.suggestedConstraint(for: requested) == suggestion)
    }
}

/// ChartPuller against a scripted registry: exact lookups list no tags, ranges see strict tags only.
@Suite struct ChartPullerResolutionTests {
    static func registry(tags: [String], charts: [String: String]) -> ScriptedTransport {
        ScriptedTransport { request in
            let path = request.url.path
            if path.hasSuffix("/tags/list") {
                return (200, [], Data(#"{"tags":[\#(tags.map { "\"\($0)\"" }.joined(separator: ","))]}"#.utf8))
            }
            for (tag, version) in charts {
                let config = Data(#"{"name":"app","version":"\#(version)"}"#.utf8)
                if path.hasSuffix("/manifests/\(tag)") {
                    let manifest = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageManifest)","config":{"mediaType":"\#(MediaType.helmConfig)","digest":"\#(Digest.sha256(of: config))","size":\#(config.count)},"layers":[{"mediaType":"\#(MediaType.helmChartContent)","digest":"sha256:\#(String(repeating: "1", count: 64))","size":10}]}"#
                    return (200, [("Content-Type", MediaType.imageManifest)], Data(manifest.utf8))
                }
                if path.hasSuffix("/blobs/\(Digest.sha256(of: config))") { return (200, [], config) }
            }
            return (404, [], Data(#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#.utf8))
        }
    }

    static func resolve(_ version: String?, tags: [String], charts: [String: String]) throws(RegistryError) -> (ResolvedChart, ScriptedTransport) {
        let transport = registry(tags: tags, charts: charts)
        let client = try RegistryClient(registry: "r.test", tls: TLSSettings(), transport: transport)
        let reference = try ChartReference(parsing: "oci://r.test/charts/app")
        return (try ChartPuller(client: client).resolve(reference, version: version), transport)
    }

    @Test func aVersionHelmReadsAsAVersionIsAnExactTag() throws {
        let (resolved, transport) = try Self.resolve("v3.0.0", tags: ["v3.0.0", "3.0.1"], charts: ["v3.0.0": "3.0.0"])
        #expect(resolved.tag == "v3.0.0" && resolved.version == "3.0.0")
        #expect(!transport.requests.contains { $0.url.path.hasSuffix("/tags/list") }, "an exact version lists no tags")
    }

    @Test func aMissingExactTagSaysWhatWasProbablyMeant() {
        #expect {
            _ = try Self.resolve("1.2", tags: ["1.2.3+build.7", "1.10.0"], charts: [:])
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .versionNotFound && error.hint.contains("`version: \"~1.2\"` would give 1.2.3+build.7") && error.hint.contains("1.10.0")
        }
    }

    @Test func rangesIgnoreTagsThatAreNotStrictSemver() {
        #expect {
            _ = try Self.resolve(">=3.0.0 <3.1", tags: ["v3.0.0", "latest"], charts: ["v3.0.0": "3.0.0"])
        } throws: { ($0 as? RegistryError)?.code == .noMatchingVersion }
    }

    @Test func tiesAreWarnedAbout() throws {
        let (resolved, _) = try Self.resolve("~1.2", tags: ["1.2.3_build.10", "1.2.3_build.7"], charts: ["1.2.3_build.10": "1.2.3+build.10", "1.2.3_build.7": "1.2.3+build.7"])
        #expect(resolved.version == "1.2.3+build.10" && resolved.tag == "1.2.3_build.10")
        #expect(resolved.warnings.contains { $0.contains("equal precedence") && $0.contains("version: 1.2.3+build.10") })
    }

    @Test func aVersionThatCannotBeATagIsRefusedAtOnce() {
        let long = "1.2.3-" + String(repeating: "a", count: 200)
        #expect {
            _ = try Self.resolve(long, tags: [], charts: [:])
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.code == .invalidReference && error.reason.contains("cannot be an OCI tag") && error.reason.count < 300
        }
        #expect(ChartReference.isValidTag("1.2.3_build.7") && !ChartReference.isValidTag(".1") && !ChartReference.isValidTag(String(repeating: "1", count: 129)))
    }

    @Test func digestReferencesKeepTheirForm() {
        let digest = "sha256:" + String(repeating: "a", count: 64)
        #expect(ChartPuller.display(try! ChartReference(parsing: "oci://r.test/charts/app"), digest) == "oci://r.test/charts/app@\(digest)")
        #expect(ChartPuller.display(try! ChartReference(parsing: "oci://r.test/charts/app"), "1.0.0") == "oci://r.test/charts/app:1.0.0")
        #expect(RegistryClient.display(repository: "charts/app", reference: digest) == "charts/app@\(digest)")
    }
}
