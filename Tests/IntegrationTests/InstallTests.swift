import Foundation
import Testing

/// Bundles built from the real registry: A (sequence 100: app 1.2.5 and signed 0.1.0)
/// and B (sequence 200: app 1.3.0 only) of one bundle "node", and C (A's charts as the bundle
/// "other"), signed by one key; plus a second key for rotation.
struct Bundles: Sendable {
    let folder: String
    var a: String { folder + "/a.tar.gz" }
    var b: String { folder + "/b.tar.gz" }
    /// Bundle A's content under another name, sequence 300.
    var c: String { folder + "/c.tar.gz" }
    var key: String { folder + "/signing.pub" }
    var otherKey: String { folder + "/other.pub" }
    var privateKey: String { folder + "/signing.key" }

    static let shared: Result<Bundles, TestEnvironment.SetupError> = {
        do {
            let env = try TestEnvironment.require()
            let folder = env.scratch()
            try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
            func config(_ charts: [(String, String, String)]) -> String {
                var text = """
                    repositories:
                      - name: registry
                        url: oci://\(env.registry("anonymous"))
                        caFile: ca.crt
                    extensions:
                      helm:
                        charts:

                    """
                for (name, chart, version) in charts {
                    text += "      - name: \(name)\n        chartname: oci://\(env.registry("anonymous"))/charts/\(chart)\n        version: \"\(version)\"\n        namespace: apps\n"
                }
                return text
            }
            try config([("web", "app", "1.2.5"), ("signed", "signed", "0.1.0")]).write(toFile: folder + "/a.yaml", atomically: true, encoding: .utf8)
            try config([("web", "app", "1.3.0")]).write(toFile: folder + "/b.yaml", atomically: true, encoding: .utf8)
            for out in [folder + "/signing", folder + "/other"] {
                guard try env.bundle(["keygen", "--out", out]).status == 0 else { throw TestEnvironment.SetupError(description: "keygen failed") }
            }
            // A and B are two versions of one bundle ("node"); C is another bundle ("other").
            for (name, config, bundleName, sequence) in [("a", "a", "node", "100"), ("b", "b", "node", "200"), ("c", "a", "other", "300")] {
                let run = try env.bundle(["build", "\(folder)/\(config).yaml", "--sign-key", folder + "/signing.key", "-o", "\(folder)/\(name).tar.gz",
                                          "--sequence", sequence, "--name", bundleName, "--cache-dir", folder + "/cache"])
                guard run.status == 0 else { throw TestEnvironment.SetupError(description: "building bundle \(name) failed: \(run.stderr)") }
            }
            return .success(Bundles(folder: folder))
        } catch let error as TestEnvironment.SetupError {
            return .failure(error)
        } catch {
            return .failure(TestEnvironment.SetupError(description: "\(error)"))
        }
    }()

    static func require() throws -> Bundles {
        switch shared {
        case .success(let bundles): return bundles
        case .failure(let error):
            Issue.record(Comment(rawValue: error.description))
            throw error
        }
    }
}

@Suite(.needsTestEnvironment) struct InstallTests {
    let env: TestEnvironment
    let bundles: Bundles
    init() throws {
        env = try TestEnvironment.require()
        bundles = try Bundles.require()
    }

    func install(_ bundle: String, root: String, _ extra: [String] = [], environment: [String: String?] = [:]) throws -> Run {
        try env.bundle(["install", bundle, "--trust", bundles.key, "--root", root, "--json"] + extra, environment: environment)
    }

    /// Every regular file under `root`, relative, sorted.
    func tree(_ root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    @Test func installsIntoARootLikeANode() throws {
        let root = env.scratch()
        let run = try install(bundles.a, root: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["status"] as? String == "installed")
        let placed = (run.json?["files"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(Set(placed) == Set(["var/lib/k0s/charts/app-1.2.5.tgz", "var/lib/k0s/charts/signed-0.1.0.tgz", "var/lib/k0s/charts/signed-0.1.0.tgz.prov",
                                   "var/lib/k0s/bundle/certs/registry.crt", "etc/k0s/k0s.yaml"].map { root + "/" + $0 }))
        // Byte-identical to the registry's chart layers.
        #expect(try env.sha256sum(root + "/var/lib/k0s/charts/app-1.2.5.tgz") == env.file.app["1.2.5"]?.chart)
        #expect(try env.sha256sum(root + "/var/lib/k0s/charts/signed-0.1.0.tgz") == env.file.signed.chart)
        // The config validates and every chartname points at an installed file.
        let validation = try env.tool(["python3", env.validator, root + "/etc/k0s/k0s.yaml"])
        #expect(validation.status == 0, "\(validation.output)")
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        let chartnames = config.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("chartname: ") ? String(trimmed.dropFirst("chartname: ".count)) : nil
        }
        #expect(chartnames.count == 2)
        for path in chartnames {
            #expect(path.hasPrefix("/var/lib/k0s/charts/"))
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path) is not installed")
        }
        #expect(tree(root).allSatisfy { !$0.contains("staging-") && !$0.contains("bundle-tmp") })
    }

    @Test func installingTheSameBundleAgainChangesNothing() throws {
        let root = env.scratch()
        #expect(try install(bundles.a, root: root).status == 0)
        func stamps() throws -> [String: Date] {
            var result: [String: Date] = [:]
            for path in tree(root) where !path.hasSuffix("install.lock") {
                result[path] = try FileManager.default.attributesOfItem(atPath: root + "/" + path)[.modificationDate] as? Date
            }
            return result
        }
        let before = try stamps()
        Thread.sleep(forTimeInterval: 0.05)
        let again = try install(bundles.a, root: root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.json?["status"] as? String == "unchanged")
        #expect(try stamps() == before)
        let human = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root])
        #expect(human.stdout.contains("already installed; nothing changed"))
    }

    @Test func higherSequenceReplacesAndRemovesWhatItNoLongerCarries() throws {
        let root = env.scratch()
        #expect(try install(bundles.a, root: root).status == 0)
        let run = try install(bundles.b, root: root)
        #expect(run.status == 0, "\(run.stderr)")
        let charts = tree(root + "/var/lib/k0s/charts")
        #expect(charts == ["app-1.3.0.tgz"])
        // The backup is the node's own config; this node had none, and the first bundle's is not kept.
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/k0s/k0s.yaml.bundle-backup"))
        let removed = (run.json?["files"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "removed" }.count
        #expect(removed == 3)
    }

    @Test func olderSequenceIsRefusedUnlessAllowed() throws {
        let root = env.scratch()
        #expect(try install(bundles.b, root: root).status == 0)
        let before = tree(root)
        let refused = try install(bundles.a, root: root)
        #expect(refused.status == 1)
        #expect(refused.errorCode == "downgrade")
        #expect(refused.stderr.contains("sequence 100") && refused.stderr.contains("--allow-downgrade"), "\(refused.stderr)")
        #expect(tree(root) == before)
        let allowed = try install(bundles.a, root: root, ["--allow-downgrade"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(tree(root + "/var/lib/k0s/charts") == ["app-1.2.5.tgz", "signed-0.1.0.tgz", "signed-0.1.0.tgz.prov"])
    }

    /// A bundle of another name is not an upgrade or a downgrade of the installed one.
    @Test func anotherBundleNeedsReplaceBundle() throws {
        let root = env.scratch()
        #expect(try install(bundles.b, root: root).status == 0)
        let before = tree(root)
        let refused = try install(bundles.c, root: root)
        #expect(refused.status == 1 && refused.errorCode == "otherBundleInstalled", "\(refused.stdout)")
        #expect(refused.stderr.contains("replaces bundle \"node\" (sequence 200) with bundle \"other\"") && refused.stderr.contains("--replace-bundle"), "\(refused.stderr)")
        #expect(refused.stderr.contains("removes \(root)/var/lib/k0s/charts/app-1.3.0.tgz"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("--allow-downgrade"), "\(refused.stderr)")
        #expect(tree(root) == before)
        let replaced = try install(bundles.c, root: root, ["--replace-bundle"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(tree(root + "/var/lib/k0s/charts") == ["app-1.2.5.tgz", "signed-0.1.0.tgz", "signed-0.1.0.tgz.prov"])
        #expect((replaced.json?["warnings"] as? [String] ?? []).contains { $0.contains("replaces bundle \"node\"") }, "\(replaced.stdout)")
    }

    @Test func dataDirAndConfigOutMoveEverything() throws {
        let root = env.scratch()
        let run = try install(bundles.a, root: root, ["--data-dir", "/opt/k0s", "--config-out", "/etc/k0s/offline.yaml"])
        #expect(run.status == 0, "\(run.stderr)")
        let config = try String(contentsOfFile: root + "/etc/k0s/offline.yaml", encoding: .utf8)
        #expect(config.contains("chartname: /opt/k0s/charts/app-1.2.5.tgz"))
        #expect(FileManager.default.fileExists(atPath: root + "/opt/k0s/charts/app-1.2.5.tgz"))
        #expect(try env.tool(["python3", env.validator, root + "/etc/k0s/offline.yaml"]).status == 0)
        #expect(try install(bundles.a, root: root, ["--data-dir", "/opt/k0s", "--config-out", "/etc/k0s/offline.yaml"]).json?["status"] as? String == "unchanged")
    }

    @Test func dryRunChangesNothing() throws {
        let root = env.scratch()
        let run = try install(bundles.a, root: root, ["--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["status"] as? String == "dry-run")
        #expect((run.json?["files"] as? [[String: Any]] ?? []).allSatisfy { ($0["action"] as? String ?? "").hasPrefix("would") })
        #expect(tree(root).isEmpty)
    }

    /// Crafted archives (scripts/testenv/hostile.py, with Python's tarfile), signed with the
    /// trusted key where their manifest changed, so the check under test is the one that must fire.
    static let hostileCases: [(String, String)] = [
        ("traversal", "entryUnsafe"), ("absolute", "entryUnsafe"), ("symlink", "entryUnsafe"), ("hardlink", "entryUnsafe"),
        ("device", "entryUnsafe"), ("chart-as-symlink", "entryUnsafe"), ("unlisted", "entryUnlisted"), ("duplicate", "entryDuplicate"),
        ("tampered-chart", "entryMismatch"), ("tampered-manifest", "untrustedKey"), ("unsigned", "signatureMissing"),
        ("unknown-schema", "unknownSchema"), ("too-big-for-disk", "notEnoughSpace"), ("manifest-escape", "entryUnsafe"),
        ("missing-entry", "entryMissing"), ("truncated", "archiveFailed"), ("garbage", "notABundle"), ("not-a-bundle", "notABundle"),
        ("huge-sizes", "manifestInvalid"), ("unicode-path", "entryUnsafe"), ("case-collision", "entryUnsafe"),
        ("duplicate-key", "manifestInvalid"), ("sequence-float", "manifestInvalid"), ("comment", "manifestInvalid"), ("unknown-key", "manifestInvalid"),
        ("datadir-root", "manifestInvalid"), ("datadir-empty", "manifestInvalid"), ("datadir-dotdot", "manifestInvalid"),
    ]

    /// Terminal escape sequences in an (unverified) manifest are shown escaped by inspect.
    @Test func inspectShowsHostileTextEscaped() throws {
        let corpus = try Self.corpus.get()
        let run = try env.bundle(["inspect", "\(corpus)/escape-text.tar.gz"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("\u{1b}") && !run.stdout.contains("\u{07}"), "raw escape sequences reached the terminal")
        #expect(run.stdout.contains("\\u{1b}[2J"), "\(run.stdout)")
    }

    /// A file where a folder must go (or a folder where a file goes) is found before anything
    /// is placed: the node keeps exactly what it had.
    @Test func aTargetInTheWayIsRefusedBeforeAnythingIsPlaced() throws {
        let root = env.scratch()
        let charts = root + "/var/lib/k0s/charts"
        try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
        let listing = try env.tool(["tar", "-tzf", bundles.a]).output.split(separator: "\n").map(String.init)
        let chart = try #require(listing.first { $0.hasPrefix("charts/") && $0.hasSuffix(".tgz") })
        try FileManager.default.createDirectory(atPath: root + "/var/lib/k0s/" + chart, withIntermediateDirectories: true)
        let before = tree(root)
        let run = try install(bundles.a, root: root)
        #expect(run.status == 1 && run.errorCode == "writeFailed", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("is not a regular file"), "\(run.stderr)")
        #expect(tree(root).filter { $0 != "var/lib/k0s/bundle/install.lock" } == before.filter { $0 != "var/lib/k0s/bundle/install.lock" }, "\(tree(root))")
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/k0s/k0s.yaml"))
    }

    /// A signed manifest whose sizes add up past Int64.max: inspect refuses it, naming the
    /// field, and does not trap.
    @Test func inspectSurvivesSizesThatOverflow() throws {
        let corpus = try Self.corpus.get()
        let run = try env.bundle(["inspect", "\(corpus)/huge-sizes.tar.gz", "--json"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.errorCode == "manifestInvalid", "\(run.stdout)")
        #expect(run.stdout.contains("files[") && run.stdout.contains("].size: out of range"), "\(run.stdout)")
    }

    static let corpus: Result<String, TestEnvironment.SetupError> = {
        guard case .success(let bundles) = Bundles.shared else { return .failure(.init(description: "no bundles")) }
        let out = bundles.folder + "/hostile"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/testenv/hostile.py").path, bundles.a, bundles.privateKey, out]
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(.init(description: "hostile.py: \(error)")) }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? .success(out) : .failure(.init(description: "hostile.py failed"))
    }()

    @Test(arguments: hostileCases)
    func hostileArchivesAreRefusedWithNothingWritten(name: String, code: String) throws {
        let corpus = try Self.corpus.get()
        let root = env.scratch()
        let run = try install("\(corpus)/\(name).tar.gz", root: root)
        #expect(run.status == 1, "\(name): \(run.stdout) \(run.stderr)")
        #expect(run.errorCode == code, "\(name): \(run.stderr)")
        #expect(run.stderr.contains("\(name).tar.gz"), "the message names the bundle: \(run.stderr)")
        // Nothing but the install lock of the state folder; no staging left behind.
        #expect(tree(root).allSatisfy { $0 == "var/lib/k0s/bundle/install.lock" }, "\(name) left: \(tree(root))")
        #expect(!FileManager.default.fileExists(atPath: root + "/etc"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/bundle-evil"))
        let verify = try env.bundle(["verify", "\(corpus)/\(name).tar.gz", "--trust", bundles.key])
        #expect(verify.status == 1, "verify accepted \(name)")
    }

    @Test func verifyChecksSignatureAndEveryEntryWithRotatedKeys() throws {
        let run = try env.bundle(["verify", bundles.a, "--trust", bundles.otherKey, "--trust", bundles.key, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        // bundle.json.sig aside: bundle.json, two charts, a certificate, the config, and each chart's OCI manifest and config.
        #expect(run.json?["entries"] as? Int == 9)
        let wrong = try env.bundle(["verify", bundles.a, "--trust", bundles.otherKey])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("does not verify with any trusted key") && wrong.stderr.contains("other.pub"))
    }

    @Test func inspectShowsWhatIsInside() throws {
        let run = try env.bundle(["inspect", bundles.a])
        #expect(run.status == 0, "\(run.stderr)")
        for text in ["sequence 100", "charts/app-1.2.5.tgz", env.file.app["1.2.5"]?.chart ?? "?", "CN=Bundle Test Root CA", "ed25519 sha256:", "expires"] {
            #expect(run.stdout.contains(text), "missing \(text) in \(run.stdout)")
        }
        let json = try env.bundle(["inspect", bundles.a, "--json"])
        #expect((json.json?["manifest"] as? [String: Any])?["sequence"] as? Int == 100)
    }

    /// The first install pauses at a named checkpoint, holding the lock, until the test lets
    /// it go: the second is refused in that window however slow the machine.
    @Test func concurrentInstallsDoNotInterleave() throws {
        let root = env.scratch()
        let marker = env.scratch() + "/paused"
        let first = Process()
        first.executableURL = URL(fileURLWithPath: env.executable)
        first.arguments = ["install", bundles.a, "--trust", bundles.key, "--root", root]
        first.environment = ProcessInfo.processInfo.environment.merging(["BUNDLE_TEST_CHECKPOINT": "pause:staged:\(marker)"]) { $1 }
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        // Waits for the condition (bounded), not for an amount of time to pass.
        var polls = 0
        while !FileManager.default.fileExists(atPath: marker), first.isRunning, polls < 60_000 {
            usleep(2_000)
            polls += 1
        }
        #expect(FileManager.default.fileExists(atPath: marker), "the first install never reached its checkpoint")
        let second = try install(bundles.a, root: root)
        try? FileManager.default.removeItem(atPath: marker)
        first.waitUntilExit()
        #expect(second.status == 1)
        #expect(second.errorCode == "locked")
        #expect(second.stderr.contains("another bundle install"), "\(second.stderr)")
        #expect(first.terminationStatus == 0)
    }

    /// An install that kills itself (SIGKILL) at `checkpoint`; true when it died there.
    func installKilled(_ bundle: String, root: String, at checkpoint: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: env.executable)
        process.arguments = ["install", bundle, "--trust", bundles.key, "--root", root]
        process.environment = ProcessInfo.processInfo.environment.merging(["BUNDLE_TEST_CHECKPOINT": "kill:\(checkpoint)"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// Kills the installer (SIGKILL) at every named checkpoint while it replaces A with B, and
    /// while A replaces a node's own config. After every kill the node holds the old config or
    /// the new one, every file under a final name is complete, and the next install finishes.
    @Test func killedAtEveryCheckpointLeavesOldOrNewAndTheNextInstallCompletes() throws {
        let reference = env.scratch()
        #expect(try install(bundles.a, root: reference).status == 0)
        let configA = try Data(contentsOf: URL(fileURLWithPath: reference + "/etc/k0s/k0s.yaml"))
        #expect(try install(bundles.b, root: reference).status == 0)
        let configB = try Data(contentsOf: URL(fileURLWithPath: reference + "/etc/k0s/k0s.yaml"))
        let finalTree = tree(reference)
        let known = Set([env.file.app["1.2.5"]!.chart, env.file.app["1.3.0"]!.chart, env.file.signed.chart])
        let own = Data("apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: own\nspec: {}\n".utf8)

        // (checkpoint, the node before: A installed, or only its own config)
        // (A's certificate is unchanged in B, so it is placed only in the second case.)
        let points: [(String, Bool)] = [("staged", true), ("placed charts/app-1.3.0.tgz", true), ("config", true), ("record", true), ("removed", true),
                                        ("staged", false), ("placed certs/registry.crt", false), ("placed charts/app-1.2.5.tgz", false),
                                        ("backup", false), ("config", false), ("record", false)]
        for (checkpoint, fromA) in points {
            let root = env.scratch()
            if fromA {
                #expect(try install(bundles.a, root: root).status == 0)
            } else {
                try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
                try own.write(to: URL(fileURLWithPath: root + "/etc/k0s/k0s.yaml"))
            }
            let target = fromA ? bundles.b : bundles.a
            #expect(try installKilled(target, root: root, at: checkpoint), "the install did not die at \(checkpoint)")
            let config = try Data(contentsOf: URL(fileURLWithPath: root + "/etc/k0s/k0s.yaml"))
            let old = fromA ? configA : own
            #expect(config == old || (fromA && config == configB) || (!fromA && config.count > own.count), "killed at \(checkpoint): the config is neither old nor new")
            for chart in tree(root + "/var/lib/k0s/charts") where chart.hasSuffix(".tgz") {
                #expect(known.contains(try env.sha256sum(root + "/var/lib/k0s/charts/" + chart)), "killed at \(checkpoint): \(chart) is incomplete")
            }
            let again = try install(target, root: root)
            #expect(again.status == 0, "after a kill at \(checkpoint): \(again.stderr)")
            if fromA {
                #expect(tree(root).filter { !$0.hasSuffix(".bundle-backup") } == finalTree.filter { !$0.hasSuffix(".bundle-backup") }, "after a kill at \(checkpoint)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/etc/k0s/k0s.yaml")) == configB)
            } else {
                // The node's own config is what the backup holds, whatever point the kill hit.
                #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/etc/k0s/k0s.yaml.bundle-backup")) == own, "after a kill at \(checkpoint)")
            }
        }
    }

    /// status says what the node holds and whether it is intact; uninstall removes exactly
    /// that (a file changed since is kept) and puts the node's own config back.
    @Test func statusAndUninstall() throws {
        let root = env.scratch()
        let original = "# the node's own config\napiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\n"
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try original.write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        #expect(try env.bundle(["status", "--root", root, "--json"]).json?["installed"] as? Bool == false)
        #expect(try install(bundles.a, root: root).status == 0)
        #expect(try install(bundles.b, root: root).status == 0, "a newer bundle: the backup stays the node's own config")

        let status = try env.bundle(["status", "--root", root, "--json"])
        #expect(status.status == 0 && status.json?["intact"] as? Bool == true, "\(status.stdout)")
        let files = status.json?["files"] as? [[String: Any]] ?? []
        #expect(!files.isEmpty && files.allSatisfy { $0["state"] as? String == "intact" })
        #expect(!(status.json?["charts"] as? [String] ?? []).isEmpty && status.json?["verifiedBy"] as? String != nil)

        let changed = try #require(files.first?["path"] as? String)
        try "edited by hand".write(toFile: changed, atomically: true, encoding: .utf8)
        let broken = try env.bundle(["status", "--root", root, "--json"])
        #expect(broken.status == 1 && broken.json?["intact"] as? Bool == false)
        #expect((broken.json?["files"] as? [[String: Any]] ?? []).contains { $0["path"] as? String == changed && $0["state"] as? String == "changed" })

        let dry = try env.bundle(["uninstall", "--root", root, "--dry-run", "--json"])
        #expect(dry.status == 0 && FileManager.default.fileExists(atPath: root + "/var/lib/k0s/bundle/installed.json"), "\(dry.stdout)")
        let run = try env.bundle(["uninstall", "--root", root, "--json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.json?["kept"] as? [String] == [changed])
        #expect(try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8) == original, "the node's own config is back")
        #expect(tree(root).filter { !$0.hasSuffix("install.lock") }.sorted() == [String(changed.dropFirst(root.count + 1)), "etc/k0s/k0s.yaml"].sorted(), "\(tree(root))")
        let none = try env.bundle(["uninstall", "--root", root, "--json"])
        #expect(none.status == 1 && none.errorCode == "notInstalled")
    }

    /// The node's config is the node's: only spec.extensions.helm is replaced, every other
    /// byte kept (comments included); a config that is not a ClusterConfig is refused;
    /// --config-mode replace writes the bundle's whole.
    @Test func theNodesConfigKeepsEverythingButHelm() throws {
        let root = env.scratch()
        let own = """
            # hand-tuned on this node
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            metadata:
              name: edge-7   # keep me
            spec:
              api:
                address: 10.0.0.7
              extensions:
                helm:
                  charts: []
              network:
                provider: calico

            """
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try own.write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        // --dry-run shows the change as a unified diff: the helm section goes, the rest is context.
        let dry = try install(bundles.a, root: root, ["--dry-run"])
        let diff = dry.json?["configDiff"] as? [String] ?? []
        #expect(dry.status == 0 && diff.first == "--- \(root)/etc/k0s/k0s.yaml", "\(dry.stdout)\(dry.stderr)")
        #expect(diff.contains("-      charts: []") && diff.contains { $0.hasPrefix("+") && $0.contains("chartname: /var/lib/k0s/charts/") }, "\(diff)")
        #expect(!diff.contains { $0.hasPrefix("-") && $0.contains("provider: calico") }, "\(diff)")
        #expect(try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8) == own, "a dry run changes nothing")
        let text = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root, "--dry-run"])
        #expect(text.stdout.contains("Config change:") && text.stdout.contains("@@"), "\(text.stdout)")
        let run = try install(bundles.a, root: root)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let merged = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        for line in ["# hand-tuned on this node", "  name: edge-7   # keep me", "    address: 10.0.0.7", "  network:", "    provider: calico"] {
            #expect(merged.contains(line + "\n"), "kept: \(line)\n\(merged)")
        }
        #expect(merged.contains("chartname: /var/lib/k0s/charts/"), "\(merged)")
        #expect(try env.tool([env.validator, root + "/etc/k0s/k0s.yaml"]).status == 0)
        #expect(try install(bundles.a, root: root).json?["status"] as? String == "unchanged")
        let again = try install(bundles.a, root: root, ["--dry-run"])
        #expect(again.json?["configDiff"] as? [String] == [], "installed already: no change to show \(again.stdout)")

        let other = env.scratch()
        try FileManager.default.createDirectory(atPath: other + "/etc/k0s", withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: ConfigMap\n".write(toFile: other + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        let refused = try install(bundles.a, root: other)
        #expect(refused.status == 1 && refused.errorCode == "notAConfig", "\(refused.stdout)")
        #expect(refused.stderr.contains("--config-mode replace"))
        #expect(!FileManager.default.fileExists(atPath: other + "/var/lib/k0s/charts"), "nothing was placed")
        let replaced = try install(bundles.a, root: other, ["--config-mode", "replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try String(contentsOfFile: other + "/etc/k0s/k0s.yaml", encoding: .utf8).contains("kind: ClusterConfig"))
    }

    /// diff: charts added, removed and changed with versions and digests; the config as a unified diff.
    @Test func diffShowsWhatChangedBetweenTwoBundles() throws {
        let same = try env.bundle(["diff", bundles.a, bundles.a])
        #expect(same.status == 0 && same.stdout.contains("hold the same"), "\(same.stdout)\(same.stderr)")
        let run = try env.bundle(["diff", bundles.a, bundles.b, "--json"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let charts = run.json?["charts"] as? [String: Any] ?? [:]
        let changes = ((charts["added"] as? [[String: Any]] ?? []) + (charts["removed"] as? [[String: Any]] ?? []) + (charts["changed"] as? [[String: Any]] ?? []))
        #expect(!changes.isEmpty, "\(run.stdout)")
        #expect(changes.contains { (($0["to"] as? String) ?? "").hasPrefix("1.3.0 sha256:") }, "\(changes)")
        let config = run.json?["config"] as? [String] ?? []
        #expect(config.first?.hasPrefix("--- ") == true && config.contains { $0.hasPrefix("@@ -") } && config.contains { $0.hasPrefix("+") && $0.contains("1.3.0") }, "\(config)")
        let text = try env.bundle(["diff", bundles.a, bundles.b])
        #expect(text.stdout.contains("charts") && text.stdout.contains("config"), "\(text.stdout)")
    }
}
