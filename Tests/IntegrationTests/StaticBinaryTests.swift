import Foundation
import Testing

/// The node binary is one static file that runs where nothing else is: in an empty root (the
/// binary, a bundle, a key, CA files and /etc/hosts; no /proc; `chroot` with `env -i`) and in a
/// Debian 11 root (glibc 2.31). Nothing it needs comes from the host.
@Suite(.needsTestEnvironment) struct StaticBinaryTests {
    let env: TestEnvironment
    let release: String
    let bundles: Bundles
    init() throws {
        env = try TestEnvironment.require()
        bundles = try Bundles.require()
        guard let path = ProcessInfo.processInfo.environment["BUNDLE_RELEASE_BINARY"], FileManager.default.isExecutableFile(atPath: path) else {
            throw TestEnvironment.SetupError(description: "BUNDLE_RELEASE_BINARY names no executable; run scripts/test (which runs scripts/release).")
        }
        release = path
    }

    /// Runs the binary chrooted into `root` with an empty environment (no /proc is mounted there:
    /// the start-up shim gives the Swift runtime its root and the arguments without it).
    func chrooted(_ root: String, _ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try env.tool(["-i", "/usr/sbin/chroot", root, binary] + arguments)
    }

    /// Host and port of a test registry, addressed by a name only the root's /etc/hosts knows.
    func named(_ registry: String) -> String { "registry.test:" + (env.registry(registry).split(separator: ":").last.map(String.init) ?? "") }

    /// Puts the binary and the test's inputs under `folder` of `root`; returns their paths in the root.
    func stage(into root: String, folder: String) throws -> (binary: String, bundle: String, key: String, mirrorCA: String) {
        let base = root + folder
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        for (source, name) in [(release, "bundle"), (bundles.a, "a.tar.gz"), (bundles.key, "k.pub"), (env.file.mirrorCA, "mirror-ca.crt")] {
            try FileManager.default.copyItem(atPath: source, toPath: base + "/" + name)
        }
        for sub in ["/tmp", "/etc"] { try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true) }
        chmod(root + "/tmp", 0o1777)
        return (folder + "/bundle", folder + "/a.tar.gz", folder + "/k.pub", folder + "/mirror-ca.crt")
    }

    /// The node's commands, and a push to a registry named only in the root's /etc/hosts.
    func runTheNodesCommands(_ root: String, _ files: (binary: String, bundle: String, key: String, mirrorCA: String), where label: String) throws {
        let node = (files.binary as NSString).deletingLastPathComponent + "/node"
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) { try chrooted(root, files.binary, arguments) }
        let version = try run(["--version", "--verbose"])
        #expect(version.status == 0 && version.output.hasPrefix("bundle ") && version.output.contains("libcurl/") && version.output.contains("libarchive "), "\(label): \(version.output)")
        #expect(try run(["keygen", "--out", node + "-key"]).status == 0, "\(label): keygen")
        let verify = try run(["verify", files.bundle, "--trust", files.key])
        #expect(verify.status == 0, "\(label): \(verify.output)")
        let install = try run(["install", files.bundle, "--trust", files.key, "--root", node])
        #expect(install.status == 0 && FileManager.default.fileExists(atPath: root + node + "/var/lib/k0s/charts/app-1.2.5.tgz"), "\(label): \(install.output)")
        let status = try run(["status", "--root", node, "--json"])
        #expect(status.status == 0 && status.output.contains("\"installed\" : true"), "\(label): \(status.output)")
        let uninstall = try run(["uninstall", "--root", node])
        #expect(uninstall.status == 0, "\(label): \(uninstall.output)")
        let prefix = "static" + UUID().uuidString.prefix(8).lowercased()
        let push = try run(["push", files.bundle, "oci://\(named("mirror"))/\(prefix)", "--trust", files.key, "--ca-file", files.mirrorCA])
        #expect(push.status == 0, "\(label): \(push.output)")
    }

    @Test func isOneStaticFileWithWhatIsInsideListed() throws {
        let program = try env.tool(["readelf", "-l", release])
        #expect(program.status == 0 && !program.output.contains("INTERP"), "a program interpreter: \(program.output.prefix(600))")
        let dynamic = try env.tool(["readelf", "-d", release])
        #expect(dynamic.output.contains("no dynamic section") && !dynamic.output.contains("NEEDED"), "\(dynamic.output.prefix(600))")
        let folder = (release as NSString).deletingLastPathComponent
        let libraries = try String(contentsOfFile: folder + "/LIBRARIES.txt", encoding: .utf8)
        for name in ["curl", "libarchive", "OpenSSL", "glibc", "zlib1g-dev", "libzstd-dev", "liblzma-dev", "Swift runtime"] {
            #expect(libraries.contains(name), "LIBRARIES.txt lacks \(name): \(libraries)")
        }
        #expect(libraries.contains("Debian source package curl") && libraries.contains("Debian source package openssl"), "\(libraries)")
        let xz = FileManager.default.contents(atPath: release + ".xz")?.count ?? 0
        #expect(xz > 0 && xz <= 20_000_000, "the compressed download is \(xz) bytes; at most 20 MB")
    }

    /// An empty root: only the binary and the inputs, a CA at RHEL's path and none elsewhere,
    /// a RHEL-like nsswitch.conf naming sss (which the binary must never load).
    @Test func runsInAnEmptyRoot() throws {
        let root = env.scratch() + "/empty"
        let files = try stage(into: root, folder: "/work")
        try "127.0.0.1 registry.test\n".write(toFile: root + "/etc/hosts", atomically: true, encoding: .utf8)
        try "passwd: sss files\ngroup: sss files\nhosts: files dns\n".write(toFile: root + "/etc/nsswitch.conf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/etc/pki/tls/certs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: root + "/etc/pki/tls/certs/ca-bundle.crt")
        try runTheNodesCommands(root, files, where: "empty root")
        // The system store at RHEL's path, with no --ca-file.
        let pull = try chrooted(root, files.binary, ["pull", "oci://\(named("anonymous"))/charts/app", "--version", "1.2.5", "-d", "/work/pulled"])
        #expect(pull.status == 0 && FileManager.default.fileExists(atPath: root + "/work/pulled/app-1.2.5.tgz"), "\(pull.output)")
        // No store anywhere: said, naming where it looked.
        try FileManager.default.removeItem(atPath: root + "/etc/pki")
        let none = try chrooted(root, files.binary, ["pull", "oci://\(named("anonymous"))/charts/app", "--version", "1.2.5", "-d", "/work/none"])
        #expect(none.status == 1 && none.output.contains("no system CA store") && none.output.contains("/etc/pki/tls/certs/ca-bundle.crt"), "\(none.output)")
    }

    /// Debian 11 (glibc 2.31), made by scripts/debian11-root.
    @Test func runsOnDebian11() throws {
        guard let root = ProcessInfo.processInfo.environment["BUNDLE_DEBIAN11_ROOT"], FileManager.default.fileExists(atPath: root + "/etc/debian_version") else {
            throw TestEnvironment.SetupError(description: "BUNDLE_DEBIAN11_ROOT names no Debian root; run scripts/test (which runs scripts/debian11-root).")
        }
        let release = try String(contentsOfFile: root + "/etc/debian_version", encoding: .utf8)
        #expect(release.hasPrefix("11."), "not Debian 11: \(release)")
        let hosts = (try? String(contentsOfFile: root + "/etc/hosts", encoding: .utf8)) ?? ""
        if !hosts.contains("registry.test") { try (hosts + "127.0.0.1 registry.test\n").write(toFile: root + "/etc/hosts", atomically: true, encoding: .utf8) }
        let folder = "/bundle-test-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root + folder) }
        let files = try stage(into: root, folder: folder)
        try runTheNodesCommands(root, files, where: "Debian 11")
    }
}
