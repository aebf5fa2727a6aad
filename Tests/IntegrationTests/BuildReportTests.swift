import Foundation
import Testing

/// What build says matches what it did: one line per chart saying whether it was downloaded,
/// and an up-to-date rebuild said once, not followed by "Built".
@Suite(.needsTestEnvironment) struct BuildReportTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    @Test func coldThenUpToDateSaysEachOnce() throws {
        let folder = env.scratch()
        let registry = env.registry("anonymous")
        try """
            repositories:
              - {name: registry, url: "oci://\(registry)", caFile: "\(env.file.caFile)"}
            extensions:
              helm:
                charts:
                  - {name: web, chartname: "oci://\(registry)/charts/app", version: 1.2.5, namespace: apps}
            """.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        #expect(try env.bundle(["keygen", "--out", folder + "/k"]).status == 0)
        let arguments = ["build", folder + "/k0s.yaml", "--sign-key", folder + "/k.key", "-o", folder + "/b.tar.gz", "--cache-dir", folder + "/cache", "--sequence", "7"]
        let cold = try env.bundle(arguments)
        #expect(cold.status == 0, "\(cold.stderr)")
        #expect(cold.stderr.contains("charts/app 1.2.5 (") && cold.stderr.contains(", downloaded)") && !cold.stderr.contains("cached)"), "\(cold.stderr)")
        #expect(cold.stdout.contains("Built ") && cold.stdout.contains("1 chart downloaded, 0 from the cache"), "\(cold.stdout)")

        let again = try env.bundle(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        let said = (again.stdout + again.stderr).components(separatedBy: "is up to date").count - 1
        #expect(said == 1 && !again.stdout.contains("Built "), "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("nothing written") && again.stdout.contains("0 charts downloaded, 1 from the cache"), "\(again.stdout)")
    }
}

extension BuildReportTests {
    /// Config problems are `problems[]` objects in the one error shape, with where each is,
    /// in every command that reads a config; absent values are null, not missing keys.
    @Test func configProblemsAreObjectsWithTheirPlace() throws {
        let folder = env.scratch()
        try "extensions:\n  helm:\n    charts:\n      - name: A\n        chart: x\n".write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        for command in [["build", folder + "/k0s.yaml", "--unsigned"], ["plan", folder + "/k0s.yaml"], ["images", folder + "/k0s.yaml"]] {
            let run = try env.bundle(command + ["--json"])
            let problems = run.json?["problems"] as? [[String: Any]] ?? []
            let unknown = problems.first { $0["code"] as? String == "unknownKey" }
            #expect(run.status == 1 && problems.count >= 2, "\(command[0]): \(run.stdout)")
            #expect(unknown?["line"] as? Int == 5 && unknown?["column"] as? Int == 9 && unknown?["path"] as? String == "extensions.helm.charts[0].chart"
                    && (unknown?["file"] as? String ?? "").hasSuffix("k0s.yaml") && unknown?["class"] as? String == "input" && unknown?["severity"] as? String == "error",
                    "\(command[0]): \(String(describing: unknown))")
        }
        let status = try env.bundle(["status", "--root", folder + "/node", "--json"])
        for key in ["name", "mirror", "configBackup", "sequence"] { #expect(status.json?.keys.contains(key) == true && status.json?[key] is NSNull, "status: \(key)") }
        let pull = try env.bundle(["pull", "oci://\(env.registry("anonymous"))/charts/app", "--version", "1.2.5", "--ca-file", env.file.caFile, "-d", folder + "/out", "--json"])
        #expect(pull.status == 0 && pull.json?["provenance"] is NSNull, "\(pull.stdout)")
    }
}
