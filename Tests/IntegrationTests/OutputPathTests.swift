import Foundation
import Testing

/// A path named for output is only ever a regular file that gets replaced whole: a device, a
/// FIFO, a socket or a folder is refused before any download, and a link is followed with the
/// link kept.
@Suite(.needsTestEnvironment) struct OutputPathTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    /// A config whose only registry refuses connections: a command that got as far as a
    /// download would fail with a transport error, not with `notARegularFile`.
    func unreachableConfig(_ folder: String) throws -> String {
        let path = folder + "/k0s.yaml"
        try """
            extensions:
              helm:
                charts:
                  - {name: a, chartname: "oci://127.0.0.1:1/charts/a", version: 1.0.0, namespace: x}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func kind(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    @Test(arguments: ["character device", "FIFO", "folder", "link to a device", "socket"])
    func buildRefusesAnOutputThatIsNotARegularFile(_ what: String) throws {
        let folder = env.scratch()
        #expect(try env.bundle(["keygen", "--out", folder + "/k"]).status == 0)
        let output = folder + "/out"
        switch what {
        case "character device": #expect(mknod(output, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
        case "FIFO": #expect(mkfifo(output, 0o644) == 0)
        case "folder": try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false)
        case "socket": #expect(try env.tool(["python3", "-c", "import socket; socket.socket(socket.AF_UNIX).bind('\(output)')"]).status == 0)
        default:
            #expect(mknod(folder + "/dev", S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
            #expect(symlink("dev", output) == 0)
        }
        let before = kind(output)
        let run = try env.bundle(["build", try unreachableConfig(folder), "--sign-key", folder + "/k.key", "-o", output, "--json"])
        #expect(run.status == 1 && run.errorCode == "notARegularFile", "\(what): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("not a regular file") && run.stderr.contains(what == "link to a device" ? "character device" : what.split(separator: " ").first.map(String.init) ?? ""), "\(run.stderr)")
        #expect(kind(output) == before, "\(what) was replaced")
    }

    @Test func aLinkIsFollowedAndKept() throws {
        let folder = env.scratch()
        #expect(try env.bundle(["keygen", "--out", folder + "/k"]).status == 0)
        // keygen through a link to an existing (regular) file needs --force, and keeps the link.
        try "old".write(toFile: folder + "/real.pub", atomically: true, encoding: .utf8)
        #expect(symlink("real.pub", folder + "/other.pub") == 0)
        let forced = try env.bundle(["keygen", "--out", folder + "/other", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(kind(folder + "/other.pub") == S_IFLNK)
        #expect(try String(contentsOfFile: folder + "/real.pub", encoding: .utf8).contains("BEGIN PUBLIC KEY"))
    }

    @Test func keygenRefusesAMissingFolder() throws {
        let folder = env.scratch()
        let run = try env.bundle(["keygen", "--out", folder + "/missing/deeper/k"])
        #expect(run.status == 1 && run.stderr.contains("\(folder)/missing/deeper does not exist"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/missing"), "keygen created the folder")
    }

    /// /etc/k0s/k0s.yaml is often a link: the install replaces its target and keeps the link;
    /// a link to a device is refused before anything is placed.
    @Test func installFollowsAConfigLink() throws {
        let bundles = try Bundles.require()
        let root = env.scratch()
        try FileManager.default.createDirectory(atPath: root + "/etc/k0s", withIntermediateDirectories: true)
        try "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec: {}\n".write(toFile: root + "/etc/k0s/own.yaml", atomically: true, encoding: .utf8)
        #expect(symlink("/etc/k0s/own.yaml", root + "/etc/k0s/k0s.yaml") == 0)  // absolute: taken inside --root
        let run = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(kind(root + "/etc/k0s/k0s.yaml") == S_IFLNK)
        #expect(try String(contentsOfFile: root + "/etc/k0s/own.yaml", encoding: .utf8).contains("/var/lib/k0s/charts/"))
        #expect(FileManager.default.fileExists(atPath: root + "/etc/k0s/own.yaml.bundle-backup"))
        let status = try env.bundle(["status", "--root", root, "--json"])
        #expect(status.status == 0 && status.json?["configState"] as? String == "intact", "\(status.stdout)")

        let other = env.scratch()
        try FileManager.default.createDirectory(atPath: other + "/etc/k0s", withIntermediateDirectories: true)
        #expect(mkfifo(other + "/etc/k0s/fifo", 0o644) == 0)
        #expect(symlink("fifo", other + "/etc/k0s/k0s.yaml") == 0)
        let refused = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", other, "--json"])
        #expect(refused.status == 1 && refused.errorCode == "notARegularFile", "\(refused.stdout)")
        #expect(!FileManager.default.fileExists(atPath: other + "/var/lib/k0s/charts"), "charts were placed before the refusal")
    }
}

extension OutputPathTests {
    /// A linked folder inside --root cannot carry the config write out of it.
    @Test func aLinkedFolderCannotLeadOutOfTheRoot() throws {
        let bundles = try Bundles.require()
        let root = env.scratch(), outside = env.scratch()
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        #expect(symlink(outside, root + "/etc/k0s") == 0)
        let run = try env.bundle(["install", bundles.a, "--trust", bundles.key, "--root", root, "--json"])
        #expect(run.status == 1 && run.errorCode == "notARegularFile" && run.stderr.contains("outside"), "\(run.stdout)\(run.stderr)")
        #expect(env.files(in: outside).isEmpty, "the install wrote outside its root: \(env.files(in: outside))")
    }

    /// A private key is never written through a link; a link planted by another user in a
    /// shared sticky folder (/tmp's kind) is not followed.
    @Test func linksThatCouldBePlantedAreNotFollowed() throws {
        let folder = env.scratch()
        try "victim".write(toFile: folder + "/victim", atomically: true, encoding: .utf8)
        #expect(symlink(folder + "/victim", folder + "/k.key") == 0)
        let keygen = try env.bundle(["keygen", "--out", folder + "/k", "--force"])
        #expect(keygen.status == 1 && keygen.stderr.contains("never written through"), "\(keygen.stderr)")
        #expect(try String(contentsOfFile: folder + "/victim", encoding: .utf8) == "victim")

        let shared = folder + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        #expect(symlink(folder + "/victim", shared + "/out.tar.gz") == 0)
        #expect(lchown(shared + "/out.tar.gz", 65534, 65534) == 0)
        #expect(try env.bundle(["keygen", "--out", folder + "/s"]).status == 0)
        let build = try env.bundle(["build", try unreachableConfig(folder), "--sign-key", folder + "/s.key", "-o", shared + "/out.tar.gz"])
        #expect(build.status == 1 && build.stderr.contains("owned by another user"), "\(build.stderr)")
        #expect(try String(contentsOfFile: folder + "/victim", encoding: .utf8) == "victim")
    }
}
