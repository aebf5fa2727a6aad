import Foundation
import Testing

/// `bundle build` from the real registries, checked with independent tools.
@Suite(.needsTestEnvironment) struct BuildTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    /// A config using every kind of registry; relative caFile; credentials from the environment.
    func config(extraCharts: String = "") -> String {
        """
        apiVersion: k0s.k0sproject.io/v1beta1
        kind: ClusterConfig
        metadata:
          name: k0s
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
                  caFile: ca.crt
                  certFile: \(env.file.clientCert)
                  keyfile: \(env.file.clientKey)
                - name: token
                  url: oci://\(env.registry("token"))
                  caFile: ca.crt
              charts:
                - name: web
                  chartname: oci://\(env.registry("anonymous"))/charts/app
                  version: "1.2.5"
                  namespace: apps
                  values: |
                    replicas: 3
                - name: web-basic
                  chartname: oci://\(env.registry("basic"))/charts/app
                  version: "~1.3.0"
                  namespace: apps
                - name: web-mtls
                  chartname: oci://\(env.registry("mtls"))/charts/signed
                  namespace: apps
                - name: private
                  chartname: oci://\(env.registry("token"))/private/app
                  version: "1.0.0"
                  namespace: apps
        \(extraCharts)
        """
    }

    var credentials: [String: String?] {
        ["BUNDLE_REPO_BASIC_USERNAME": env.file.username, "BUNDLE_REPO_BASIC_PASSWORD": env.file.password,
         "BUNDLE_REPO_TOKEN_USERNAME": env.file.username, "BUNDLE_REPO_TOKEN_PASSWORD": env.file.password,
         "SOURCE_DATE_EPOCH": "1700000000"]
    }

    /// A folder with k0s.yaml, ca.crt and a signing key; returns the folder.
    func workspace(_ text: String, algorithm: String = "ed25519") throws -> String {
        let folder = env.scratch()
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        try text.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let keygen = try env.bundle(["keygen", "--algorithm", algorithm, "--out", folder + "/signing"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        return folder
    }

    func build(_ folder: String, _ extra: [String] = [], environment: [String: String?]? = nil) throws -> Run {
        try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/out.tar.gz",
                        "--cache-dir", folder + "/cache", "--json"] + extra, environment: environment ?? credentials)
    }

    @Test func bundleFromEveryRegistryKindVerifiesWithIndependentTools() throws {
        let folder = try workspace(config())
        let run = try build(folder)
        #expect(run.status == 0, "\(run.stderr)")

        let listing = try env.tool(["tar", "-tzf", folder + "/out.tar.gz"])
        let entries = listing.output.split(separator: "\n").map(String.init)
        #expect(Array(entries.prefix(2)) == ["bundle.json", "bundle.json.sig"])
        #expect(Array(entries.dropFirst(2)) == entries.dropFirst(2).sorted())
        #expect(entries.contains("k0s.yaml") && entries.contains("certs/anonymous.crt"))

        let unpacked = folder + "/unpacked"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        #expect(try env.tool(["tar", "-xzf", folder + "/out.tar.gz", "-C", unpacked]).status == 0)
        let verify = try env.tool(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", folder + "/signing.pub", "-rawin",
                                   "-in", unpacked + "/bundle.json", "-sigfile", unpacked + "/bundle.json.sig"])
        #expect(verify.status == 0 && verify.output.contains("Signature Verified Successfully"), "\(verify.output)")

        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: unpacked + "/bundle.json"))) as? [String: Any])
        let files = try #require(manifest["files"] as? [[String: Any]])
        #expect(Set(files.compactMap { $0["path"] as? String }) == Set(entries.dropFirst(2)), "every entry listed, nothing unlisted")
        for file in files {
            let path = try #require(file["path"] as? String)
            #expect(try env.sha256sum(unpacked + "/" + path) == "sha256:" + (file["sha256"] as? String ?? ""), "\(path)")
        }
        let validation = try env.tool(["python3", env.validator, unpacked + "/k0s.yaml"])
        #expect(validation.status == 0, "\(validation.output)")
        let rewritten = try String(contentsOfFile: unpacked + "/k0s.yaml", encoding: .utf8)
        #expect(rewritten.contains("chartname: /var/lib/k0s/charts/app-1.2.5.tgz"))
        #expect(rewritten.contains("chartname: /var/lib/k0s/charts/app-1.3.0.tgz"))
        #expect(rewritten.contains("values: |\n            replicas: 3\n"), "the values block stays as written: \(rewritten)")

        let charts = try #require(manifest["charts"] as? [[String: Any]])
        let app125 = try #require(charts.first { $0["path"] as? String == "charts/app-1.2.5.tgz" })
        #expect(app125["chartDigest"] as? String == env.file.app["1.2.5"]?.chart)
        #expect(app125["manifestDigest"] as? String == env.file.app["1.2.5"]?.manifest)
        #expect(app125["releases"] as? [String] == ["web"])
        #expect(try env.sha256sum(unpacked + "/charts/app-1.2.5.tgz") == env.file.app["1.2.5"]?.chart)
        #expect(manifest["sequence"] as? Int == 1_700_000_000)
        #expect(manifest["created"] as? String == "2023-11-14T22:13:20Z")
        #expect(manifest["schemaVersion"] as? Int == 1)
    }

    @Test func noSecretEverGoesIntoTheBundle() throws {
        let folder = try workspace(config().replacingOccurrences(of: "                  caFile: ca.crt\n                - name: mtls", with: "                  caFile: ca.crt\n                  username: \(env.file.tokenCountUser)\n                  password: \(env.file.tokenCountPassword)\n                - name: mtls"))
        let run = try build(folder)
        #expect(run.status == 0, "\(run.stderr)")
        let tar = try Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz"))
        let plain = try env.tool(["sh", "-c", "gzip -dc \(folder)/out.tar.gz"]).output
        #expect(!tar.isEmpty)
        let clientKey = try String(contentsOfFile: env.file.clientKey, encoding: .utf8)
        let signingKey = try String(contentsOfFile: folder + "/signing.key", encoding: .utf8)
        for secret in [env.file.password, env.file.tokenCountPassword, keyBody(clientKey), keyBody(signingKey), "PRIVATE KEY"] {
            #expect(!plain.contains(secret), "found a secret in the bundle: \(secret.prefix(12))…")
        }
        #expect(!run.stdout.contains(env.file.password) && !run.stderr.contains(env.file.password))
    }

    func keyBody(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    @Test func differentChartsWithTheSameNameAndVersionBothGoIn() throws {
        let extra = [
            "        - name: team-b",
            "          chartname: oci://\(env.registry("anonymous"))/team-b/app",
            "          version: \"1.2.5\"",
            "          namespace: team-b",
        ].joined(separator: "\n")
        let folder = try workspace(config(extraCharts: extra))
        let run = try build(folder)
        #expect(run.status == 0, "\(run.stderr)")
        let listing = try env.tool(["tar", "-tzf", folder + "/out.tar.gz"]).output.split(separator: "\n").map(String.init)
        let apps = listing.filter { $0.hasPrefix("charts/app-1.2.5") }
        #expect(apps.count == 2, "\(listing)")
        let root = folder + "/node"
        #expect(try env.bundle(["install", folder + "/out.tar.gz", "--trust", folder + "/signing.pub", "--root", root]).status == 0)
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        for app in apps {
            #expect(config.contains("/var/lib/k0s/charts/" + (app as NSString).lastPathComponent), "\(app) is used: \(config)")
        }
        #expect(try env.sha256sum(root + "/var/lib/k0s/charts/app-1.2.5.tgz") == env.file.app["1.2.5"]?.chart)
    }

    /// The registry cuts the chart's first transfer halfway (after the archive writer has
    /// copied those bytes) and serves it whole on the retry: the bundle is written again from
    /// the cache and comes out right.
    @Test func transferRetriedWhileBeingCopiedStillGivesAnExactBundle() throws {
        let nonce = "n" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let folder = try workspace("""
            repositories:
              - name: faults
                url: oci://\(env.registry("faults"))
                caFile: ca.crt
            extensions:
              helm:
                charts:
                  - name: app
                    chartname: oci://\(env.registry("faults"))/truncateonce/\(nonce)/charts/app
                    version: "1.0.0"
            """)
        // Charts stream into the bundle when no images are looked for (otherwise their archives
        // are fetched first, to be read); image layers always stream, as the second build shows.
        let run = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/out.tar.gz", "--cache-dir", folder + "/cache", "--no-images"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stopped sending"), "the first transfer was cut: \(run.stderr)")
        #expect(run.stderr.contains("writing it again from the cache"), "\(run.stderr)")
        let image = "\(env.registry("faults"))/truncateonce/\(nonce)-image/images/web:1.0"
        let withImage = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/image.tar.gz",
                                        "--cache-dir", folder + "/cache", "--image", image])
        #expect(withImage.status == 0, "\(withImage.stderr)")
        #expect(withImage.stderr.contains("stopped sending"), "the image's transfers were cut: \(withImage.stderr)")
        #expect(try env.bundle(["verify", folder + "/image.tar.gz", "--trust", folder + "/signing.pub"]).status == 0)
        #expect(try env.bundle(["verify", folder + "/out.tar.gz", "--trust", folder + "/signing.pub"]).status == 0)
        let dir = folder + "/x"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(try env.tool(["tar", "-xzf", folder + "/out.tar.gz", "-C", dir]).status == 0)
        #expect(try env.sha256sum(dir + "/charts/app-1.0.0.tgz") == env.file.app["1.0.0"]?.chart)
    }

    @Test func sameInputsAndKeyGiveTheSameBytes() throws {
        let folder = try workspace(config())
        let first = try build(folder)
        #expect(first.status == 0, "\(first.stderr)")
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz"))
        // Again, from a cold cache into another file.
        let second = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/again.tar.gz",
                                     "--cache-dir", folder + "/cache2"], environment: credentials)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/again.tar.gz")) == firstBytes)
    }

    @Test func ecdsaSignaturesVerifyWithOpensslAndTheManifestIsReproducible() throws {
        let folder = try workspace(config(), algorithm: "ecdsa-p256")
        #expect(try build(folder).status == 0)
        var manifests: [Data] = []
        for name in ["a", "b"] {
            let out = folder + "/\(name).tar.gz", dir = folder + "/\(name)"
            let run = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", out, "--cache-dir", folder + "/cache"], environment: credentials)
            #expect(run.status == 0, "\(run.stderr)")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            #expect(try env.tool(["tar", "-xzf", out, "-C", dir]).status == 0)
            let verify = try env.tool(["openssl", "dgst", "-sha256", "-verify", folder + "/signing.pub", "-signature", dir + "/bundle.json.sig", dir + "/bundle.json"])
            #expect(verify.status == 0 && verify.output.contains("Verified OK"), "\(verify.output)")
            manifests.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/bundle.json")))
        }
        #expect(manifests[0] == manifests[1])
    }

    @Test(arguments: [["-algorithm", "ed25519"], ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]])
    func opensslMadeKeysWork(algorithm: [String]) throws {
        let folder = try workspace(config())
        #expect(try env.tool(["openssl", "genpkey"] + algorithm + ["-out", folder + "/ossl.key"]).status == 0)
        #expect(try env.tool(["openssl", "pkey", "-in", folder + "/ossl.key", "-pubout", "-out", folder + "/ossl.pub"]).status == 0)
        let run = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/ossl.key", "-o", folder + "/o.tar.gz", "--cache-dir", folder + "/cache"], environment: credentials)
        #expect(run.status == 0, "\(run.stderr)")
        let dir = folder + "/o"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(try env.tool(["tar", "-xzf", folder + "/o.tar.gz", "-C", dir]).status == 0)
        let verify = algorithm[1] == "ed25519"
            ? try env.tool(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", folder + "/ossl.pub", "-rawin", "-in", dir + "/bundle.json", "-sigfile", dir + "/bundle.json.sig"])
            : try env.tool(["openssl", "dgst", "-sha256", "-verify", folder + "/ossl.pub", "-signature", dir + "/bundle.json.sig", dir + "/bundle.json"])
        #expect(verify.status == 0, "\(verify.output)")
        // bundle verify accepts the openssl-made public key as well.
        #expect(try env.bundle(["verify", folder + "/o.tar.gz", "--trust", folder + "/ossl.pub"]).status == 0)
        // And keygen's private key is for its owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/signing.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func unvendoredDependenciesFailNamingChartAndDependencies() throws {
        let extra = [
            "        - name: needs-deps",
            "          chartname: oci://\(env.registry("anonymous"))/charts/needs-deps",
            "          namespace: apps",
            "        - name: needs-more",
            "          chartname: oci://\(env.registry("anonymous"))/charts/needs-more",
            "          namespace: other",
            "        - name: vendored",
            "          chartname: oci://\(env.registry("anonymous"))/charts/vendored",
            "          namespace: apps",
        ].joined(separator: "\n")
        let folder = try workspace(config(extraCharts: extra))
        let run = try build(folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("needs-deps") && run.stderr.contains("redis 17.x") && run.stderr.contains("common 2.x"), "\(run.stderr)")
        // Every failing chart is named, not only the first one met.
        #expect(run.stderr.contains("chart needs-more 0.2.0"), "\(run.stderr)")
        #expect(!run.stderr.contains("chart vendored"), "the chart with its dependency vendored is fine: \(run.stderr)")
        #expect(run.stderr.contains("helm dependency build"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"))
        #expect(env.files(in: folder).allSatisfy { !$0.hasSuffix(".partial") })
    }

    @Test func refusesWithoutAKeyUnlessUnsigned() throws {
        let folder = try workspace(config())
        let refused = try env.bundle(["build", folder + "/k0s.yaml", "-o", folder + "/x.tar.gz", "--cache-dir", folder + "/cache"], environment: credentials)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--sign-key") && refused.stderr.contains("--unsigned"))
        let unsigned = try env.bundle(["build", folder + "/k0s.yaml", "--unsigned", "-o", folder + "/x.tar.gz", "--cache-dir", folder + "/cache"], environment: credentials)
        #expect(unsigned.status == 0, "\(unsigned.stderr)")
        let listing = try env.tool(["tar", "-tzf", folder + "/x.tar.gz"]).output
        #expect(listing.hasPrefix("bundle.json\n") && !listing.contains("bundle.json.sig"))
    }

    @Test func signingKeyFromTheEnvironment() throws {
        let folder = try workspace(config())
        var environment = credentials
        environment["BUNDLE_SIGN_KEY"] = try String(contentsOfFile: folder + "/signing.key", encoding: .utf8)
        let run = try env.bundle(["build", folder + "/k0s.yaml", "-o", folder + "/e.tar.gz", "--cache-dir", folder + "/cache", "--json"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["signed"] as? Bool == true)
    }

    @Test func rebuildUsesTheCacheAndOfflineWorksFromIt() throws {
        let folder = try workspace(config())
        let cold = try build(folder)
        #expect(cold.status == 0, "\(cold.stderr)")
        let coldCharts = cold.json?["charts"] as? [[String: Any]] ?? []
        #expect(coldCharts.contains { $0["cached"] as? Bool == false })
        let warm = try build(folder)
        #expect((warm.json?["charts"] as? [[String: Any]] ?? []).allSatisfy { $0["cached"] as? Bool == true })
        #expect(warm.json?["upToDate"] as? Bool == true, "an unchanged bundle is not written again")
        // An output altered since is rewritten, to the same bytes as before.
        let original = try Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz"))
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: folder + "/out.tar.gz"))
        let repaired = try build(folder)
        #expect(repaired.json?["upToDate"] as? Bool == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz")) == original)
        let offline = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/offline.tar.gz",
                                      "--cache-dir", folder + "/cache", "--offline"], environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/offline.tar.gz")) == Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz")))
        let empty = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/none.tar.gz",
                                    "--cache-dir", folder + "/empty-cache", "--offline"])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("not in the cache"), "\(empty.stderr)")
    }

    @Test func zstdOnRequest() throws {
        let folder = try workspace(config())
        let run = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "--compression", "zstd",
                                  "-o", folder + "/out.tar.zst", "--cache-dir", folder + "/cache"], environment: credentials)
        #expect(run.status == 0, "\(run.stderr)")
        let listing = try env.tool(["tar", "--zstd", "-tf", folder + "/out.tar.zst"])
        #expect(listing.status == 0 && listing.output.hasPrefix("bundle.json\nbundle.json.sig\n"), "\(listing.output)")
    }

    @Test func expiringCAWarns() throws {
        let folder = try workspace(config())
        try FileManager.default.removeItem(atPath: folder + "/ca.crt")
        try FileManager.default.copyItem(atPath: env.file.caPlusExpiring, toPath: folder + "/ca.crt")
        let run = try build(folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect((run.json?["warnings"] as? [String] ?? []).contains { $0.contains("Expiring Soon CA") && $0.contains("within 30 days") })
    }

    @Test func unreachableClassicRepositoryIsNamed() throws {
        let folder = try workspace("""
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: stable
                      url: https://charts.example.com
                  charts:
                    - name: tools
                      chartname: stable/tools
                      namespace: tools
            """)
        let run = try build(folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("tools: charts.example.com") && run.stderr.contains("host name not found"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"))
    }

    /// Bad input is refused, not guessed: each with a message naming it.
    @Test(arguments: [
        (["--sequence", "-1"], [String: String](), "--sequence"),
        (["--compression", "zstd", "-o", "x.tar.gz"], [:], "names gzip but --compression is zstd"),
        (["--compression", "gzip", "-o", "x.tar.zst"], [:], "names zstd but --compression is gzip"),
        ([], ["SOURCE_DATE_EPOCH": "yesterday"], "SOURCE_DATE_EPOCH"),
        ([], ["SOURCE_DATE_EPOCH": "-5"], "SOURCE_DATE_EPOCH"),
    ])
    func badInputIsRefused(_ extra: [String], _ environment: [String: String], _ message: String) throws {
        let folder = try workspace(config())
        let run = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "--cache-dir", folder + "/cache"] + extra,
                                 environment: environment.mapValues { Optional($0) })
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/x.tar.gz") && !FileManager.default.fileExists(atPath: folder + "/x.tar.zst"))
    }

    @Test func aConfigFromStandardInputAndBadHTTPSettingsAreRefused() throws {
        let folder = try workspace(config())
        let stdin = try env.bundle(["build", "-", "--sign-key", folder + "/signing.key"])
        #expect(stdin.status == 64 && stdin.stderr.contains("must be a file"), "\(stdin.stderr)")
        let http = try env.bundle(["plan", folder + "/k0s.yaml", "--json"], environment: ["BUNDLE_HTTP_ATTEMPTS": "many"])
        #expect(http.status == 1 && http.stdout.contains("BUNDLE_HTTP_ATTEMPTS"), "\(http.stdout)\(http.stderr)")
    }

    /// plan and build agree: a short form whose only chart is a local file without a namespace
    /// builds (a bundle of the config), and the config it carries passes k0s's schema.
    @Test func planAndBuildAgreeOnALocalFileChart() throws {
        let folder = try workspace("repositories: []\nextensions:\n  helm:\n    charts:\n      - name: local\n        chartname: /opt/charts/x-1.0.0.tgz\n        version: 1.0.0\n")
        #expect(try env.bundle(["plan", folder + "/k0s.yaml"]).status == 0)
        let run = try build(folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try env.tool(["tar", "-xzf", folder + "/out.tar.gz", "-C", folder, "k0s.yaml"]).status == 0)
        let validate = try env.tool([env.validator, folder + "/k0s.yaml"])
        #expect(validate.status == 0, "\(validate.output)")
    }

    /// build --data-dir is recorded; install uses it unless --data-dir is given.
    @Test func installUsesTheDataDirTheBundleWasBuiltFor() throws {
        let folder = try workspace(config())
        #expect(try build(folder, ["--data-dir", "/opt/k0s"]).status == 0)
        let root = env.scratch()
        let run = try env.bundle(["install", folder + "/out.tar.gz", "--trust", folder + "/signing.pub", "--root", root, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/opt/k0s/charts") && !FileManager.default.fileExists(atPath: root + "/var/lib/k0s/charts"))
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(config.contains("/opt/k0s/charts/"), "\(config)")
    }
}
