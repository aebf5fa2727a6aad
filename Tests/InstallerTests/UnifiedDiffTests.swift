import Foundation
@testable import Installer
@testable import K0sConfig
import Testing

/// The config diffs (`diff`, `install --dry-run`) read as `diff -u` writes them: GNU diff is
/// the oracle, run on the same two texts; and the first merge changes only what it must.
struct UnifiedDiffTests {
    static let cases: [(String, [String], [String])] = [
        ("a line changed", ["a", "b", "c", "d", "e"], ["a", "b", "C", "d", "e"]),
        ("a new file", [], ["x", "y"]),
        ("a file emptied", ["x", "y"], []),
        ("lines added in the middle", ["1", "2", "3", "4", "5", "6", "7", "8", "9"], ["1", "2", "3", "4", "new", "5", "6", "7", "8", "9"]),
        ("lines removed", ["1", "2", "3", "4", "5"], ["1", "2", "5"]),
    ]

    @Test(arguments: cases.map(\.0))
    func matchesDiffU(_ name: String) throws {
        let (_, old, new) = try #require(Self.cases.first { $0.0 == name })
        let folder = NSTemporaryDirectory() + "udiff-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func text(_ lines: [String]) -> String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }
        try text(old).write(toFile: folder + "/old", atomically: true, encoding: .utf8)
        try text(new).write(toFile: folder + "/new", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = ["-u", folder + "/old", folder + "/new"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").dropFirst(2).map(String.init)
        process.waitUntilExit()
        let ours = BundleDiff.unifiedDiff(old, new, from: "old", to: "new").dropFirst(2)
        #expect(Array(ours) == expected, "\(name)")
    }

    /// A node that indents its lists: the merge writes the helm section in that style, so a
    /// chart added to an existing list is the only change the diff shows.
    @Test func theFirstMergeKeepsTheNodesIndentation() throws {
        let node = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            metadata:
              name: k0s
            spec:
              extensions:
                helm:
                  charts:
                    - name: local-thing
                      chartname: /opt/local-thing-1.0.0.tgz
                      version: 1.0.0
                      namespace: kube-system
                      values: |
                        list:
                        - a
                        key: value

            """
        let bundled = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            metadata:
              name: k0s
            spec:
              extensions:
                helm:
                  charts:
                  - name: web
                    chartname: /var/lib/k0s/charts/web-1.0.0.tgz
                    version: 1.0.0
                    namespace: apps
                    values: |
                      image:
                      - x

            """
        let merged = try ConfigMerge.merge(node: node, file: "k0s.yaml", bundled: bundled, pruneCharts: false)
        func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let diff = BundleDiff.unifiedDiff(lines(node), lines(merged.text), from: "a", to: "b")
        #expect(diff.filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.isEmpty, "\(diff.joined(separator: "\n"))")
        #expect(merged.text.contains("\n        - name: web\n") && merged.text.contains("\n          values: |\n            image:\n            - x\n"), "\(merged.text)")
        #expect(try K0sConfig.parse(text: merged.text, file: "m", directory: "/").charts.map(\.values) == ["image:\n- x\n", "list:\n- a\nkey: value\n"])
    }
}
