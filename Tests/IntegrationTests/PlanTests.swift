import Foundation
import Testing

/// `bundle plan` against the real test registries.
@Suite(.needsTestEnvironment) struct PlanTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    /// Writes `config` into a fresh folder holding a copy of the test CA as ca.crt (so that a
    /// relative caFile is exercised) and runs `bundle plan --json` on it.
    func plan(_ config: String, environment: [String: String?] = [:]) throws -> (Run, [[String: Any]]) {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        let path = folder + "/k0s.yaml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try env.bundle(["plan", path, "--json"], environment: environment)
        let charts = run.json?["charts"] as? [[String: Any]] ?? []
        return (run, charts)
    }

    func row(_ charts: [[String: Any]], _ release: String) -> [String: Any] {
        charts.first { $0["release"] as? String == release } ?? [:]
    }

    /// Config-driven commands name their own ways to give credentials: the repository entry's
    /// BUNDLE_REPO_<NAME>_* variables; one of the two set without the other is an error.
    @Test func credentialHintsNameTheRepositorysVariables() throws {
        let config = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: my-basic
                      url: oci://\(env.registry("basic"))
                      caFile: ca.crt
                  charts:
                    - name: basic-app
                      chartname: oci://\(env.registry("basic"))/charts/app
                      namespace: apps

            """
        let home = env.scratch()
        let (none, noneCharts) = try plan(config, environment: ["HOME": home, "DOCKER_CONFIG": nil])
        let refusal = (row(noneCharts, "basic-app")["problems"] as? [[String: Any]])?.first ?? [:]
        #expect(none.status == 1 && refusal["code"] as? String == "credentialsRequired", "\(none.stdout)")
        let hint = refusal["hint"] as? String ?? ""
        #expect(hint.contains("BUNDLE_REPO_MY_BASIC_USERNAME") && hint.contains("repository entry \"my-basic\"") && !hint.contains("--password-stdin"), "\(hint)")

        let (half, halfCharts) = try plan(config, environment: ["HOME": home, "BUNDLE_REPO_MY_BASIC_USERNAME": env.file.username])
        let message = ((row(halfCharts, "basic-app")["problems"] as? [[String: Any]])?.first?["message"] as? String) ?? ""
        #expect(half.status == 1 && message.contains("BUNDLE_REPO_MY_BASIC_PASSWORD is not"), "\(half.stdout)")

        let (wrong, wrongCharts) = try plan(config, environment: ["HOME": home, "BUNDLE_REPO_MY_BASIC_USERNAME": env.file.username, "BUNDLE_REPO_MY_BASIC_PASSWORD": "nope"])
        let rejected = (row(wrongCharts, "basic-app")["problems"] as? [[String: Any]])?.first ?? [:]
        #expect(wrong.status == 1 && rejected["code"] as? String == "credentialsRejected", "\(wrong.stdout)")
        #expect((rejected["hint"] as? String ?? "").contains("from environment BUNDLE_REPO_MY_BASIC_USERNAME"), "\(rejected)")
    }

    @Test func resolvesEveryKindOfRegistry() throws {
        let (run, charts) = try plan("""
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: anonymous
                      url: oci://\(env.registry("anonymous"))
                      caFile: ca.crt
                    - name: basic
                      url: oci://\(env.registry("basic"))
                      caFile: ca.crt
                    - name: mtls
                      url: oci://\(env.registry("mtls"))
                      caFile: \(env.file.caBundle)
                      certFile: \(env.file.clientCert)
                      keyfile: \(env.file.clientKey)
                    - name: token
                      url: oci://\(env.registry("token"))
                      caFile: ca.crt
                  charts:
                    - name: anonymous-app
                      chartname: oci://\(env.registry("anonymous"))/charts/app
                      namespace: apps
                    - name: basic-app
                      chartname: oci://\(env.registry("basic"))/charts/app
                      version: "~1.2.0"
                      namespace: apps
                    - name: mtls-app
                      chartname: oci://\(env.registry("mtls"))/charts/app
                      version: "1.0.0"
                      namespace: apps
                    - name: token-app
                      chartname: oci://\(env.registry("token"))/private/app
                      namespace: apps
            """, environment: [
                "BUNDLE_REPO_BASIC_USERNAME": env.file.username, "BUNDLE_REPO_BASIC_PASSWORD": env.file.password,
                "BUNDLE_REPO_TOKEN_USERNAME": env.file.username, "BUNDLE_REPO_TOKEN_PASSWORD": env.file.password,
            ])
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(run.json?["ok"] as? Bool == true)
        #expect(row(charts, "anonymous-app")["resolved"] as? String == "1.10.1")
        #expect(row(charts, "anonymous-app")["manifestDigest"] as? String == env.file.app["1.10.1"]?.manifest)
        #expect(row(charts, "basic-app")["resolved"] as? String == "1.2.5")
        #expect((row(charts, "basic-app")["auth"] as? String)?.hasPrefix("basic (environment BUNDLE_REPO_BASIC") == true)
        #expect(row(charts, "mtls-app")["tls"] as? String == "caFile \(env.file.caBundle) + mTLS")
        #expect(row(charts, "mtls-app")["chartDigest"] as? String == env.file.app["1.0.0"]?.chart)
        #expect((row(charts, "token-app")["auth"] as? String)?.hasPrefix("bearer token") == true)
        #expect(row(charts, "token-app")["resolved"] as? String == "1.0.0")
        #expect(!run.stdout.contains(env.file.password) && !run.stderr.contains(env.file.password))
    }

    @Test func pathPrefixRepositoriesMatchTheLongestPrefix() throws {
        // The entry without a path has no caFile, so only the /charts entry can make this work.
        let (run, charts) = try plan("""
            repositories:
              - name: whole-registry
                url: oci://\(env.registry("anonymous"))
              - name: charts-team
                url: oci://\(env.registry("anonymous"))/charts
                caFile: ca.crt
              - name: charts-team-lookalike
                url: oci://\(env.registry("anonymous"))/chart
                caFile: /nonexistent/ca.crt
            extensions:
              helm:
                charts:
                  - name: app
                    chartname: oci://\(env.registry("anonymous"))/charts/app
                    version: "1.3.0"
            """)
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(row(charts, "app")["repository"] as? String == "charts-team")
        #expect(row(charts, "app")["resolved"] as? String == "1.3.0")
        let problems = run.json?["problems"] as? [[String: Any]] ?? []
        #expect(problems.contains { $0["code"] as? String == "pathPrefixRepository" })
        #expect(problems.contains { $0["code"] as? String == "defaultNamespace" })
    }

    @Test func everyFailingChartIsListedAtOnce() throws {
        let (run, charts) = try plan("""
            repositories:
              - name: good
                url: oci://\(env.registry("anonymous"))
                caFile: ca.crt
              - name: wrong-ca
                url: oci://\(env.registry("expired"))
                caFile: ca.crt
              - name: missing-ca
                url: oci://\(env.registry("basic"))
                caFile: not-here.crt
            extensions:
              helm:
                charts:
                  - name: fine
                    chartname: oci://\(env.registry("anonymous"))/charts/app
                  - name: no-such-version
                    chartname: oci://\(env.registry("anonymous"))/charts/app
                    version: "7.0.0"
                  - name: expired
                    chartname: oci://\(env.registry("expired"))/charts/app
                  - name: no-ca-file
                    chartname: oci://\(env.registry("basic"))/charts/app
            """)
        #expect(run.status == 1)
        #expect(run.json?["ok"] as? Bool == false)
        func problems(_ release: String) -> [[String: Any]] { row(charts, release)["problems"] as? [[String: Any]] ?? [["missing": true]] }
        #expect(problems("fine").isEmpty)
        #expect((problems("no-such-version").first?["message"] as? String)?.contains("no version 7.0.0") == true)
        #expect(problems("no-such-version").first?["code"] as? String == "versionNotFound")
        #expect((problems("expired").first?["message"] as? String)?.contains("expired") == true)
        #expect(problems("expired").first?["code"] as? String == "certificateExpired")
        let missing = problems("no-ca-file").first?["message"] as? String ?? ""
        #expect(missing.contains("repository \"missing-ca\".caFile") && missing.contains("not-here.crt"), "\(missing)")
        #expect(problems("no-ca-file").first?["code"] as? String == "unusableFile")
        // The failure is reported in the shape every command uses, too.
        #expect(run.errorCode == "versionNotFound" || run.errorCode == "certificateExpired" || run.errorCode == "unusableFile", "\(run.stdout)")
    }

    @Test func invalidConfigListsItsProblemsWithLines() throws {
        let (run, _) = try plan("""
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  charts:
                    - name: metallb
                      chart: metallb/metallb
                      namespace: metallb-system
                    - name: Upper
                      chartname: oci://\(env.registry("anonymous"))/charts/app
            """)
        #expect(run.status == 1)
        #expect(run.stderr.contains("k0s.yaml:8:11: error: spec.extensions.helm.charts[0].chart: unknown key \"chart\""), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean \"chartname\"?"))
        #expect(run.stderr.contains("k0s.yaml:10:17: error: spec.extensions.helm.charts[1].name: \"Upper\""), "\(run.stderr)")
        #expect(run.stderr.contains("k0s.yaml:10:11: error: spec.extensions.helm.charts[1].namespace"), "\(run.stderr)")
        let problems = run.json?["problems"] as? [[String: Any]] ?? []
        #expect(problems.count >= 3)
    }

    @Test func humanTableNamesTheColumns() throws {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        try """
            repositories:
              - name: anonymous
                url: oci://\(env.registry("anonymous"))
                caFile: ca.crt
            extensions:
              helm:
                charts:
                  - name: app
                    chartname: oci://\(env.registry("anonymous"))/charts/app
                    namespace: apps
            """.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let run = try env.bundle(["plan", folder + "/k0s.yaml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("RELEASE") && run.stdout.contains("MANIFEST"))
        #expect(run.stdout.contains("caFile ca.crt") && run.stdout.contains("1.10.1"))
        #expect(run.stdout.contains("the plan is good"))
    }
}

extension PlanTests {
    /// A password written into the config is warned about, with file:line, in plan, images and
    /// build, on stderr and in `warnings[]`; the bundle never carries it.
    @Test func aPasswordInTheConfigIsWarnedAbout() throws {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        let path = folder + "/k0s.yaml"
        try """
            repositories:
              - name: my-basic
                url: oci://\(env.registry("basic"))
                caFile: ca.crt
                username: \(env.file.username)
                password: \(env.file.password)
            extensions:
              helm:
                charts:
                  - name: basic-app
                    chartname: oci://\(env.registry("basic"))/charts/app
                    version: 1.2.5
                    namespace: apps
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try env.bundle(["keygen", "--out", folder + "/k"]).status == 0)
        let commands = [["plan", path], ["images", path], ["build", path, "--sign-key", folder + "/k.key", "-o", folder + "/b.tar.gz", "--cache-dir", folder + "/cache"]]
        for command in commands {
            let run = try env.bundle(command + ["--json"])
            #expect(run.status == 0, "\(command[0]): \(run.stderr)")
            let warnings = run.json?["warnings"] as? [String] ?? []
            #expect(warnings.contains { $0.contains("k0s.yaml:6") && $0.contains("password written into the config") && $0.contains("BUNDLE_REPO_MY_BASIC_PASSWORD") },
                    "\(command[0]): \(warnings)")
            #expect(run.stderr.contains("warning: ") && run.stderr.contains("password written into the config"), "\(command[0]): \(run.stderr)")
            #expect(!run.stdout.contains(env.file.password) && !run.stderr.contains(env.file.password), "\(command[0]) printed the password")
        }
        #expect(try env.tool(["tar", "-xzOf", folder + "/b.tar.gz", "k0s.yaml"]).output.contains(env.file.password) == false)
    }
}

extension PlanTests {
    /// A problem about the release names it once ("app2: app2: …" before).
    @Test func aReleaseIsNamedOnceInAnError() throws {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        try """
            repositories:
              - {name: corp, url: "oci://\(env.registry("anonymous"))", caFile: ca.crt}
            extensions:
              helm:
                charts:
                  - {name: app2, chartname: "oci://\(env.registry("anonymous"))/charts/app", version: 1.2.5, namespace: apps}
            """.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let run = try env.bundle(["plan", folder + "/k0s.yaml"], environment: ["BUNDLE_REPO_CORP_USERNAME": "x"])
        #expect(run.status == 1 && run.stderr.contains("error: app2: BUNDLE_REPO_CORP_USERNAME is set") && !run.stderr.contains("app2: app2:"), "\(run.stderr)")
    }
}

extension PlanTests {
    /// plan applies the build's checks: a chart whose dependencies are not vendored fails the
    /// plan as it fails the build (it passed before), and `images` says so too. The archive
    /// lands in --cache-dir, where a build reuses it; no image blob is fetched.
    @Test func planAndImagesApplyTheBuildsChecks() throws {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        let path = folder + "/k0s.yaml"
        try """
            repositories:
              - {name: corp, url: "oci://\(env.registry("anonymous"))", caFile: ca.crt}
            extensions:
              helm:
                charts:
                  - {name: needs-deps, chartname: "oci://\(env.registry("anonymous"))/charts/needs-deps", namespace: apps}
                  - {name: vendored, chartname: "oci://\(env.registry("anonymous"))/charts/vendored", namespace: apps}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try env.bundle(["plan", path, "--json", "--cache-dir", folder + "/cache"])
        let charts = plan.json?["charts"] as? [[String: Any]] ?? []
        let problems = row(charts, "needs-deps")["problems"] as? [[String: Any]] ?? []
        #expect(plan.status == 1 && problems.first?["code"] as? String == "unvendoredDependencies", "\(plan.stdout)")
        #expect((row(charts, "vendored")["problems"] as? [Any])?.isEmpty == true, "\(plan.stdout)")
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/cache/blobs/sha256")) ?? []
        #expect(!blobs.isEmpty, "plan fetched the chart archives into --cache-dir")
        let text = try env.bundle(["plan", path, "--cache-dir", folder + "/cache"])
        #expect(text.status == 1 && !text.stdout.contains("the plan is good") && text.stderr.contains("helm dependency build"), "\(text.stdout)\(text.stderr)")
        let images = try env.bundle(["images", path, "--cache-dir", folder + "/cache"])
        #expect(images.status == 1 && images.stderr.contains("not vendored"), "\(images.stderr)")
    }
}

extension PlanTests {
    /// plan --json lists real failures at the top too, not only under each chart's row.
    @Test func chartFailuresAreInTheTopLevelProblems() throws {
        let (run, _) = try plan("""
            repositories:
              - {name: corp, url: "oci://\(env.registry("anonymous"))", caFile: ca.crt}
            extensions:
              helm:
                charts:
                  - {name: gone, chartname: "oci://\(env.registry("anonymous"))/charts/app", version: 9.9.9, namespace: apps}
            """)
        let problems = run.json?["problems"] as? [[String: Any]] ?? []
        #expect(run.status == 1 && problems.contains { $0["code"] as? String == "versionNotFound" }, "\(run.stdout)")
    }
}
