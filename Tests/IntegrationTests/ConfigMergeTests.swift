import Foundation
import Testing

/// Merge mode never drops the node's own chart entries silently: k0s uninstalls a release
/// whose entry disappears. Entries the previous bundle wrote and this one no longer carries
/// do go, since their chart files go too.
@Suite(.needsTestEnvironment) struct ConfigMergeTests {
    let env: TestEnvironment
    let bundles: Bundles
    init() throws {
        env = try TestEnvironment.require()
        bundles = try Bundles.require()
    }

    static let own = """
        apiVersion: k0s.k0sproject.io/v1beta1
        kind: ClusterConfig
        metadata:
          name: k0s
        spec:
          extensions:
            helm:
              charts:
                - name: local-thing
                  chartname: /opt/charts/local-thing-1.0.0.tgz
                  version: 1.0.0
                  namespace: kube-system
                - name: web
                  chartname: /opt/charts/old-web.tgz
                  version: 0.1.0
                  namespace: apps

        """

    func node() throws -> String {
        let root = env.scratch()
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try Self.own.write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        return root
    }

    func install(_ bundle: String, _ root: String, _ extra: [String] = []) throws -> Run {
        try env.bundle(["install", bundle, "--trust", bundles.key, "--root", root] + extra)
    }

    @Test func theNodesOwnChartsAreKeptAndSaidSo() throws {
        let root = try node()
        let dry = try install(bundles.a, root, ["--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("config: chart local-thing of the node would be kept"), "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("config: chart web would be replaced by the bundle's"), "\(dry.stdout)")
        let run = try install(bundles.a, root, ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["configKept"] as? [String] == ["chart local-thing"] && run.json?["configReplaced"] as? [String] == ["chart web"], "\(run.stdout)")
        let merged = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(merged.contains("chartname: /opt/charts/local-thing-1.0.0.tgz") && !merged.contains("old-web"), "\(merged)")
        #expect(try env.tool([env.validator, root + "/etc/k0s/k0s.yaml"]).status == 0)

        // B no longer carries the release "signed": its entry goes with its file; local-thing stays.
        let upgrade = try install(bundles.b, root, ["--json"])
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(upgrade.json?["configRetired"] as? [String] == ["chart signed"] && upgrade.json?["configKept"] as? [String] == ["chart local-thing"], "\(upgrade.stdout)")
        let after = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(after.contains("local-thing") && !after.contains("signed-0.1.0.tgz"), "\(after)")
    }

    @Test func pruneChartsDropsTheNodesOwnListingEach() throws {
        let root = try node()
        let run = try install(bundles.a, root, ["--prune-charts"])
        #expect(run.status == 0 && run.stdout.contains("config: chart local-thing of the node dropped (--prune-charts)"), "\(run.stdout)\(run.stderr)")
        #expect(!(try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)).contains("local-thing"))
    }

    /// `spec: {}` on the node: the missing levels go in its place as a block (the merge once
    /// wrote them under the inline value, a config k0s could not read); any other inline value
    /// is refused before anything is placed.
    @Test func anInlineEmptySpecTakesTheHelmSection() throws {
        let root = env.scratch()
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: own\nspec: {}\n".write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        let run = try install(bundles.a, root)
        #expect(run.status == 0, "\(run.stderr)")
        let merged = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(try env.tool([env.validator, root + "/etc/k0s/k0s.yaml"]).status == 0, "\(merged)")
        #expect(try install(bundles.a, root, ["--json"]).json?["status"] as? String == "unchanged")

        let other = env.scratch()
        try FileManager.default.createDirectory(atPath: other + "/etc/k0s", withIntermediateDirectories: true)
        try "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: own\nspec: {api: {port: 6443}}\n".write(toFile: other + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        let refused = try install(bundles.a, other, ["--json"])
        #expect(refused.status == 1 && refused.stderr.contains("--config-mode replace"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other + "/var/lib/k0s/charts"))
    }
}
