import Foundation
import Testing

/// `install --mirror`: k0s's config and containerd's hosts files point at a mirror seeded with
/// `bundle push`; a real containerd pulls an image by its original name through them.
@Suite(.needsTestEnvironment) struct MirrorInstallTests {
    let env: TestEnvironment
    let push: PushTests
    init() throws {
        env = try TestEnvironment.require()
        push = try PushTests()
    }

    var anonymous: String { env.registry("anonymous") }
    var mirror: String { env.registry("mirror") }

    func install(_ bundle: String, _ folder: String, root: String, _ extra: [String] = []) throws -> Run {
        try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--root", root, "--json"] + extra)
    }

    @Test func configAndContainerdPointAtTheMirror() throws {
        let (folder, bundle, manifest) = try push.bundle()
        let prefix = "m" + UUID().uuidString.prefix(8).lowercased()
        #expect(try push.push(bundle, folder, mirror: "mirror", prefix: prefix).status == 0)
        let root = folder + "/node"
        let run = try install(bundle, folder, root: root, ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.mirrorCA])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.json?["mirror"] as? String == "oci://\(mirror)/\(prefix)")
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/k0s/charts"), "no chart is placed")
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/k0s/images"), "no image is placed")
        let caPath = "/var/lib/k0s/bundle/certs/bundle-mirror.crt"
        #expect(FileManager.default.contentsEqual(atPath: root + caPath, andPath: env.file.mirrorCA))

        // k0s: every chart at the mirror with its real version, one repository entry without a path.
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        for chart in manifest["charts"] as? [[String: Any]] ?? [] {
            #expect(config.contains("chartname: oci://\(mirror)/\(prefix)/charts/\(chart["name"] as? String ?? "")"), "\(config)")
        }
        #expect(config.contains("url: \"oci://\(mirror)\"") && config.contains("caFile: \(caPath)") && config.contains("insecure: false"), "\(config)")
        let validate = try env.tool([env.validator, root + "/etc/k0s/k0s.yaml"])
        #expect(validate.status == 0, "k0s's schema: \(validate.output)")

        // containerd: a hosts.toml per source registry, and the drop-in naming certs.d (version 3).
        let hosts = try String(contentsOfFile: root + "/etc/k0s/containerd.d/certs.d/\(anonymous)/hosts.toml", encoding: .utf8)
        #expect(hosts.contains("[host.\"https://\(mirror)/v2/\(prefix)/\(anonymous.replacingOccurrences(of: ":", with: "_"))\"]") && hosts.contains("override_path = true"))
        #expect(hosts.contains("ca = \"\(caPath)\""))
        let dropIn = try String(contentsOfFile: root + "/etc/k0s/containerd.d/bundle-mirror.toml", encoding: .utf8)
        #expect(dropIn.contains("version = 3") && dropIn.contains("io.containerd.cri.v1.images") && dropIn.contains("config_path = \"/etc/k0s/containerd.d/certs.d\""))

        // A real containerd pulls by the original name through those hosts files (the node's
        // CA path re-rooted into this test's folder), and the mirror serves the blobs.
        let hostsDir = folder + "/certs.d"
        try FileManager.default.copyItem(atPath: root + "/etc/k0s/containerd.d/certs.d", toPath: hostsDir)
        let copied = hostsDir + "/\(anonymous)/hosts.toml"
        try hosts.replacingOccurrences(of: caPath, with: root + caPath).write(toFile: copied, atomically: true, encoding: .utf8)
        let containerd = try Containerd(folder: folder + "/containerd")
        defer { containerd.stop() }
        let pulled = try containerd.ctr(["images", "pull", "--hosts-dir", hostsDir, "\(anonymous)/images/worker:2.0"])
        #expect(pulled.status == 0, "\(pulled.output)")
        let check = try containerd.check()
        #expect(check["\(anonymous)/images/worker:2.0"]?.digest == env.file.images["worker"]?.digest, "\(check)")
        #expect(try !push.logLines("mirror", containing: "GET /v2/\(prefix)/\(anonymous.replacingOccurrences(of: ":", with: "_"))/images/worker/blobs/").isEmpty,
                "the mirror served the image's blobs")

        // Again: nothing changes. Then local mode cleans up what the mirror mode placed, and back.
        let again = try install(bundle, folder, root: root, ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.mirrorCA])
        #expect(again.json?["status"] as? String == "unchanged", "\(again.stdout)")
        let local = try install(bundle, folder, root: root)
        #expect(local.status == 0, "\(local.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/k0s/containerd.d/bundle-mirror.toml"), "local mode removes the mirror's files")
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/k0s/containerd.d/certs.d/\(anonymous)"), "and the host folders left empty")
        #expect(FileManager.default.fileExists(atPath: root + "/var/lib/k0s/images/bundle-k0s.tar"))
        let back = try install(bundle, folder, root: root, ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.mirrorCA,
                                                            "--containerd-config-version", "2"])
        #expect(back.status == 0, "\(back.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/k0s/images/bundle-k0s.tar"), "mirror mode removes the local images tar")
        let two = try String(contentsOfFile: root + "/etc/k0s/containerd.d/bundle-mirror.toml", encoding: .utf8)
        #expect(two.contains("version = 2") && two.contains("io.containerd.grpc.v1.cri"))
    }

    /// A node with a config of its own: the mirror install merges into it, and the same install
    /// again is unchanged (it compared the bundle's unmerged config with the merged one written,
    /// so it wrote the config again on every run).
    @Test func aRepeatOverTheNodesOwnConfigIsUnchanged() throws {
        let (folder, bundle, _) = try push.bundle()
        let root = folder + "/own"
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        let own = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: own\nspec:\n  api:\n    port: 6443\n"
        try own.write(toFile: root + "/etc/k0s/k0s.yaml", atomically: true, encoding: .utf8)
        let mirrorFlags = ["--mirror", "oci://\(mirror)/own", "--mirror-ca", env.file.mirrorCA]
        let first = try install(bundle, folder, root: root, mirrorFlags)
        #expect(first.status == 0 && first.json?["status"] as? String == "installed", "\(first.stdout)\(first.stderr)")
        let written = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(written.contains("name: own") && written.contains("bundle-mirror"), "merged into the node's own: \(written)")
        let again = try install(bundle, folder, root: root, mirrorFlags)
        #expect(again.status == 0 && again.json?["status"] as? String == "unchanged", "\(again.stdout)\(again.stderr)")
        #expect(try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8) == written)
    }

    @Test func aDryRunWritesNothingAndCredentialsStayOnTheNode() throws {
        let (folder, bundle, _) = try push.bundle()
        let root = folder + "/dry"
        let dry = try install(bundle, folder, root: root, ["--mirror", "oci://\(mirror)/x", "--mirror-ca", env.file.mirrorCA, "--dry-run"])
        #expect(dry.status == 0 && dry.json?["status"] as? String == "dry-run", "\(dry.stdout)")
        #expect((FileManager.default.enumerator(atPath: root)?.allObjects ?? []).isEmpty || !FileManager.default.fileExists(atPath: root + "/etc"))
        let withCredentials = try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--root", folder + "/cred", "--mirror", "oci://\(mirror)/x",
                                              "--mirror-ca", env.file.mirrorCA, "--mirror-username", "robot", "--mirror-password-stdin"], stdin: "s3cret\n")
        #expect(withCredentials.status == 0, "\(withCredentials.stderr)")
        let config = try String(contentsOfFile: folder + "/cred/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(config.contains("username: \"robot\"") && config.contains("password: \"s3cret\""))
        let mode = (try FileManager.default.attributesOfItem(atPath: folder + "/cred/etc/k0s/k0s.yaml")[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "a config holding the mirror's password is readable by root only")
        // A rotated password is written, not reported unchanged.
        let rotated = try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--root", folder + "/cred", "--mirror", "oci://\(mirror)/x",
                                      "--mirror-ca", env.file.mirrorCA, "--mirror-username", "robot", "--mirror-password-stdin", "--json"], stdin: "n3w\r\n")
        #expect(rotated.json?["status"] as? String == "installed", "\(rotated.stdout)")
        #expect(try String(contentsOfFile: folder + "/cred/etc/k0s/k0s.yaml", encoding: .utf8).contains("password: \"n3w\""))
        // Back to a local install: the mirror's repository entry, and its password, go with it.
        let local = try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--root", folder + "/cred", "--json"])
        #expect(local.status == 0, "\(local.stderr)")
        let after = try String(contentsOfFile: folder + "/cred/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(!after.contains("bundle-mirror") && !after.contains("n3w"), "\(after)")
        // A CA file with a private key in it is refused: the key would go to every node.
        let keyed = folder + "/keyed.pem"
        try (String(contentsOfFile: env.file.mirrorCA, encoding: .utf8) + "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n").write(toFile: keyed, atomically: true, encoding: .utf8)
        let refused = try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--root", folder + "/keyed", "--mirror", "oci://\(mirror)/x",
                                      "--mirror-ca", keyed, "--json"])
        #expect(refused.status == 1 && refused.errorCode == "keyIsPrivate", "\(refused.stdout)")
        #expect(!withCredentials.stdout.contains("s3cret") && !withCredentials.stderr.contains("s3cret"))
        let missingCA = try env.bundle(["install", bundle, "--trust", folder + "/signing.pub", "--mirror", "oci://\(mirror)"])
        #expect(missingCA.status == 64 && missingCA.stderr.contains("--mirror-ca"))
    }

    /// A prefix nothing was pushed to, or the wrong CA, is said before the node is pointed at
    /// the mirror: a warning, or with --verify-mirror an error before anything is written.
    @Test func aMirrorThatDoesNotServeTheBundleIsSaid() throws {
        let (folder, bundle, _) = try push.bundle()
        let prefix = "v" + UUID().uuidString.prefix(8).lowercased()
        #expect(try push.push(bundle, folder, mirror: "mirror", prefix: prefix).status == 0)
        // The charts are there; an image pinned by the digest of an index the mirror refused is
        // not (push warned; install says it again, as a warning, or an error with --verify-mirror).
        let good = try install(bundle, folder, root: folder + "/good", ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.mirrorCA])
        let goodWarnings = good.json?["warnings"] as? [String] ?? []
        #expect(good.status == 0 && !goodWarnings.contains { $0.contains("has no chart") }, "\(good.stdout)\(good.stderr)")
        #expect(goodWarnings.contains { $0.contains("pods that pin this digest cannot pull it from the mirror") }, "\(goodWarnings)")
        let pinned = try install(bundle, folder, root: folder + "/pinned", ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.mirrorCA, "--verify-mirror"])
        #expect(pinned.status == 1 && pinned.errorCode == "mirrorUnusable" && !pinned.stderr.contains("has no chart"), "\(pinned.stdout)")

        let typo = try install(bundle, folder, root: folder + "/typo", ["--mirror", "oci://\(mirror)/\(prefix)x", "--mirror-ca", env.file.mirrorCA])
        #expect(typo.status == 0 && (typo.json?["warnings"] as? [String] ?? []).contains { $0.contains("has no chart") && $0.contains("bundle push") }, "\(typo.stdout)")
        let strict = try install(bundle, folder, root: folder + "/strict", ["--mirror", "oci://\(mirror)/\(prefix)x", "--mirror-ca", env.file.mirrorCA, "--verify-mirror"])
        #expect(strict.status == 1 && strict.errorCode == "mirrorUnusable", "\(strict.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/strict"), "nothing was written")

        let wrongCA = try install(bundle, folder, root: folder + "/ca", ["--mirror", "oci://\(mirror)/\(prefix)", "--mirror-ca", env.file.caFile, "--verify-mirror"])
        #expect(wrongCA.status == 1 && wrongCA.stderr.contains("is not trusted with --mirror-ca"), "\(wrongCA.stderr)")
    }
}
