import Foundation
import Testing

/// `bundle push` into a second registry with its own CA (and one with basic auth): verified
/// before a byte is sent, digests unchanged, nothing uploaded twice.
@Suite(.needsTestEnvironment) struct PushTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    var anonymous: String { env.registry("anonymous") }

    /// A bundle of two charts (one with a provenance file) and the webapp chart's images.
    func bundle() throws -> (folder: String, bundle: String, manifest: [String: Any]) {
        let folder = env.scratch()
        let config = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            metadata:
              name: k0s
            spec:
              extensions:
                helm:
                  repositories:
                    - {name: anonymous, url: "oci://\(anonymous)", caFile: "\(env.file.caFile)"}
                    - {name: basic, url: "oci://\(env.registry("basic"))", caFile: "\(env.file.caFile)"}
                    - {name: mtls, url: "oci://\(env.registry("mtls"))", caFile: "\(env.file.caFile)", certFile: "\(env.file.clientCert)", keyFile: "\(env.file.clientKey)"}
                  charts:
                    - {name: web, chartname: "oci://\(anonymous)/charts/webapp", version: 0.3.0, namespace: apps}
                    - {name: signed, chartname: "oci://\(anonymous)/charts/signed", version: 0.1.0, namespace: apps}
            """
        try config.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        #expect(try env.bundle(["keygen", "--out", folder + "/signing"]).status == 0)
        let build = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/b.tar.gz",
                                    "--cache-dir", folder + "/cache", "--platform", "linux/amd64"],
                                   environment: ["BUNDLE_REPO_BASIC_USERNAME": env.file.username, "BUNDLE_REPO_BASIC_PASSWORD": env.file.password])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try env.tool(["tar", "-xzf", folder + "/b.tar.gz", "-C", folder, "bundle.json"]).status == 0)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/bundle.json"))) as? [String: Any] ?? [:]
        return (folder, folder + "/b.tar.gz", manifest)
    }

    func push(_ bundle: String, _ folder: String, mirror: String, prefix: String, _ extra: [String] = [], stdin: String? = nil,
              environment: [String: String?] = [:]) throws -> Run {
        try env.bundle(["push", bundle, "oci://\(env.registry(mirror))/\(prefix)", "--trust", folder + "/signing.pub",
                        "--ca-file", env.file.mirrorCA, "--json"] + extra, stdin: stdin, environment: environment)
    }

    /// The mirror's access-log lines of successful requests (2xx) that mention `text`.
    func logLines(_ mirror: String, containing text: String) throws -> [String] {
        try anyLogLines(mirror, containing: text).filter { $0.contains("\" 20") }
    }

    /// Every access-log line that mentions `text`, whatever the answer (a HEAD, a 401).
    func anyLogLines(_ mirror: String, containing text: String) throws -> [String] {
        let log = try String(contentsOfFile: env.file.registryLogs[mirror] ?? "", encoding: .utf8)
        return log.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    @Test func pushedChartsPullBackWithTheirDigestsAndASecondPushSendsNothing() throws {
        let (folder, bundle, manifest) = try bundle()
        let prefix = "p" + UUID().uuidString.prefix(8).lowercased()
        let run = try push(bundle, folder, mirror: "mirror", prefix: prefix)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let pushed = run.json?["pushed"] as? [[String: Any]] ?? []
        #expect(pushed.filter { $0["kind"] as? String == "chart" }.count == 2 && pushed.filter { $0["kind"] as? String == "image" }.count == 8, "\(pushed)")
        #expect(pushed.contains { $0["target"] as? String == "\(env.registry("mirror"))/\(prefix)/charts/webapp:0.3.0" })
        #expect(pushed.contains { $0["target"] as? String == "\(env.registry("mirror"))/\(prefix)/\(anonymous.replacingOccurrences(of: ":", with: "_"))/images/worker:2.0" })
        // The CNCF registry refuses an index whose other platforms are not there: said, not hidden.
        let warnings = run.json?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("refuses the partial index") && $0.contains("names the bundled platform's manifest") }, "\(warnings)")
        // --json reports the digest the tag names in the mirror, and the bundle's separately.
        let replaced = pushed.filter { ($0["digest"] as? String) != ($0["sourceDigest"] as? String) }
        #expect(!replaced.isEmpty, "\(pushed)")
        for item in replaced {
            let target = item["target"] as? String ?? ""
            let digest = item["digest"] as? String ?? ""
            #expect(warnings.contains { $0.contains(digest) && $0.contains(item["sourceDigest"] as? String ?? "-") }, "\(item)")
            // The mirror's own word on what the tag names (curl, an independent client).
            let slash = try #require(target.firstIndex(of: "/")), colon = try #require(target.lastIndex(of: ":"))
            let url = "https://\(target[..<slash])/v2/\(target[target.index(after: slash)..<colon])/manifests/\(target[target.index(after: colon)...])"
            let head = try env.tool(["curl", "-sS", "-I", "--cacert", env.file.mirrorCA, "-H", "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json", url])
            #expect(head.output.lowercased().contains("docker-content-digest: \(digest)"), "\(target): \(head.output)")
        }

        // Every chart pulls back from the mirror, by its mirror reference and the mirror's CA, with the same digests.
        for chart in manifest["charts"] as? [[String: Any]] ?? [] {
            let name = chart["name"] as? String ?? "", version = chart["version"] as? String ?? ""
            let pull = try env.bundle(["pull", "oci://\(env.registry("mirror"))/\(prefix)/charts/\(name)", "--version", version,
                                       "--ca-file", env.file.mirrorCA, "-d", folder + "/pulled", "--json"])
            #expect(pull.status == 0, "\(pull.stderr)")
            #expect(pull.json?["manifestDigest"] as? String == chart["manifestDigest"] as? String, "\(name): the manifest digest is unchanged")
            #expect((pull.json?["chart"] as? [String: Any])?["digest"] as? String == chart["chartDigest"] as? String)
        }
        // Blobs shared between images were mounted, not sent again.
        #expect(try !logLines("mirror", containing: "/v2/\(prefix)/").filter { $0.contains("mount=") }.isEmpty)

        let uploadsBefore = try logLines("mirror", containing: "/v2/\(prefix)/").filter { $0.contains("PUT") && $0.contains("blobs/uploads") }.count
        #expect(uploadsBefore > 0)
        let again = try push(bundle, folder, mirror: "mirror", prefix: prefix)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.json?["uploaded"] as? Int == 0)
        let uploadsAfter = try logLines("mirror", containing: "/v2/\(prefix)/").filter { $0.contains("PUT") && $0.contains("blobs/uploads") }.count
        #expect(uploadsAfter == uploadsBefore, "the second push uploaded \(uploadsAfter - uploadsBefore) blobs")
    }

    @Test func aMirrorWithBasicAuthTakesCredentialsFromStdin() throws {
        let (folder, bundle, _) = try bundle()
        let prefix = "b" + UUID().uuidString.prefix(8).lowercased()
        let refused = try push(bundle, folder, mirror: "mirrorbasic", prefix: prefix)
        #expect(refused.status == 1 && refused.errorCode == "credentialsRequired", "\(refused.stdout)")
        #expect(refused.stderr.contains("for \(prefix)/") && refused.stderr.contains("BUNDLE_MIRROR_USERNAME"), "the refusal names the repository and the variables: \(refused.stderr)")
        // A wrong password is a rejection of the credentials (401), not a lack of push access (403).
        let wrong = try push(bundle, folder, mirror: "mirrorbasic", prefix: prefix, ["--username", env.file.username, "--password-stdin"], stdin: "wrong-password")
        #expect(wrong.status == 1 && wrong.errorCode == "credentialsRejected", "\(wrong.stdout)")
        #expect(!wrong.stderr.contains("needs push access") && wrong.stderr.contains("Check the password"), "\(wrong.stderr)")
        let run = try push(bundle, folder, mirror: "mirrorbasic", prefix: prefix, ["--username", env.file.username, "--password-stdin"], stdin: env.file.password)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains(env.file.password) && !run.stderr.contains(env.file.password), "the password never appears")
        let fromEnvironment = try push(bundle, folder, mirror: "mirrorbasic", prefix: prefix + "e",
                                       environment: ["BUNDLE_MIRROR_USERNAME": env.file.username, "BUNDLE_MIRROR_PASSWORD": env.file.password])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stdout)\(fromEnvironment.stderr)")
        // A `docker login` of the mirror's host is used as pull uses it.
        let home = env.scratch()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        let auth = Data("\(env.file.username):\(env.file.password)".utf8).base64EncodedString()
        try "{\"auths\": {\"\(env.registry("mirrorbasic"))\": {\"auth\": \"\(auth)\"}}}".write(toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let fromLogin = try push(bundle, folder, mirror: "mirrorbasic", prefix: prefix + "d", environment: ["HOME": home, "DOCKER_CONFIG": nil])
        #expect(fromLogin.status == 0, "\(fromLogin.stdout)\(fromLogin.stderr)")
    }

    /// One entry's bytes changed after signing: refused before a byte reaches the mirror.
    @Test func anAlteredBundleSendsNothing() throws {
        let (folder, bundle, _) = try bundle()
        let script = """
            import io, sys, tarfile
            done = False
            with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w:gz") as dst:
                for member in src.getmembers():
                    data = src.extractfile(member).read() if member.isfile() else None
                    if data and not done and member.name.startswith("charts/"):
                        data, done = data[:-1] + bytes([data[-1] ^ 1]), True
                    dst.addfile(member, io.BytesIO(data) if data is not None else None)
            sys.exit(0 if done else 3)
            """
        #expect(try env.tool(["python3", "-c", script, bundle, folder + "/altered.tar.gz"]).status == 0)
        let prefix = "t" + UUID().uuidString.prefix(8).lowercased()
        let run = try push(folder + "/altered.tar.gz", folder, mirror: "mirror", prefix: prefix)
        #expect(run.status == 1 && run.errorCode == "entryMismatch", "\(run.stdout)\(run.stderr)")
        #expect(try anyLogLines("mirror", containing: "/v2/\(prefix)").isEmpty, "nothing reached the mirror")
    }

    @Test func anUntrustedBundleSendsNothing() throws {
        let (folder, bundle, _) = try bundle()
        #expect(try env.bundle(["keygen", "--out", folder + "/other"]).status == 0)
        let prefix = "u" + UUID().uuidString.prefix(8).lowercased()
        let run = try env.bundle(["push", bundle, "oci://\(env.registry("mirror"))/\(prefix)", "--trust", folder + "/other.pub",
                                  "--ca-file", env.file.mirrorCA, "--json"])
        #expect(run.status == 1 && run.errorCode == "untrustedKey", "\(run.stdout)")
        #expect(try anyLogLines("mirror", containing: "/v2/\(prefix)").isEmpty, "nothing reached the mirror")
        let badTarget = try env.bundle(["push", bundle, "https://\(env.registry("mirror"))", "--trust", folder + "/signing.pub", "--json"])
        #expect(badTarget.status == 1 && badTarget.errorCode == "invalidTarget")
    }

    /// Blobs above the chunk size go up in PATCH chunks (the size lowered here so that the test
    /// bundle's blobs need several), one at a time, and arrive intact.
    @Test func largeBlobsGoUpInChunks() throws {
        let (folder, bundle, manifest) = try bundle()
        let prefix = "c" + UUID().uuidString.prefix(8).lowercased()
        let run = try push(bundle, folder, mirror: "mirror", prefix: prefix, ["--concurrency", "1"], environment: ["BUNDLE_PUSH_CHUNK_BYTES": "300"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try !logLines("mirror", containing: "PATCH /v2/\(prefix)/").isEmpty, "chunks were sent with PATCH")
        let chart = (manifest["charts"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "webapp" }
        let pull = try env.bundle(["pull", "oci://\(env.registry("mirror"))/\(prefix)/charts/webapp", "--version", "0.3.0",
                                   "--ca-file", env.file.mirrorCA, "-d", folder + "/pulled", "--json"])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect((pull.json?["chart"] as? [String: Any])?["digest"] as? String == chart?["chartDigest"] as? String)
    }
}
