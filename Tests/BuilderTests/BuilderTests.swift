import Archive
@testable import Builder
import Diagnostics
import BundleFormat
import Content
import Foundation
import HTTP
import K0sConfig
import OCI
import Synchronization
import Testing
import TestSupport

/// The whole build over a scripted transport: resolve, layout, sign, fetch and assemble,
/// with no network and no registry process.
struct BuilderTests {

    @Test func buildsOneSignedBundleAndKnowsWhenItIsUpToDate() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0"), ("api", "app", "1.2.0")])])
        let key = SigningKey.generate(.ed25519)

        let result = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: key)
        #expect(result.signed && !result.upToDate)
        #expect(result.charts.map(\.release) == ["web", "api"])
        #expect(result.charts.allSatisfy { !$0.cached && $0.path == "charts/app-1.2.0.tgz" })
        #expect(result.manifest.charts.count == 1, "two releases of one chart share one entry")
        #expect(result.manifest.charts.first?.releases == ["api", "web"])
        #expect(result.manifest.charts.first?.chartDigest == chart.chartDigest.description)
        #expect(result.manifest.charts.first?.manifestDigest == chart.manifestDigest.description)

        let entries = try BuildFixture.entries(folder + "/out.tar.gz")
        // The chart's OCI manifest and config, exactly as served, ride along under oci/ for `push`.
        let oci = [chart.manifestDigest, Content.Digest.sha256(of: chart.config)].map { "oci/blobs/sha256/\($0.hex)" }
        #expect(entries.map(\.0) == ["bundle.json", "bundle.json.sig", "charts/app-1.2.0.tgz", "k0s.yaml"] + oci.sorted())
        #expect(entries.first { $0.0 == "charts/app-1.2.0.tgz" }?.1 == chart.archive)
        #expect(entries.first { $0.0 == "oci/blobs/sha256/\(chart.manifestDigest.hex)" }?.1 == chart.manifest)
        let manifestData = try #require(entries.first?.1)
        #expect(key.publicKey.isValidSignature(try #require(entries.dropFirst().first?.1), for: manifestData))
        let offline = String(decoding: try #require(entries.first { $0.0 == "k0s.yaml" }?.1), as: UTF8.self)
        #expect(offline.contains("chartname: /var/lib/k0s/charts/app-1.2.0.tgz"), "\(offline)")
        #expect(server.count("/v2/charts/app/blobs/\(chart.chartDigest)") == 1)

        let again = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: key)
        #expect(again.upToDate)
        #expect(again.charts.allSatisfy { $0.cached })
        #expect(server.count("/v2/charts/app/blobs/\(chart.chartDigest)") == 1, "an up-to-date rebuild downloads no chart")
    }

    /// A rebuild (and `images`, `plan`) resolves every chart's manifest again, and keeps what
    /// the cache already holds verified as it is: no file written again (each write is flushed,
    /// and a flush waits for whatever else the disk is writing).
    @Test func aManifestTheCacheHoldsIsNotWrittenAgain() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        let manifest = BlobCache(root: folder + "/cache").blobPath(chart.manifestDigest)
        func inode() throws -> Int { try #require(FileManager.default.attributesOfItem(atPath: manifest)[.systemFileNumber] as? Int) }
        let before = try inode()
        try FileManager.default.removeItem(atPath: folder + "/out.tar.gz")
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        #expect(server.count("/v2/charts/app/manifests/1.2.0") == 2, "the tag is asked again")
        #expect(try inode() == before, "the cached manifest is the same file")
        #expect(BlobCache(root: folder + "/cache").contains(chart.manifestDigest, size: Int64(chart.manifest.count)))
    }

    /// A cached chart config whose bytes changed on disk while its size, time and inode did not
    /// is hashed as it is read, removed, fetched again and kept (the rebuild's `keep` skips a
    /// blob the cache holds: the bad file must not stay).
    @Test func aCachedConfigThatNoLongerMatchesIsReplaced() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        let cache = BlobCache(root: folder + "/cache")
        let digest = Content.Digest.sha256(of: chart.config)
        let descriptor = Descriptor(mediaType: MediaType.helmConfig, digest: digest, size: Int64(chart.config.count))
        let path = cache.blobPath(digest)
        var before = stat()
        #expect(stat(path, &before) == 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(repeating: 0x20, count: chart.config.count))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0, "the time it was noted with, to the nanosecond")
        #expect(cache.data(for: descriptor) == nil, "other bytes under the config's name")
        #expect(!FileManager.default.fileExists(atPath: path), "and the file is gone")
        try FileManager.default.removeItem(atPath: folder + "/out.tar.gz")
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        #expect(server.count("/v2/charts/app/blobs/\(digest)") == 2, "fetched again")
        #expect(cache.data(for: descriptor) == chart.config, "and kept")
    }

    /// The cache trusts only what it verified: a cached chart changed on disk since (its size
    /// kept) is fetched again, and the bundle carries the registry's bytes.
    @Test func aCachedBlobChangedOnDiskIsFetchedAgain() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        let cached = BlobCache(root: folder + "/cache").blobPath(chart.chartDigest)
        #expect(BlobCache(root: folder + "/cache").contains(chart.chartDigest, size: Int64(chart.archive.count)))
        try Data(repeating: 0x2A, count: chart.archive.count).write(to: URL(fileURLWithPath: cached))
        // Not left to the file clock's grain: the changed file's time differs from the noted one.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1)], ofItemAtPath: cached)
        #expect(!BlobCache(root: folder + "/cache").contains(chart.chartDigest, size: Int64(chart.archive.count)), "same size, other bytes")
        try FileManager.default.removeItem(atPath: folder + "/out.tar.gz")

        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        #expect(server.count("/v2/charts/app/blobs/\(chart.chartDigest)") == 2, "fetched again, not trusted by its size")
        #expect(try BuildFixture.entries(folder + "/out.tar.gz").contains { $0.0 == "charts/app-1.2.0.tgz" && $0.1 == chart.archive })
    }

    @Test func rebuildsOfflineFromTheCacheAlone() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        try FileManager.default.removeItem(atPath: folder + "/out.tar.gz")

        let empty = ScriptedServer()
        let offline = try Builder(options: BuildFixture.options(folder, server: empty, offline: true)) { _ in }.build(signingKey: nil)
        #expect(offline.charts.first?.cached == true)
        #expect(empty.requests.isEmpty, "--offline asked the network for \(empty.requests)")
        #expect(try BuildFixture.entries(folder + "/out.tar.gz").contains { $0.0 == "charts/app-1.2.0.tgz" && $0.1 == chart.archive })
    }

    @Test func aTamperedBlobKeepsItsCodeAndNamesTheRelease() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        var altered = chart.archive
        altered[altered.count - 1] ^= 0xff
        server.answer("/v2/charts/app/blobs/\(chart.chartDigest)", body: altered)
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])

        let error = #expect(throws: BuildError.self) { try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil) }
        #expect(error?.errorCode == "digestMismatch")
        #expect(error?.errorClass == .integrity)
        #expect(error?.problems.first?.subject == "web")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"), "no bundle is written when a chart fails")
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/cache/blobs/sha256")) ?? []
        #expect(!cached.contains(chart.chartDigest.hex), "unverified bytes must not enter the cache")
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let server = ScriptedServer()
        let incomplete = try ChartFixture(name: "app", version: "1.2.0", dependencies: ["redis"])
        incomplete.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0"), ("gone", "missing", "1.0.0"), ("old", "app", "0.9.0")])])

        let error = #expect(throws: BuildError.self) { try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil) }
        #expect(error?.problems.map(\.code) == ["versionNotFound", "versionNotFound"], "resolution fails first, for every chart at once")
        #expect(error?.problems.map(\.subject) == ["gone", "old"])

        try BuildFixture.config([("web", "app", "1.2.0")]).write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let second = #expect(throws: BuildError.self) { try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil) }
        #expect(second?.errorCode == "unvendoredDependencies")
        #expect(second?.message.contains("redis") == true)
    }
}

/// A classic repository's chart goes through the same parts: the index and a HEAD while
/// resolving, the archive once (by the plan, into the cache the build then reuses).
struct RepositoryChartBuildTests {
    @Test func resolvesFromTheIndexAndFetchesOnce() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        server.answer("/stable/index.yaml", body: Data(ChartFixture.repositoryIndex([("1.2.0", chart.chartDigest.hex)]).utf8))
        server.answer("/stable/charts/app-1.2.0.tgz", body: chart.archive)
        let config = """
            repositories:
              - name: stable
                url: https://charts.test/stable
            extensions:
              helm:
                charts:
                  - name: web
                    chartname: stable/app
                    namespace: apps
            """
        let folder = try scratchFolder(["k0s.yaml": config])

        let planned = Planner(config: try K0sConfig.load(path: folder + "/k0s.yaml"), transport: ScriptedTransport(server: server),
                              cache: BlobCache(root: folder + "/cache")) { _ in }
        let row = planned.plan(try K0sConfig.load(path: folder + "/k0s.yaml").charts[0])
        #expect(row.resolved == "1.2.0" && row.chartSize == Int64(chart.archive.count), "\(row.problems)")
        #expect(server.count("/stable/charts/app-1.2.0.tgz") == 1, "plan checks the archive as a build does, fetched into the build's cache")

        let result = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        #expect(result.manifest.charts.first?.chartDigest == chart.chartDigest.description)
        #expect(result.manifest.charts.first?.manifestDigest == nil)
        #expect(server.count("/stable/charts/app-1.2.0.tgz") == 1, "the build reuses what the plan fetched")
        #expect(server.count("HEAD /stable/charts/app-1.2.0.tgz") == 2)
        #expect(try BuildFixture.entries(folder + "/out.tar.gz").contains { $0.0 == "charts/app-1.2.0.tgz" && $0.1 == chart.archive })
        let offline = String(decoding: try #require(try BuildFixture.entries(folder + "/out.tar.gz").last?.1), as: UTF8.self)
        #expect(offline.contains("/var/lib/k0s/charts/app-1.2.0.tgz") && !offline.contains("charts.test"), "\(offline)")
    }
}

/// A build from a classic repository whose server refuses HEAD.
struct RefusedHeadTests {
    @Test func aServerThatRefusesHEADStillBuilds() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        server.answer("/stable/index.yaml", body: Data(ChartFixture.repositoryIndex([("1.2.0", chart.chartDigest.hex)]).utf8))
        server.answer("/stable/charts/app-1.2.0.tgz", body: chart.archive)
        server.answer("HEAD /stable/charts/app-1.2.0.tgz", ScriptedServer.Response(status: 403))
        let config = "repositories:\n  - name: stable\n    url: https://charts.test/stable\nextensions:\n  helm:\n    charts:\n      - name: web\n        chartname: stable/app\n        namespace: apps\n"
        let folder = try scratchFolder(["k0s.yaml": config])
        let planner = Planner(config: try K0sConfig.load(path: folder + "/k0s.yaml"), transport: ScriptedTransport(server: server),
                              cache: BlobCache(root: folder + "/cache")) { _ in }
        let row = planner.plan(try K0sConfig.load(path: folder + "/k0s.yaml").charts[0])
        #expect(row.resolved == "1.2.0" && row.chartSize == Int64(chart.archive.count) && row.problems.isEmpty, "\(row.problems)")
        #expect(server.count("/stable/charts/app-1.2.0.tgz") == 1, "plan fetches the unsized archive to check it, into the build's cache")
        let result = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: nil)
        #expect(result.manifest.files.first { $0.path == "charts/app-1.2.0.tgz" }?.size == Int64(chart.archive.count))
        #expect(server.count("/stable/charts/app-1.2.0.tgz") == 1, "fetched once, by the plan; the build reuses it")
    }
}

/// Large blobs go first.
struct FetchOrderTests {
    @Test func largeBlobsAreFetchedFirst() {
        let mib: Int64 = 1 << 20
        #expect(Fetcher.order([1, 64 * mib, 5, 100 * mib, 2, 32 * mib]) == [3, 1, 5, 0, 2, 4])
        #expect(Fetcher.order([3, 2, 1]) == [0, 1, 2], "small blobs keep the archive's order")
        #expect(Fetcher.order([]) == [])
    }
}

extension BuilderTests {
    /// A Chart.yaml name with a character the installer refuses in an entry name (a space)
    /// gets a safe entry name from the one rule both sides use, so the signed bundle installs.
    @Test func aChartNameWithASpaceGetsAnEntryNameTheInstallerAccepts() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "my chart", version: "1.0.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.0.0")])])
        let result = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: SigningKey.generate(.ed25519))
        #expect(result.manifest.charts.map(\.path) == ["charts/my_chart-1.0.0.tgz"])
        try EntryRules.check(result.manifest, source: folder + "/out.tar.gz")
        #expect(try BuildFixture.entries(folder + "/out.tar.gz").map(\.0).contains("charts/my_chart-1.0.0.tgz"))
    }
}

extension BuilderTests {
    /// Resolve warnings travel as typed warnings (the display prints them as warnings and
    /// --json keeps them), not as progress lines; steps and notes are told apart.
    @Test func aResolveWarningIsAWarningEvent() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "other-name", version: "1.0.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.0.0")])])
        let events = Mutex<[BuildEvent]>([])
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { event in events.withLock { $0.append(event) } }.build(signingKey: nil)
        let seen = events.withLock { $0 }
        #expect(seen.contains { if case .warning(let text) = $0 { text.contains("the chart inside is named \"other-name\"") } else { false } }, "\(seen)")
        #expect(seen.contains { if case .step(let text) = $0 { text.hasPrefix("[1/1] web:") } else { false } }, "\(seen)")
        #expect(!seen.contains { if case .step(let text) = $0 { text.contains("named") } else { false } }, "\(seen)")
    }
}
