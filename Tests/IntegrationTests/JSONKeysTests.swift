import Foundation
import Testing

/// Every top-level key a command's `--json` success output has is in docs/output.md's table of
/// JSON keys (optional keys may be absent from one run; none may be undocumented), and every
/// command that can warn has `warnings[]`.
@Suite(.needsTestEnvironment) struct JSONKeysTests {
    let env: TestEnvironment
    let bundles: Bundles
    init() throws {
        env = try TestEnvironment.require()
        bundles = try Bundles.require()
    }

    /// command -> its documented top-level keys, from docs/output.md's "JSON output" table: the
    /// backticked names outside `{…}` (nested keys) and `(…)` (notes).
    static func documentedKeys() throws -> [String: Set<String>] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/output.md").path
        let readme = try String(contentsOfFile: path, encoding: .utf8)
        var table: [String: Set<String>] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0].hasPrefix("`") else { continue }
            var depth = 0, outer = ""
            for character in cells[1] {
                if character == "{" || character == "(" { depth += 1 } else if character == "}" || character == ")" { depth -= 1 } else if depth == 0 { outer.append(character) }
            }
            let keys = outer.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                .map { $0.element.replacingOccurrences(of: "[]", with: "").trimmingCharacters(in: .whitespaces) }
            table[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = Set(keys)
        }
        return table
    }

    func expectDocumented(_ command: String, _ run: Run, _ table: [String: Set<String>], warns: Bool = true) {
        guard let json = run.json else {
            Issue.record("bundle \(command) --json printed no object: \(run.stdout) \(run.stderr)")
            return
        }
        let documented = table[command] ?? []
        let undocumented = Set(json.keys).subtracting(documented)
        #expect(!documented.isEmpty && undocumented.isEmpty, "bundle \(command) --json has keys docs/output.md does not list: \(undocumented.sorted())")
        if warns { #expect(json["warnings"] is [Any], "bundle \(command) --json lacks warnings[]") }
    }

    @Test func everyCommandsKeysAreDocumented() throws {
        let table = try Self.documentedKeys()
        let root = env.scratch()
        let folder = bundles.folder
        let anonymous = env.registry("anonymous")
        expectDocumented("pull", try env.bundle(["pull", "oci://\(anonymous)/charts/app", "--ca-file", env.file.caFile, "-d", env.scratch(), "--json"]), table)
        let repository = env.file.chartRepositories["anonymous"] ?? "missing-repository"
        expectDocumented("pull --repo", try env.bundle(["pull", "web", "--repo", repository, "--ca-file", env.file.caFile, "-d", env.scratch(), "--json"],
                                                       environment: ["BUNDLE_CACHE_DIR": env.scratch()]), table)
        expectDocumented("plan", try env.bundle(["plan", folder + "/a.yaml", "--json"]), table)
        expectDocumented("images", try env.bundle(["images", folder + "/a.yaml", "--json"]), table)
        expectDocumented("template", try env.bundle(["template", folder + "/a.yaml", "--json", "--cache-dir", env.scratch()]), table)
        expectDocumented("build", try env.bundle(["build", folder + "/a.yaml", "--sign-key", bundles.privateKey, "-o", env.scratch() + "/x.tar.gz",
                                                  "--cache-dir", folder + "/cache", "--json"]), table)
        expectDocumented("verify", try env.bundle(["verify", bundles.a, "--trust", bundles.key, "--json"]), table, warns: false)
        expectDocumented("inspect", try env.bundle(["inspect", bundles.a, "--json"]), table, warns: false)
        expectDocumented("install", try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root, "--json"]), table)
        expectDocumented("status", try env.bundle(["status", "--root", root, "--json"]), table)
        expectDocumented("uninstall", try env.bundle(["uninstall", "--root", root, "--json"]), table)
        expectDocumented("push", try env.bundle(["push", bundles.a, "oci://\(env.registry("mirror"))/keys\(UUID().uuidString.prefix(8).lowercased())",
                                                 "--trust", bundles.key, "--ca-file", env.file.mirrorCA, "--json"]), table)
        let diff = try env.bundle(["diff", bundles.a, bundles.b, "--json"])
        #expect(diff.status == 1, "the bundles differ: \(diff.stderr)")
        expectDocumented("diff", diff, table, warns: false)
    }
}
