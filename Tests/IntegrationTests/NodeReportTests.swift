import Foundation
import Testing

/// What the node-side commands say matches what happened: the config's state and backup,
/// exit statuses as diff(1), a cut bundle as damage, nothing installed as such.
@Suite(.needsTestEnvironment) struct NodeReportTests {
    let env: TestEnvironment
    let bundles: Bundles
    init() throws {
        env = try TestEnvironment.require()
        bundles = try Bundles.require()
    }

    /// A node with its own config, then bundle A installed over it.
    func installedNode() throws -> String {
        let root = env.scratch()
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec: {}\n".write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        let run = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        return root
    }

    @Test func statusReportsAnEditedConfig() throws {
        let root = try installedNode()
        let config = root + "/etc/k0s/k0s.yaml"
        let intact = try env.bundle(["status", "--root", root, "--json"])
        #expect(intact.status == 0 && intact.json?["configState"] as? String == "intact", "\(intact.stdout)")
        let handle = try #require(FileHandle(forWritingAtPath: config))
        handle.seekToEndOfFile()
        handle.write(Data("# edited by hand\n".utf8))
        try handle.close()
        let changed = try env.bundle(["status", "--root", root, "--json"])
        #expect(changed.status == 1 && changed.json?["configState"] as? String == "changed", "\(changed.stdout)")
        #expect(changed.json?["configBackup"] as? String == config + ".bundle-backup", "\(changed.stdout)")
        let text = try env.bundle(["status", "--root", root])
        #expect(text.status == 1 && text.stdout.contains("config     changed: \(config)") && text.stdout.contains("The config is changed since the install."), "\(text.stdout)")
        #expect(!text.stdout.contains("Some files changed"), "\(text.stdout)")
    }

    @Test func uninstallSaysTheKeptConfigNamesRemovedChartsAndWhereTheBackupIs() throws {
        let root = try installedNode()
        let config = root + "/etc/k0s/k0s.yaml"
        try (String(contentsOfFile: config, encoding: .utf8) + "# edited\n").write(toFile: config, atomically: true, encoding: .utf8)
        let run = try env.bundle(["uninstall", "--root", root, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect((run.json?["configNamesRemoved"] as? [String] ?? []).contains { $0.hasPrefix("/var/lib/k0s/charts/") }, "\(run.stdout)")
        #expect(run.json?["configBackup"] as? String == config + ".bundle-backup", "\(run.stdout)")
    }

    @Test func uninstallWithNothingInstalledSaysSoAndWritesNothing() throws {
        let root = env.scratch() + "/node"
        let run = try env.bundle(["uninstall", "--root", root, "--json"])
        #expect(run.status == 1 && run.errorCode == "notInstalled", "\(run.stdout)\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root), "uninstall created \(root)")
    }

    @Test func diffExitsAsDiffDoes() throws {
        #expect(try env.bundle(["diff", bundles.a, bundles.a]).status == 0)
        #expect(try env.bundle(["diff", bundles.a, bundles.b]).status == 1)
        let missing = try env.bundle(["diff", bundles.a, bundles.folder + "/missing.tar.gz", "--json"])
        #expect(missing.status == 2 && missing.errorCode == "notABundle", "\(missing.stdout)")
        #expect(try env.bundle(["diff", bundles.a]).status == 64)
    }

    /// `head -c -40`: the gzip trailer is gone. That is damage in transit, not the wrong file.
    @Test func aTruncatedBundleIsAnIntegrityFailure() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: bundles.a))
        let cut = env.scratch() + "/cut.tar.gz"
        try data.dropLast(40).write(to: URL(fileURLWithPath: cut))
        for command in [["verify", cut, "--trust", bundles.key], ["install", cut, "--trust", bundles.key, "--root", env.scratch()]] {
            let run = try env.bundle(command + ["--json"])
            let error = run.json?["error"] as? [String: Any]
            #expect(run.status == 1 && error?["code"] as? String == "archiveFailed" && error?["class"] as? String == "integrity", "\(run.stdout)")
            #expect((error?["hint"] as? String ?? "").contains("sha256"), "\(run.stdout)")
        }
    }

    /// A credential helper that is missing, or exits before reading what it is sent, is a
    /// warning naming it; the process never dies of SIGPIPE (each run is a chance for the race).
    @Test func aBrokenCredentialHelperIsAWarningNotADeath() throws {
        let folder = env.scratch()
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try "#!/bin/sh\necho 'helper broke' >&2\nexit 3\n".write(toFile: folder + "/bin/docker-credential-quick", atomically: true, encoding: .utf8)
        chmod(folder + "/bin/docker-credential-quick", 0o755)
        let registry = env.registry("anonymous")
        for (helper, said) in [("nonexistent-helper", "is not on PATH"), ("quick", "helper broke")] {
            try "{\"credsStore\": \"\(helper)\"}".write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
            for _ in 0..<8 {
                let run = try env.bundle(["pull", "oci://\(registry)/charts/app", "--version", "1.2.5", "--ca-file", env.file.caFile, "-d", folder + "/out", "--json"],
                                         environment: ["DOCKER_CONFIG": folder, "PATH": folder + "/bin:/usr/bin:/bin"])
                #expect(run.status == 0, "\(helper): status \(run.status): \(run.stderr)")
                #expect(run.stderr.contains("warning: ") && run.stderr.contains("docker-credential-\(helper)") && run.stderr.contains(said), "\(run.stderr)")
                #expect((run.json?["warnings"] as? [String] ?? []).contains { $0.contains(said) }, "\(run.stdout)")
            }
            // A registry that then refuses: the hint names the helper that failed.
            let refused = try env.bundle(["pull", "oci://\(env.registry("basic"))/charts/app", "--version", "1.2.5", "--ca-file", env.file.caFile, "-d", folder + "/out", "--json"],
                                         environment: ["DOCKER_CONFIG": folder, "PATH": folder + "/bin:/usr/bin:/bin"])
            let hint = (refused.json?["error"] as? [String: Any])?["hint"] as? String ?? ""
            #expect(refused.status == 1 && hint.contains("credential helper docker-credential-\(helper) failed"), "\(refused.stdout)")
        }
    }
}

extension NodeReportTests {
    /// As an unprivileged user (setpriv, from util-linux; CI runs as root, where nothing is
    /// refused): the dry run says it could not write, the install says why in our words.
    @Test func aNonRootUserIsToldBeforeAndWithoutFoundationsWords() throws {
        // Outside TMPDIR (a private folder): the unprivileged user needs to reach these files.
        let folder = "/tmp/bundle-nonroot-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/node", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (source, name) in [(env.executable, "bundle"), (bundles.a, "a.tar.gz"), (bundles.key, "k.pub")] {
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/" + name)
        }
        chmod(folder, 0o755)
        func asNobody(_ arguments: [String]) throws -> (status: Int32, output: String) {
            // TMPDIR of the test run is root's: the unprivileged user gets /tmp.
            try env.tool(["TMPDIR=/tmp", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", folder + "/bundle"] + arguments)
        }
        let common = [folder + "/a.tar.gz", "--trust", folder + "/k.pub", "--root", folder + "/node"]
        let dry = try asNobody(["install"] + common + ["--dry-run"])
        #expect(dry.status == 1 && dry.output.contains("\(folder)/node: is not writable by this user (uid 65534)"), "\(dry.output)")
        let real = try asNobody(["install"] + common)
        #expect(real.status == 1 && real.output.contains("cannot be created: Permission denied. Run as root"), "\(real.output)")
        #expect(!real.output.contains("You don’t have permission") && !real.output.contains(".."), "\(real.output)")
        let uninstall = try asNobody(["uninstall", "--root", folder + "/node", "--json"])
        #expect(uninstall.status == 1 && uninstall.output.contains("\"notInstalled\""), "\(uninstall.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/node").isEmpty)
    }
}
