import Foundation
import Testing

/// `bundle pull` against real distribution registries with a private CA.
@Suite(.needsTestEnvironment) struct PullTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    func pull(_ registry: String, _ path: String, _ extra: [String] = [], stdin: String? = nil, environment: [String: String?] = [:]) throws -> (Run, String) {
        let folder = env.scratch()
        let run = try env.bundle(["pull", "oci://\(env.registry(registry))/\(path)", "-d", folder, "--json"] + extra, stdin: stdin, environment: environment)
        return (run, folder)
    }

    /// A successful pull: exit 0, the chart file byte-identical to the registry's chart layer.
    func expectPulled(_ run: Run, _ folder: String, version: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(run.status == 0, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        let json = try #require(run.json, "stdout: \(run.stdout) stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(json["version"] as? String == version, sourceLocation: sourceLocation)
        let expected = try #require(env.file.app[version], sourceLocation: sourceLocation)
        #expect(json["manifestDigest"] as? String == expected.manifest, sourceLocation: sourceLocation)
        let path = "\(folder)/app-\(version).tgz"
        #expect(env.files(in: folder) == ["app-\(version).tgz"], sourceLocation: sourceLocation)
        #expect(try env.sha256sum(path) == expected.chart, sourceLocation: sourceLocation)
    }

    /// A failed pull: exit 1, the stable error code, the host named, nothing left behind.
    func expectFailure(_ run: Run, _ folder: String, code: String, host: String, mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, "stdout: \(run.stdout) stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.errorCode == code, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains("error: \(host)"), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(run.stderr.contains(text), "expected \"\(text)\" in: \(run.stderr)", sourceLocation: sourceLocation)
        }
        #expect(env.files(in: folder).isEmpty, "left behind: \(env.files(in: folder))", sourceLocation: sourceLocation)
    }

    // MARK: Trust

    @Test func privateCAFileIsEnough() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile])
        try expectPulled(run, folder, version: "1.10.1")
        #expect(!run.stderr.contains("warning"))
    }

    @Test func caBundleWithRootAndIntermediateWorks() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caBundle])
        try expectPulled(run, folder, version: "1.10.1")
    }

    @Test func systemTrustStoreDoesNotTrustThePrivateCA() throws {
        let (run, folder) = try pull("anonymous", "charts/app")
        expectFailure(run, folder, code: "certificateUntrusted", host: env.registry("anonymous"), mentions: ["system trust store", "--ca-file"])
    }

    @Test func anotherCAIsNotTrusted() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.otherCA])
        expectFailure(run, folder, code: "certificateUntrusted", host: env.registry("anonymous"), mentions: [env.file.otherCA, "command-line flags"])
    }

    @Test func expiredCertificateIsRefused() throws {
        let (run, folder) = try pull("expired", "charts/app", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "certificateExpired", host: env.registry("expired"), mentions: ["expired"])
    }

    @Test func wrongHostnameIsRefused() throws {
        let (run, folder) = try pull("wronghost", "charts/app", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "hostnameMismatch", host: env.registry("wronghost"), mentions: ["127.0.0.1"])
    }

    @Test func missingCAFileIsNamed() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", "/nonexistent/ca.crt"])
        expectFailure(run, folder, code: "caFileUnusable", host: env.registry("anonymous"), mentions: ["/nonexistent/ca.crt", "does not exist"])
    }

    @Test func caFileThatIsNotPEMIsNamed() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.notPEM])
        expectFailure(run, folder, code: "caFileUnusable", host: env.registry("anonymous"), mentions: [env.file.notPEM, "PEM"])
    }

    @Test func insecureIsOnlyWhenAskedAndWarnsNamingTheHost() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--insecure-skip-tls-verify"])
        try expectPulled(run, folder, version: "1.10.1")
        #expect(run.stderr.contains("warning: TLS verification is disabled for \(env.registry("anonymous"))"))
    }

    @Test func plainHTTPAgainstATLSPortSaysSo() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--plain-http", "--version", "1.0.0"])
        expectFailure(run, folder, code: "registryFailed", host: env.registry("anonymous"), mentions: ["speaks TLS on this port", "Drop --plain-http"])
    }

    @Test func plainHTTPOnlyWhenAsked() throws {
        let (run, folder) = try pull("plain", "charts/app", ["--plain-http"])
        try expectPulled(run, folder, version: "1.10.1")
        let (https, other) = try pull("plain", "charts/app", ["--ca-file", env.file.caFile])
        expectFailure(https, other, code: "tlsFailed", host: env.registry("plain"), mentions: ["--plain-http"])
    }

    // MARK: Mutual TLS

    @Test func clientCertificateIsPresented() throws {
        let (run, folder) = try pull("mtls", "charts/app", ["--ca-file", env.file.caFile, "--cert-file", env.file.clientCert, "--key-file", env.file.clientKey])
        try expectPulled(run, folder, version: "1.10.1")
    }

    /// Said at once: the registry's reset that often comes before its alert is no "connection
    /// broken … retrying" warning (it came in about two runs of three before).
    @Test func missingClientCertificateIsExplained() throws {
        for _ in 0..<6 {
            let (run, folder) = try pull("mtls", "charts/app", ["--ca-file", env.file.caFile])
            expectFailure(run, folder, code: "clientCertificateRequired", host: env.registry("mtls"), mentions: ["--cert-file"])
            #expect(!run.stderr.contains("retrying") && !run.stderr.contains("warning"), "\(run.stderr)")
        }
    }

    @Test func clientCertificateFromAnotherCAIsRejected() throws {
        let (run, folder) = try pull("mtls", "charts/app", ["--ca-file", env.file.caFile, "--cert-file", env.file.rogueClientCert, "--key-file", env.file.rogueClientKey])
        expectFailure(run, folder, code: "clientCertificateRejected", host: env.registry("mtls"), mentions: [env.file.rogueClientCert])
    }

    @Test func clientKeyNotMatchingTheCertificateIsExplained() throws {
        let (run, folder) = try pull("mtls", "charts/app", ["--ca-file", env.file.caFile, "--cert-file", env.file.clientCert, "--key-file", env.file.unrelatedKey])
        expectFailure(run, folder, code: "clientKeyMismatch", host: env.registry("mtls"), mentions: [env.file.unrelatedKey, "does not match"])
    }

    // MARK: Authentication

    @Test func basicAuthWithCredentials() throws {
        let (run, folder) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: env.file.password + "\n")
        try expectPulled(run, folder, version: "1.10.1")
        #expect(!run.stderr.contains(env.file.password) && !run.stdout.contains(env.file.password))
    }

    @Test func basicAuthWithoutCredentials() throws {
        let (run, folder) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "credentialsRequired", host: env.registry("basic"), mentions: ["--username"])
    }

    /// Without flags, pull takes what `docker login` stored, as plan and build do; the hint of a
    /// refusal names pull's own ways (its flags, docker login), not a config's variables.
    @Test func credentialsFromDockerLoginAndHintsOfPull() throws {
        let home = env.scratch()
        let (anonymous, folder) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile], environment: ["HOME": home, "DOCKER_CONFIG": nil])
        expectFailure(anonymous, folder, code: "credentialsRequired", host: env.registry("basic"), mentions: ["--password-stdin", "docker login \(env.registry("basic"))"])
        #expect(!anonymous.stdout.contains("BUNDLE_REPO_") && !anonymous.stderr.contains("BUNDLE_REPO_"), "\(anonymous.stderr)")

        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        let auth = Data("\(env.file.username):\(env.file.password)".utf8).base64EncodedString()
        try "{\"auths\": {\"\(env.registry("basic"))\": {\"auth\": \"\(auth)\"}}}".write(toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let (run, pulled) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile], environment: ["HOME": home, "DOCKER_CONFIG": nil])
        try expectPulled(run, pulled, version: "1.10.1")

        let wrong = Data("\(env.file.username):not-it".utf8).base64EncodedString()
        try "{\"auths\": {\"\(env.registry("basic"))\": {\"auth\": \"\(wrong)\"}}}".write(toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let (rejected, other) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile], environment: ["HOME": home, "DOCKER_CONFIG": nil])
        expectFailure(rejected, other, code: "credentialsRejected", host: env.registry("basic"), mentions: [home + "/.docker/config.json"])
    }

    @Test func basicAuthWithWrongPassword() throws {
        let (run, folder) = try pull("basic", "charts/app", ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: "not-the-password")
        expectFailure(run, folder, code: "credentialsRejected", host: env.registry("basic"), mentions: ["\"\(env.file.username)\""])
        #expect(!run.stderr.contains("not-the-password"))
    }

    @Test func bearerTokenAnonymous() throws {
        let (run, folder) = try pull("token", "charts/app", ["--ca-file", env.file.caFile, "--version", "1.2.5"])
        try expectPulled(run, folder, version: "1.2.5")
    }

    @Test func bearerTokenWithCredentials() throws {
        let (run, folder) = try pull("token", "private/app", ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: env.file.password)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(env.files(in: folder) == ["app-1.0.0.tgz"])
    }

    @Test func bearerTokenPrivateRepositoryNeedsCredentials() throws {
        let (run, folder) = try pull("token", "private/app", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "credentialsRequired", host: env.registry("token"), mentions: ["token service"])
    }

    @Test func bearerTokenWrongCredentials() throws {
        let (run, folder) = try pull("token", "private/app", ["--ca-file", env.file.caFile, "--username", env.file.username, "--password-stdin"], stdin: "wrong")
        expectFailure(run, folder, code: "credentialsRejected", host: env.registry("token"))
    }

    @Test func bearerTokenIsReusedForItsScope() throws {
        let log = "\(env.file.tokensIssuedDir)/\(env.file.tokenCountUser)"
        let before = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
        // Resolving a constraint lists tags, fetches the manifest, the config and the chart: four requests, one scope.
        let (run, _) = try pull("token", "charts/app", ["--ca-file", env.file.caFile, "--version", "^1.0", "--username", env.file.tokenCountUser, "--password-stdin"], stdin: env.file.tokenCountPassword)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let after = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(after - before == 1)
    }

    // MARK: Versions

    @Test(arguments: [
        (nil, "1.10.1"), ("1.2.5", "1.2.5"), ("~1.2.0", "1.2.5"), ("^1.2", "1.10.1"), (">=1.0 <1.3", "1.2.5"),
        ("1.x", "1.10.1"), (">=2.0.0-0", "2.0.0-beta.1"), ("1.4.0+meta", "1.4.0+meta"), ("<1.0.0", "0.9.0"),
    ] as [(String?, String)])
    func versionsResolveAsHelmDoes(version: String?, expected: String) throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile] + (version.map { ["--version", $0] } ?? []))
        try expectPulled(run, folder, version: expected)
    }

    @Test func tagInTheReference() throws {
        let (run, folder) = try pull("anonymous", "charts/app:1.3.0", ["--ca-file", env.file.caFile])
        try expectPulled(run, folder, version: "1.3.0")
    }

    @Test func digestPinning() throws {
        let digest = try #require(env.file.app["1.0.0"]).manifest
        let (run, folder) = try pull("anonymous", "charts/app@\(digest)", ["--ca-file", env.file.caFile])
        try expectPulled(run, folder, version: "1.0.0")
    }

    @Test func missingVersionListsTheNearestOnes() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile, "--version", "1.2.7"])
        expectFailure(run, folder, code: "versionNotFound", host: env.registry("anonymous"), mentions: ["1.2.7", "1.2.5, 1.3.0"])
    }

    @Test func unmatchedConstraintListsVersions() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile, "--version", ">=3"])
        expectFailure(run, folder, code: "noMatchingVersion", host: env.registry("anonymous"), mentions: [">=3", "1.10.1"])
    }

    @Test func missingRepository() throws {
        let (run, folder) = try pull("anonymous", "charts/nope", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "repositoryNotFound", host: env.registry("anonymous"), mentions: ["charts/nope"])
    }

    @Test func tagHoldingAnotherVersionIsRefused() throws {
        let (run, folder) = try pull("anonymous", "charts/mislabeled", ["--ca-file", env.file.caFile, "--version", "9.9.9"])
        expectFailure(run, folder, code: "versionMismatch", host: env.registry("anonymous"), mentions: ["1.0.0"])
    }

    // MARK: Media types

    @Test func provenanceIsKept() throws {
        let (run, folder) = try pull("anonymous", "charts/signed", ["--ca-file", env.file.caFile])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(env.files(in: folder) == ["signed-0.1.0.tgz", "signed-0.1.0.tgz.prov"])
        #expect(try env.sha256sum("\(folder)/signed-0.1.0.tgz") == env.file.signed.chart)
        let provenance = try #require(run.json?["provenance"] as? [String: Any])
        #expect(try env.sha256sum("\(folder)/signed-0.1.0.tgz.prov") == provenance["digest"] as? String)
    }

    @Test func legacyMediaTypeIsAcceptedWithAWarning() throws {
        let (run, folder) = try pull("anonymous", "charts/legacy", ["--ca-file", env.file.caFile])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(env.files(in: folder) == ["legacy-0.1.0.tgz"])
        #expect(run.stderr.contains("warning:") && run.stderr.contains("application/tar+gzip"))
    }

    @Test(arguments: [("images/web:1.0", "container image"), ("images/multi:1.0", "image index")])
    func nonChartArtifactsAreRefused(path: String, kind: String) throws {
        let (run, folder) = try pull("anonymous", path, ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "notAChart", host: env.registry("anonymous"), mentions: [kind, "not a Helm chart"])
    }

    // MARK: Integrity and misbehaving registries

    @Test func alteredBlobIsCaughtAndDiscarded() throws {
        let (run, folder) = try pull("anonymous", "charts/tampered", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "digestMismatch", host: env.registry("anonymous"), mentions: [env.file.tampered.chart])
    }

    @Test func registryStoppingMidBlobIsRetriedThenReported() throws {
        let (run, folder) = try pull("faults", "truncate/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"])
        expectFailure(run, folder, code: "truncated", host: env.registry("faults"), mentions: ["stopped sending", "retrying"])
    }

    @Test func stalledTransferTimesOut() throws {
        let (run, folder) = try pull("faults", "stall/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"],
                                     environment: ["BUNDLE_HTTP_LOW_SPEED_TIME": "2", "BUNDLE_HTTP_ATTEMPTS": "1"])
        expectFailure(run, folder, code: "timedOut", host: env.registry("faults"))
    }

    /// A manifest declaring a 10^15-byte chart layer is refused before a byte of it is fetched.
    @Test func anImpossibleLayerSizeIsRefusedBeforeFetching() throws {
        let (run, folder) = try pull("faults", "hugelayer/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"])
        expectFailure(run, folder, code: "tooLarge", host: env.registry("faults"), mentions: ["1000000000000000 bytes", "Nothing was downloaded"])
    }

    /// 8 MB of response headers, in one line or in many, is named for what it is.
    @Test(arguments: ["hugeheader", "manyheaders"])
    func hugeResponseHeadersAreRefused(mode: String) throws {
        let (run, folder) = try pull("faults", "\(mode)/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"],
                                     environment: ["BUNDLE_HTTP_ATTEMPTS": "1"])
        expectFailure(run, folder, code: "bodyTooLarge", host: env.registry("faults"), mentions: ["response headers"])
        #expect(!run.stderr.lowercased().contains("out of memory"), "\(run.stderr)")
    }

    @Test func moreBytesThanDeclaredAreRefused() throws {
        let (run, folder) = try pull("faults", "bigger/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"])
        expectFailure(run, folder, code: "bodyTooLarge", host: env.registry("faults"))
    }

    @Test func transientErrorsAreRetriedHonouringRetryAfter() throws {
        let nonce = "n" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let (run, folder) = try pull("faults", "flaky/\(nonce)/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"])
        try expectPulled(run, folder, version: "1.0.0")
        #expect(run.stderr.contains("HTTP 503") && run.stderr.contains("retrying in 1.0s"))
        #expect(run.stderr.contains("HTTP 429"))
    }

    @Test func persistentServerErrorIsReported() throws {
        let (run, folder) = try pull("faults", "fail/charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"], environment: ["BUNDLE_HTTP_ATTEMPTS": "2"])
        expectFailure(run, folder, code: "registryFailed", host: env.registry("faults"), mentions: ["HTTP 503", "maintenance"])
    }

    @Test func tagListPaginationIsFollowed() throws {
        let (run, folder) = try pull("faults", "paged/charts/app", ["--ca-file", env.file.caFile])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(env.files(in: folder) == ["app-1.10.1.tgz"])
    }

    @Test func endlessTagListStopsAtThePageLimit() throws {
        let (run, folder) = try pull("faults", "endless/charts/app", ["--ca-file", env.file.caFile])
        expectFailure(run, folder, code: "tooManyTagPages", host: env.registry("faults"), mentions: ["pages"])
    }

    /// The CDN the registry redirects blobs to answers 400 if it sees an Authorization header
    /// or a client certificate, so a successful pull proves neither left the registry's origin.
    @Test func redirectToAnotherHostCarriesNoCredentials() throws {
        let (run, folder) = try pull("faults", "redirect/charts/app", [
            "--ca-file", env.file.caFile, "--version", "1.0.0", "--username", env.file.username, "--password-stdin",
            "--cert-file", env.file.clientCert, "--key-file", env.file.clientKey,
        ], stdin: env.file.password)
        try expectPulled(run, folder, version: "1.0.0")
    }

    // MARK: Proxies

    @Test func httpsProxyIsUsed() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"],
                                     environment: ["HTTPS_PROXY": "http://\(env.file.proxy)"])
        try expectPulled(run, folder, version: "1.0.0")
        let log = try String(contentsOfFile: env.file.proxyLog, encoding: .utf8)
        #expect(log.split(separator: "\n").contains(Substring(env.registry("anonymous"))))
    }

    @Test func noProxyBypassesTheProxy() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"],
                                     environment: ["HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"])
        try expectPulled(run, folder, version: "1.0.0")
    }

    @Test func unreachableProxyIsReported() throws {
        let (run, folder) = try pull("anonymous", "charts/app", ["--ca-file", env.file.caFile, "--version", "1.0.0"],
                                     environment: ["HTTPS_PROXY": "http://127.0.0.1:9", "BUNDLE_HTTP_ATTEMPTS": "1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("HTTPS_PROXY"), "stderr: \(run.stderr)")
        #expect(env.files(in: folder).isEmpty)
    }

    // MARK: Command line

    @Test func invalidReferenceShowsTheExpectedForm() throws {
        let run = try env.bundle(["pull", "https://example.com/chart", "--json"])
        #expect(run.status == 1)
        #expect(run.errorCode == "invalidReference")
        #expect(run.stderr.contains("oci://HOST[:PORT]/PATH/CHART"))
    }

    @Test func certWithoutKeyIsAUsageError() throws {
        let run = try env.bundle(["pull", "oci://r/a", "--cert-file", env.file.clientCert])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--key-file"))
    }
}

extension PullTests {
    /// Messages in the words of the command that failed: the reference as the subject, a
    /// `--version` constraint (not config syntax) for pull, a CA flag for pull and a config key
    /// for build.
    @Test func messagesNameWhatThisCommandTakes() throws {
        let registry = env.registry("anonymous")
        let bare = try env.bundle(["pull", "\(registry)/charts/app", "--json"])
        let error = bare.json?["error"] as? [String: Any]
        #expect(bare.status == 1 && error?["subject"] as? String == "\(registry)/charts/app", "\(bare.stdout)")
        #expect((error?["hint"] as? String ?? "").contains("oci://\(registry)/charts/app"), "\(bare.stdout)")
        let empty = try env.bundle(["pull", "oci://", "--json"])
        #expect(((empty.json?["error"] as? [String: Any])?["subject"] as? String ?? "").isEmpty == false, "\(empty.stdout)")

        let version = try env.bundle(["pull", "oci://\(registry)/charts/app", "--version", "1.2", "--ca-file", env.file.caFile, "-d", env.scratch()])
        #expect(version.status == 1 && version.stderr.contains("`--version \"~1.2\"` would give 1.2.5") && !version.stderr.contains("version: "), "\(version.stderr)")

        let untrusted = try env.bundle(["pull", "oci://\(registry)/charts/app", "-d", env.scratch()], environment: ["BUNDLE_HTTP_ATTEMPTS": "1"])
        #expect(untrusted.status == 1 && untrusted.stderr.contains("with --ca-file"), "\(untrusted.stderr)")
        let folder = env.scratch()
        try """
            repositories:
              - {name: corp, url: "oci://\(registry)"}
            extensions:
              helm:
                charts:
                  - {name: web, chartname: "oci://\(registry)/charts/app", version: 1.2.5, namespace: apps}
            """.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let build = try env.bundle(["build", folder + "/k0s.yaml", "--unsigned", "-o", folder + "/b.tar.gz", "--cache-dir", folder + "/cache"], environment: ["BUNDLE_HTTP_ATTEMPTS": "1"])
        #expect(build.status == 1 && build.stderr.contains("with caFile in repository \"corp\"") && !build.stderr.contains("--ca-file"), "\(build.stderr)")
    }
}
