import Foundation
import Testing

/// Charts from classic Helm repositories (index.yaml over HTTPS), served by nginx with the test CA.
@Suite(.needsTestEnvironment) struct ChartRepositoryTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    func repo(_ name: String) -> String { env.file.chartRepositories[name] ?? "missing-\(name)" }
    func digest(_ chart: String, _ version: String) -> String { env.file.repoCharts[chart]?[version] ?? "?" }

    func pull(_ chart: String, from repository: String, _ extra: [String] = [], stdin: String? = nil, cache: String? = nil) throws -> (Run, String) {
        let folder = env.scratch()
        let run = try env.bundle(["pull", chart, "--repo", repository, "-d", folder, "--json"] + extra, stdin: stdin,
                                 environment: ["BUNDLE_CACHE_DIR": cache ?? folder + "/.cache"])
        return (run, folder)
    }

    @Test(arguments: [(nil, "1.1.0"), ("1.0.0", "1.0.0"), ("^1.0", "1.1.0"), (">=2.0.0-0", "2.0.0-rc.1")] as [(String?, String)])
    func versionsResolveAsHelmDoes(version: String?, expected: String) throws {
        let (run, folder) = try pull("web", from: repo("anonymous"), ["--ca-file", env.file.caFile] + (version.map { ["--version", $0] } ?? []))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try env.sha256sum("\(folder)/web-\(expected).tgz") == digest("web", expected))
    }

    @Test func basicAuthAndClientCertificates() throws {
        let (basic, _) = try pull("web", from: repo("basic"), ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: env.file.password)
        #expect(basic.status == 0, "\(basic.stderr)")
        let (mtls, _) = try pull("web", from: repo("mtls"), ["--ca-file", env.file.caFile, "--cert-file", env.file.clientCert, "--key-file", env.file.clientKey])
        #expect(mtls.status == 0, "\(mtls.stderr)")
    }

    @Test(arguments: [
        ("anonymous", [] as [String], nil as String?, "certificateUntrusted"),
        ("anonymous", ["--ca-file", "OTHER"], nil, "certificateUntrusted"),
        ("basic", ["--ca-file", "CA"], nil, "credentialsRequired"),
        ("basic", ["--ca-file", "CA", "--username", "alice", "--password-stdin"], "wrong", "credentialsRejected"),
        ("mtls", ["--ca-file", "CA"], nil, "clientCertificateRequired"),
        ("mtls", ["--ca-file", "CA", "--cert-file", "ROGUE", "--key-file", "ROGUEKEY"], nil, "clientCertificateRejected"),
    ])
    func negativeCasesSayWhatToDo(server: String, flags: [String], stdin: String?, code: String) throws {
        let resolved = flags.map { ["CA": env.file.caFile, "OTHER": env.file.otherCA, "ROGUE": env.file.rogueClientCert, "ROGUEKEY": env.file.rogueClientKey][$0] ?? $0 }
        let (run, folder) = try pull("web", from: repo(server), resolved, stdin: stdin)
        #expect(run.status == 1)
        #expect(run.errorCode == code, "\(run.stderr)")
        let host = URL(string: repo(server))!.hostAndPortForTests
        #expect(run.stderr.hasPrefix("error: \(host)"), "\(run.stderr)")
        #expect(env.files(in: folder).filter { !$0.hasPrefix(".cache") }.isEmpty)
    }

    @Test func tamperedIndexDigestIsCaught() throws {
        let (run, folder) = try pull("tampered", from: repo("anonymous"), ["--ca-file", env.file.caFile])
        #expect(run.status == 1)
        #expect(run.errorCode == "digestMismatch")
        #expect(run.stderr.contains("the index says"), "\(run.stderr)")
        #expect(env.files(in: folder).filter { !$0.hasPrefix(".cache") }.isEmpty)
    }

    /// The index was read and lists the chart; only its archive is missing: the hint is about
    /// a stale index, not about where index.yaml is.
    @Test func aMissingArchiveIsNotAWrongRepositoryURL() throws {
        let (run, folder) = try pull("gone", from: repo("anonymous"), ["--ca-file", env.file.caFile])
        #expect(run.status == 1 && run.errorCode == "repositoryNotFound", "\(run.stderr)")
        #expect(run.stderr.contains("though the repository's index lists it") && !run.stderr.contains("holds index.yaml"), "\(run.stderr)")
        #expect(env.files(in: folder).filter { !$0.hasPrefix(".cache") }.isEmpty)
    }

    @Test func indexNamesThatWouldLeaveTheFolderAreRefused() throws {
        let (run, folder) = try pull("evil", from: repo("anonymous"), ["--ca-file", env.file.caFile])
        #expect(run.status == 1)
        #expect(run.errorCode == "notAChart", "\(run.stderr)")
        #expect(env.files(in: folder).filter { !$0.hasPrefix(".cache") }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: (folder as NSString).deletingLastPathComponent + "/evil-1.0.0.tgz"))
    }

    /// elsewhere-0.2.0 lives on another origin (localhost:…/cdn/), which answers 400 to any
    /// request with an Authorization header: a success proves the credentials stayed home.
    @Test func credentialsGoOnlyToTheRepositoryOrigin() throws {
        let (run, folder) = try pull("elsewhere", from: repo("basic"), ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: env.file.password)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try env.sha256sum(folder + "/elsewhere-0.2.0.tgz") == digest("elsewhere", "0.2.0"))
    }

    @Test func largeIndexInBoundedMemoryAndRevalidatedWithETag() throws {
        let cache = env.scratch()
        let folder = env.scratch()
        let arguments = ["/usr/bin/time", "-f", "%M", env.executable, "pull", "needle", "--repo", repo("anonymous") + "/large", "--ca-file", env.file.caFile, "-d", folder]
        let first = try env.tool(["env", "BUNDLE_CACHE_DIR=\(cache)"] + arguments)
        #expect(first.status == 0, "\(first.output)")
        let peakKiB = Int(first.output.split(separator: "\n").last ?? "") ?? .max
        #expect(peakKiB < 64 * 1024, "peak RSS \(peakKiB) KiB reading a 26 MB index")
        #expect(try env.sha256sum(folder + "/needle-3.2.1.tgz") == env.file.largeIndexNeedle)
        let second = try env.tool(["env", "BUNDLE_CACHE_DIR=\(cache)"] + arguments)
        #expect(second.status == 0)
        let log = try String(contentsOfFile: env.file.nginxAccessLog, encoding: .utf8)
        #expect(log.contains("\"GET /large/index.yaml HTTP/1.1\" 304"), "the second pull revalidates the cached index")
    }

    /// A config mixing OCI charts and repository charts (the openebs fixture's, pointed at the
    /// test server) builds into one bundle that installs offline.
    @Test func mixedConfigBuildsAndInstallsOffline() throws {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        let fixture = URL(fileURLWithPath: env.validator).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/k0s/examples/openebs-http-repo.yaml").path
        var text = try String(contentsOfFile: fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "          url: https://openebs.github.io/openebs\n",
                                         with: "          url: \(repo("basic"))\n          caFile: ca.crt\n")
        let insert = [
            "        - name: registry",
            "          url: oci://\(env.registry("anonymous"))",
            "          caFile: ca.crt",
            "      charts:",
            "        - name: app",
            "          chartname: oci://\(env.registry("anonymous"))/charts/app",
            "          version: \"1.3.0\"",
            "          namespace: apps",
        ].joined(separator: "\n") + "\n"
        text = text.replacingOccurrences(of: "      charts:\n", with: insert)
        try text.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let credentials: [String: String?] = ["BUNDLE_REPO_OPENEBS_INTERNAL_USERNAME": env.file.username, "BUNDLE_REPO_OPENEBS_INTERNAL_PASSWORD": env.file.password]
        let plan = try env.bundle(["plan", folder + "/k0s.yaml", "--json"], environment: credentials.merging(["BUNDLE_CACHE_DIR": folder + "/cache"]) { $1 })
        #expect(plan.status == 0, "\(plan.stderr)\n\(plan.stdout)")
        #expect(try env.bundle(["keygen", "--out", folder + "/signing"]).status == 0)
        let build = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/b.tar.gz", "--cache-dir", folder + "/cache", "--json"],
                                   environment: credentials)
        #expect(build.status == 0, "\(build.stderr)")
        let root = folder + "/node"
        let install = try env.bundle(["install", folder + "/b.tar.gz", "--trust", folder + "/signing.pub", "--root", root])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(try env.sha256sum(root + "/var/lib/k0s/charts/openebs-4.4.0.tgz") == digest("openebs", "4.4.0"))
        #expect(try env.sha256sum(root + "/var/lib/k0s/charts/app-1.3.0.tgz") == env.file.app["1.3.0"]?.chart)
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(config.contains("chartname: /var/lib/k0s/charts/openebs-4.4.0.tgz"))
        #expect(!config.contains("openebs-internal/openebs") && !config.contains("repositories:"), "no network needed: \(config)")
        #expect(config.contains("kubeletDir: /var/lib/k0s/kubelet"), "values kept")
        let validation = try env.tool(["python3", env.validator, root + "/etc/k0s/k0s.yaml"])
        #expect(validation.status == 0, "\(validation.output)")
        // And again from the cache alone.
        let offline = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/offline.tar.gz", "--cache-dir", folder + "/cache", "--offline"])
        #expect(offline.status == 0, "\(offline.stderr)")
    }
}

extension URL {
    var hostAndPortForTests: String { "\(host ?? "?"):\(port ?? 443)" }
}
