import ChartRepository
import Content
import Foundation
import HTTP
import OCI
import Testing
import TestSupport

/// The classic-repository client over a scripted transport: the index, Helm's version rules,
/// digest checks, and the index cache's revalidation.
struct ChartRepositoryClientTests {
    static func client(_ server: ScriptedServer, cache: String) throws -> ChartRepositoryClient {
        try ChartRepositoryClient(url: "https://charts.test/stable", tls: TLSSettings(source: "test"), credentials: nil,
                                  transport: ScriptedTransport(server: server), cacheDir: cache)
    }

    @Test func resolvesAsHelmAndDownloadsVerified() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        server.answer("/stable/index.yaml", body: Data(ChartFixture.repositoryIndex([("1.1.0", String(repeating: "1", count: 64)), ("1.2.0", chart.chartDigest.hex), ("2.0.0-rc.1", String(repeating: "2", count: 64))]).utf8))
        server.answer("/stable/charts/app-1.2.0.tgz", body: chart.archive)
        let folder = try scratchFolder()
        let client = try Self.client(server, cache: folder + "/cache")

        let found = try client.resolve(chart: "app", version: nil)
        #expect(found.entry.version == "1.2.0", "the highest stable version")
        #expect(found.digest == chart.chartDigest)
        #expect(found.url.absoluteString == "https://charts.test/stable/charts/app-1.2.0.tgz")
        #expect(try client.resolve(chart: "app", version: "~1.1").entry.version == "1.1.0")
        #expect(try client.resolve(chart: "app", version: ">=2.0.0-0").entry.version == "2.0.0-rc.1")

        let (path, size) = try client.download(found, into: folder)
        #expect(path == folder + "/app-1.2.0.tgz" && size == Int64(chart.archive.count))
        #expect(FileManager.default.contents(atPath: path) == chart.archive)
        #expect(server.count("/stable/index.yaml") == 1, "one client fetches the index once")
    }

    @Test func aTamperedArchiveLeavesNothing() throws {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        server.answer("/stable/index.yaml", body: Data(ChartFixture.repositoryIndex([("1.2.0", chart.chartDigest.hex)]).utf8))
        server.answer("/stable/charts/app-1.2.0.tgz", body: chart.archive + Data([0]))
        let folder = try scratchFolder()
        let client = try Self.client(server, cache: folder + "/cache")
        let found = try client.resolve(chart: "app", version: "1.2.0")
        let error = #expect(throws: RegistryError.self) { try client.download(found, into: folder) }
        #expect(error?.code == .digestMismatch)
        #expect(error?.registry == "charts.test")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0 != "cache" }.isEmpty)
    }

    @Test func missingChartsAndVersionsSayWhatExists() throws {
        let server = ScriptedServer()
        server.answer("/stable/index.yaml", body: Data(ChartFixture.repositoryIndex([("1.1.0", String(repeating: "a", count: 64))]).utf8))
        let client = try Self.client(server, cache: try scratchFolder())
        let missing = #expect(throws: RegistryError.self) { try client.resolve(chart: "nope", version: nil) }
        #expect(missing?.code == .repositoryNotFound)
        let version = #expect(throws: RegistryError.self) { try client.resolve(chart: "app", version: "3.0.0") }
        #expect(version?.code == .versionNotFound)
        #expect(version?.hint.contains("1.1.0") == true)
    }

    @Test func anIndexWithoutDigestsIsRefused() throws {
        let server = ScriptedServer()
        server.answer("/stable/index.yaml", body: Data("apiVersion: v1\nentries:\n  app:\n  - name: app\n    version: 1.0.0\n    urls: [app-1.0.0.tgz]\n".utf8))
        let client = try Self.client(server, cache: try scratchFolder())
        let error = #expect(throws: RegistryError.self) { try client.resolve(chart: "app", version: nil) }
        #expect(error?.code == .unsupported)
    }
}
