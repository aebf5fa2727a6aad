@testable import K0sConfig
import Testing

/// The reader and the rewrite agree on what a line break is: LF and CRLF files are read (and
/// rewritten in their own endings); a CR alone, NEL, LS and PS, which YAML also breaks lines
/// at, are refused up front at their line and column.
struct LineBreakTests {
    static let lines = ["apiVersion: k0s.k0sproject.io/v1beta1", "kind: ClusterConfig", "metadata:", "  name: k0s", "spec:", "  extensions:", "    helm:",
                        "      charts:", "        - name: local", "          chartname: /var/lib/k0s/charts/local-1.0.0.tgz", "          version: 1.0.0",
                        "          namespace: default", ""]

    @Test(arguments: [("\r", "carriage return"), ("\u{85}", "NEL"), ("\u{2028}", "line separator"), ("\u{2029}", "paragraph separator")])
    func aBreakYAMLSeesButLinesDoNotIsRefusedAtItsLine(_ separator: String, _ named: String) {
        // LF up to line 3, then the odd break ends line 3.
        let text = Self.lines[..<2].joined(separator: "\n") + "\n" + Self.lines[2] + separator + Self.lines[3...].joined(separator: "\n")
        let problems = Fixtures.problems(text)
        let problem = problems.first { $0.code == .invalidYAML }
        #expect(problem?.location?.line == 3 && problem?.location?.column == 10, "\(problems)")
        #expect(problem?.message.contains(named) == true, "\(String(describing: problem))")
    }

    @Test func lfAndCRLFFilesAreReadAndRewrittenInTheirOwnEndings() throws {
        for ending in ["\n", "\r\n"] {
            let config = try Fixtures.parse(Self.lines.joined(separator: ending))
            #expect(config.charts.map(\.name) == ["local"])
            let rewritten = try config.offlineConfig(OfflinePlacement()).text
            #expect(rewritten.contains("k0s.k0sproject.io/v1beta1" + ending), "\(ending == "\n" ? "LF" : "CRLF")")
        }
    }
}
