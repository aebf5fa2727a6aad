@testable import Builder
import Foundation
import K0sConfig
import OCI
import Testing
import TestSupport

/// `plan` resolves over the same parts the build uses, and checks each archive as a build
/// does, fetched once into the build's cache.
struct PlannerTests {
    @Test func resolvesAndChecksTheArchiveOnce() throws {
        let server = ScriptedServer()
        let old = try ChartFixture(name: "app", version: "1.1.0")
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        old.serve(on: server, repository: "charts/app", tags: ["1.1.0", "1.2.0", "2.0.0-rc.1"])
        chart.serve(on: server, repository: "charts/app", tags: ["1.1.0", "1.2.0", "2.0.0-rc.1"])
        let folder = try scratchFolder()
        let config = try K0sConfig.parse(text: BuildFixture.config([("web", "app", "^1.0"), ("gone", "app", "3.0.0")]), file: "k0s.yaml", directory: folder)
        let planner = Planner(config: config, transport: ScriptedTransport(server: server), cache: BlobCache(root: folder + "/cache")) { _ in }

        let rows = config.charts.map { planner.plan($0) }
        #expect(rows[0].resolved == "1.2.0")
        #expect(rows[0].chartDigest == chart.chartDigest.description)
        #expect(rows[0].manifestDigest == chart.manifestDigest.description)
        #expect(rows[0].problems.isEmpty)
        #expect(rows[1].problems.map(\.code) == ["versionNotFound"])
        #expect(rows[1].problems.first?.errorClass == "input")
        #expect(rows[1].problems.first?.hint.contains("1.2.0") == true, "the hint names the nearest versions")
        #expect(server.count("/v2/charts/app/blobs/\(chart.chartDigest)") == 1, "plan fetches the chosen archive once, to check it")
        #expect(server.count("/v2/charts/app/blobs/\(old.chartDigest)") == 0, "and no other")
        _ = config.charts.map { planner.plan($0) }
        #expect(server.count("/v2/charts/app/blobs/\(chart.chartDigest)") == 1, "a second plan finds it in the cache")
        #expect(server.count("/v2/charts/app/tags/list?n=1000") >= 1)
    }
}
