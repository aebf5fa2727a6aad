import Foundation
import Testing

/// What build says matches what it did: one line per chart saying whether it was downloaded,
/// and an up-to-date rebuild said once, not followed by "Built".
@Suite struct BuildReportTests {
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
