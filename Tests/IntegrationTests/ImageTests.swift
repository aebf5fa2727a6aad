import Foundation
import Testing

/// Images: found in a chart that names them in every way charts do, pulled from the test
/// registries (private CA, basic auth, mTLS), bundled as one OCI layout, installed as one tar,
/// and imported by a real containerd with the registries' digests.
@Suite(.needsTestEnvironment) struct ImageTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    var anonymous: String { env.registry("anonymous") }

    func config(values: String = "image:\n  tag: \"1.1\"\n") -> String {
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
                  url: oci://\(anonymous)
                  caFile: \(env.file.caFile)
                - name: basic
                  url: oci://\(env.registry("basic"))
                  caFile: \(env.file.caFile)
                - name: mtls
                  url: oci://\(env.registry("mtls"))
                  caFile: \(env.file.caFile)
                  certFile: \(env.file.clientCert)
                  keyFile: \(env.file.clientKey)
              charts:
                - name: web
                  chartname: oci://\(anonymous)/charts/webapp
                  version: 0.3.0
                  namespace: apps
                  values: |
        \(values.split(separator: "\n").map { "              \($0)" }.joined(separator: "\n"))
        """
    }

    var environment: [String: String?] {
        ["BUNDLE_REPO_BASIC_USERNAME": env.file.username, "BUNDLE_REPO_BASIC_PASSWORD": env.file.password, "SOURCE_DATE_EPOCH": "1700000000"]
    }

    func workspace(_ text: String) throws -> String {
        let folder = env.scratch()
        try text.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        #expect(try env.bundle(["keygen", "--out", folder + "/signing"]).status == 0)
        return folder
    }

    func build(_ folder: String, _ extra: [String] = [], output: String = "out.tar.gz", cache: String = "cache") throws -> Run {
        try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", "\(folder)/\(output)",
                        "--cache-dir", "\(folder)/\(cache)", "--json", "--platform", "linux/amd64"] + extra, environment: environment)
    }

    static func images(_ run: Run) -> [String: [String: Any]] {
        let list = run.json?["images"] as? [[String: Any]] ?? []
        return Dictionary(list.map { (($0["reference"] as? String) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// What the chart and the command line name, as containerd must know them afterwards.
    var expected: [String: String] {
        let i = env.file.images
        return [
            "\(anonymous)/images/web:1.1": i["web11"]!.digest, "\(anonymous)/images/web:1.0": i["web"]!.digest,
            "\(anonymous)/images/worker:2.0": i["worker"]!.digest, "\(anonymous)/images/multiarch@\(i["multi"]!.digest)": i["multi"]!.digest,
            "\(anonymous)/images/dockerlist:1.0": i["dockerlist"]!.digest, "\(anonymous)/images/literal:1.0": i["literal"]!.digest,
            "\(anonymous)/images/annotated:1.0": i["annotated"]!.digest, "\(env.registry("basic"))/images/private:1.0": i["private"]!.digest,
            "\(env.registry("mtls"))/images/mtls:1.0": i["mtls"]!.digest,
        ]
    }

    @Test func bundlesEveryImageAndContainerdImportsThemWithTheirDigests() throws {
        let folder = try workspace(config())
        let run = try build(folder, ["--image", "\(anonymous)/images/web:1.0"])
        #expect(run.status == 0, "\(run.stderr)")
        let images = Self.images(run)
        #expect(Set(images.keys) == Set(expected.keys), "\(images.keys.sorted())")
        for (reference, digest) in expected { #expect(images[reference]?["digest"] as? String == digest, "\(reference)") }
        // Found by rendering the release as Helm does: each image names the template that runs it.
        #expect((images["\(anonymous)/images/web:1.1"]?["sources"] as? [String]) == ["web: webapp/templates/deployment.yaml"])
        #expect((images["\(anonymous)/images/worker:2.0"]?["sources"] as? [String]) == ["web: webapp/templates/cronjob.yaml"])
        #expect((images["\(anonymous)/images/annotated:1.0"]?["sources"] as? [String]) == ["web: webapp annotation artifacthub.io/images"])
        let skipped = run.json?["imagesSkipped"] as? [String] ?? []
        #expect(skipped.contains { $0.contains("webapp/templates/tests/test-connection.yaml (busybox): a Helm test hook") }, "\(skipped)")
        #expect(skipped.contains { $0.contains("subchart optional: its condition optional.enabled is false") }, "\(skipped)")
        #expect(!run.stderr.contains("could not determine"), "a rendered release has no guessed lines: \(run.stderr)")

        // The shared base layer is one entry; only the amd64 half of the multi-arch image came.
        let listing = try env.tool(["tar", "-tzf", folder + "/out.tar.gz"]).output.split(separator: "\n").map(String.init)
        let blobs = listing.filter { $0.hasPrefix("images/blobs/sha256/") }
        #expect(Set(blobs).count == blobs.count && listing.contains("images/oci-layout") && listing.contains("images/index.json"))

        let root = folder + "/node"
        let install = try env.bundle(["install", folder + "/out.tar.gz", "--trust", folder + "/signing.pub", "--root", root])
        #expect(install.status == 0, "\(install.stderr)")
        let tar = root + "/var/lib/k0s/images/bundle-k0s.tar"
        #expect(try env.tool(["tar", "-tf", tar]).output.hasPrefix("oci-layout\nindex.json\nblobs/sha256/"), "an uncompressed OCI layout")

        let containerd = try Containerd(folder: folder + "/containerd")
        defer { containerd.stop() }
        let imported = try containerd.ctr(["images", "import", tar])
        #expect(imported.status == 0, "\(imported.output)")
        let check = try containerd.check()
        for (reference, digest) in expected {
            #expect(check[reference]?.digest == digest, "\(reference) in containerd: \(check[reference].map { "\($0)" } ?? "missing")")
            #expect(check[reference]?.status.hasPrefix("complete") == true, "\(reference): \(check[reference]?.status ?? "missing")")
        }

        // Installing again changes nothing: the tar keeps its mtime, so k0s does not re-import it.
        let before = try FileManager.default.attributesOfItem(atPath: tar)[.modificationDate] as? Date
        let again = try env.bundle(["install", folder + "/out.tar.gz", "--trust", folder + "/signing.pub", "--root", root])
        #expect(again.status == 0 && again.stdout.contains("already installed"), "\(again.stdout)\(again.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: tar)[.modificationDate] as? Date == before)
    }

    @Test func reproducibleAndCachedAndOffline() throws {
        let folder = try workspace(config())
        #expect(try build(folder).status == 0)
        let second = try build(folder, ["--offline"], output: "again.tar.gz")
        #expect(second.status == 0, "\(second.stderr)")
        let other = try build(folder, [], output: "fresh.tar.gz", cache: "cache2")
        #expect(other.status == 0, "\(other.stderr)")
        let first = try Data(contentsOf: URL(fileURLWithPath: folder + "/out.tar.gz"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/again.tar.gz")) == first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/fresh.tar.gz")) == first)
    }

    @Test func missingImageFailsNamingItAndLeavesNothing() throws {
        let folder = try workspace(config())
        let run = try build(folder, ["--image", "\(anonymous)/images/nope:1.0"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("images/nope:1.0") && run.stdout.contains("--image"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"))

        let ownImages = try build(folder, [], output: "x.tar.gz", cache: "c")  // without the missing one, the chart's own images resolve
        #expect(ownImages.status == 0, "\(ownImages.stderr)")
        let badValues = try workspace(config(values: "image:\n  tag: \"9.9\"\n"))
        let failed = try build(badValues)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("images/web:9.9") && failed.stdout.contains("release web") && failed.stdout.contains("templates/deployment.yaml"), "\(failed.stdout)")
        #expect(!FileManager.default.fileExists(atPath: badValues + "/out.tar.gz"))
    }

    /// A release Helm would refuse (the chart's `required` fails on these values) fails the
    /// build before anything is pulled, naming the template, the config's line and the reason.
    @Test func aReleaseHelmRefusesFailsTheBuild() throws {
        let folder = try workspace(config(values: "image:\n  repository: null\n"))
        let run = try build(folder)
        #expect(run.status == 1)
        #expect(run.errorCode == "renderFailed", "\(run.stdout)")
        #expect(run.stdout.contains("webapp needs image.repository") && run.stdout.contains("k0s.yaml:") && run.stdout.contains("webapp/templates/_helpers.tpl:2:"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"))
        let plan = try env.bundle(["plan", folder + "/k0s.yaml", "--json"], environment: environment)
        #expect(plan.status == 1 && plan.stdout.contains("renderFailed"), "\(plan.stdout)")
    }

    @Test func platformsAndMediaTypesAreChecked() throws {
        let folder = try workspace(config())
        let chartsOnly = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/charts-only.tar.gz",
                                         "--cache-dir", folder + "/cache", "--json", "--no-images"], environment: environment)
        #expect(chartsOnly.status == 0 && Self.images(chartsOnly).isEmpty, "\(chartsOnly.stdout)\(chartsOnly.stderr)")
        let listing = try env.tool(["tar", "-tzf", folder + "/charts-only.tar.gz"]).output
        #expect(!listing.contains("images/"))

        let wrongPlatform = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/s390x.tar.gz",
                                            "--cache-dir", folder + "/cache", "--json", "--platform", "linux/s390x"], environment: environment)
        #expect(wrongPlatform.status == 1)
        #expect(wrongPlatform.stdout.contains("linux/amd64, linux/arm64"), "names the platforms the index has: \(wrongPlatform.stdout)")
        // Every platform asked for must be there: an amd64-only image fails a build for amd64 and arm64.
        let both = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/both.tar.gz",
                                   "--cache-dir", folder + "/cache", "--json", "--platform", "linux/amd64", "--platform", "linux/arm64"], environment: environment)
        #expect(both.status == 1 && both.stdout.contains("only, not linux/arm64"), "\(both.stdout)")

        let all = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/all.tar.gz",
                                  "--cache-dir", folder + "/cache", "--json", "--platform", "all", "--no-images"], environment: environment)
        #expect(all.status == 64, "--platform with --no-images contradicts itself: \(all.stderr)")
        let every = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/every.tar.gz",
                                    "--cache-dir", folder + "/cache", "--json", "--platform", "all"], environment: environment)
        #expect(every.status == 0, "\(every.stdout)")
        let multi = Self.images(every)["\(anonymous)/images/multiarch@\(env.file.images["multi"]!.digest)"]
        #expect(multi?["platforms"] as? [String] == ["linux/amd64", "linux/arm64"], "attestations are left out: \(String(describing: multi))")
    }

    @Test func helmChartsAndStrictModeAreRefusedClearly() throws {
        let folder = try workspace(config())
        let chart = try build(folder, ["--image", "\(anonymous)/images/achart:1.0.0"])
        #expect(chart.status == 1)
        #expect(chart.stdout.contains("is a Helm chart, not a container image"), "\(chart.stdout)")
        // Read from the values, not rendered, one image line cannot be determined: strict refuses it.
        let strict = try build(folder, ["--strict-images", "--no-render"])
        #expect(strict.status == 1)
        #expect(strict.errorCode == "imagesUndetermined", "\(strict.stdout)")
        #expect(strict.stdout.contains("deployment.yaml:28"), "\(strict.stdout)")
        #expect(try build(folder, ["--strict-images"], output: "strict.tar.gz").status == 0, "rendered, every image is known")
    }

    @Test func planAndImagesListWhatABuildWouldBundle() throws {
        let folder = try workspace(config())
        let run = try env.bundle(["plan", folder + "/k0s.yaml", "--json", "--platform", "linux/amd64"], environment: environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let images = (run.json?["images"] as? [String: Any])?["images"] as? [[String: Any]] ?? []
        let byReference = Dictionary(images.map { (($0["reference"] as? String) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for (reference, digest) in expected where !reference.hasSuffix("web:1.0") {
            #expect(byReference[reference]?["digest"] as? String == digest, "\(reference) in the plan")
        }
        #expect(byReference["\(anonymous)/images/dockerlist:1.0"]?["platforms"] as? [String] == ["linux/amd64", "linux/arm64"])
        let table = try env.bundle(["plan", folder + "/k0s.yaml"], environment: environment)
        #expect(table.status == 0 && table.stdout.contains("IMAGE") && table.stdout.contains("\(anonymous)/images/worker:2.0"), "\(table.stdout)")

        let list = try env.bundle(["images", folder + "/k0s.yaml"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(Set(lines) == Set(expected.keys).subtracting(["\(anonymous)/images/web:1.0"]), "\(lines)")
        let unrendered = try env.bundle(["images", folder + "/k0s.yaml", "--no-render"], environment: environment)
        #expect(unrendered.status == 0 && unrendered.stderr.contains("deployment.yaml:28") && unrendered.stderr.contains("webapp.mystery"), "\(unrendered.stderr)")
        // An image without a fixed tag is listed, with the warning its pods need IfNotPresent.
        let floating = try env.bundle(["images", folder + "/k0s.yaml", "--image", "\(anonymous)/images/worker", "--json"], environment: environment)
        let warnings = floating.json?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("images/worker:latest has no fixed tag") && $0.contains("imagePullPolicy: IfNotPresent") }, "\(floating.stdout)")

        // The list feeds a build back, as `k0s airgap list-images` output does.
        try (["# from bundle images"] + lines).joined(separator: "\n").write(toFile: folder + "/images.txt", atomically: true, encoding: .utf8)
        let listed = try build(folder, ["--images-file", folder + "/images.txt"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let sources = Self.images(listed)["\(anonymous)/images/worker:2.0"]?["sources"] as? [String] ?? []
        let line = (lines.firstIndex(of: "\(anonymous)/images/worker:2.0") ?? 0) + 2  // after the comment line
        #expect(sources.contains("\(folder)/images.txt:\(line)"), "\(sources)")
        try "not a reference!\n".write(toFile: folder + "/bad.txt", atomically: true, encoding: .utf8)
        let bad = try build(folder, ["--images-file", folder + "/bad.txt"])
        #expect(bad.status == 1 && bad.errorCode == "imageListInvalid" && bad.stdout.contains("bad.txt:1"), "\(bad.stdout)")
    }

    @Test func newerBundlesReplaceOrRemoveTheImagesTar() throws {
        let folder = try workspace(config())
        let root = folder + "/node", tar = root + "/var/lib/k0s/images/bundle-k0s.tar"
        func install(_ bundle: String, _ extra: [String] = []) throws -> Run {
            try env.bundle(["install", folder + "/" + bundle, "--trust", folder + "/signing.pub", "--root", root, "--json"] + extra)
        }
        #expect(try build(folder, ["--sequence", "1"]).status == 0)
        #expect(try install("out.tar.gz", ["--no-images"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: tar), "--no-images places no images tar")
        #expect(try install("out.tar.gz").status == 0, "the same bundle with images completes the node")
        #expect(FileManager.default.fileExists(atPath: tar))
        let first = try env.sha256sum(tar)

        // A newer bundle whose release runs another tag: the tar is replaced.
        try config(values: "image:\n  tag: \"1.0\"\n").write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        #expect(try build(folder, ["--sequence", "2"], output: "two.tar.gz").status == 0)
        let two = try install("two.tar.gz")
        #expect(two.status == 0, "\(two.stdout)")
        #expect(try env.sha256sum(tar) != first)
        #expect(try env.tool(["tar", "-xOf", tar, "index.json"]).output.contains("images/web:1.0"))

        // A newer bundle without images: the tar goes, and the record says so.
        let charts = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/three.tar.gz",
                                     "--cache-dir", folder + "/cache", "--no-images", "--sequence", "3"], environment: environment)
        #expect(charts.status == 0, "\(charts.stderr)")
        let three = try install("three.tar.gz")
        #expect(three.status == 0, "\(three.stdout)")
        #expect(!FileManager.default.fileExists(atPath: tar), "a bundle without images removes the tar an earlier one placed")
        #expect(three.stdout.contains("removed"), "\(three.stdout)")
    }
}
