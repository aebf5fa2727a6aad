@testable import Builder
import BundleFormat
import Content
import Foundation
import K0sConfig
import OCI
import Testing

/// Layout is a pure function: the same resolved charts give the same entries and manifest.
struct BundleLayoutTests {
    static func outcomes(_ charts: [(release: String, name: String, version: String, bytes: String)]) throws -> [Builder.PullOutcome] {
        var text = "extensions:\n  helm:\n    charts:\n"
        for chart in charts {
            text += "      - name: \(chart.release)\n        chartname: oci://r.test/charts/\(chart.name)\n        namespace: apps\n"
        }
        let config = try K0sConfig.parse(text: text, file: "k0s.yaml", directory: "/tmp")
        return zip(config.charts, charts).map { entry, chart in
            let digest = Content.Digest.sha256(of: Data(chart.bytes.utf8))
            let artifact = ChartArtifact(reference: entry.chartname, origin: entry.chartname, name: chart.name, version: chart.version,
                                         chart: Descriptor(mediaType: MediaType.helmChartContent, digest: digest, size: Int64(chart.bytes.utf8.count)))
            return Builder.PullOutcome(job: .init(chart: entry, source: .repository(url: "https://r.test", chart: chart.name)), resolved: artifact)
        }
    }

    static let metadata = BundleLayout.Metadata(name: "k0s", sequence: 7, created: "1970-01-01T00:00:00Z", dataDir: "/var/lib/k0s",
                                                configSource: "k0s.yaml", configFormat: "shortForm", signer: nil)

    @Test func oneEntryPerDistinctChartAndNoSharedPaths() throws {
        let outcomes = try Self.outcomes([
            ("web", "app", "1.0.0", "first app"), ("api", "app", "1.0.0", "first app"),
            ("fork", "app", "1.0.0", "another app of the same name and version"), ("db", "db", "2.0.0", "db"),
        ])
        let layout = BundleLayout(outcomes)
        #expect(layout.charts.count == 3)
        #expect(layout.charts.first?.releases == ["web", "api"])
        let paths = layout.charts.map(\.path)
        #expect(Set(paths).count == 3)
        #expect(paths.contains("charts/app-1.0.0.tgz") && paths.contains("charts/db-2.0.0.tgz"))
        let suffixed = try #require(paths.first { $0.hasPrefix("charts/app-1.0.0-") })
        #expect(suffixed.hasSuffix(".tgz") && suffixed.count == "charts/app-1.0.0-".count + 12 + 4)
    }

    @Test func theSameInputsGiveTheSameManifest() throws {
        let outcomes = try Self.outcomes([("web", "app", "1.0.0", "a"), ("db", "db", "2.0.0", "b")])
        let memory = ["k0s.yaml": Data("config".utf8), "certs/corp.crt": Data("pem".utf8)]
        let certificate = BundleManifest.Certificate(path: "certs/corp.crt", repository: "corp", subjects: ["CN=corp"], notAfter: "2030-01-01T00:00:00Z")
        let first = BundleLayout(outcomes).manifest(Self.metadata, certificates: [certificate], memoryEntries: memory)
        let second = BundleLayout(outcomes).manifest(Self.metadata, certificates: [certificate], memoryEntries: memory)
        #expect(try first.manifest.encoded() == second.manifest.encoded())
        #expect(first.manifest.files.map(\.path) == ["certs/corp.crt", "charts/app-1.0.0.tgz", "charts/db-2.0.0.tgz", "k0s.yaml"])
        #expect(first.manifest.files.first { $0.path == "k0s.yaml" }?.sha256 == Content.Digest.sha256(of: Data("config".utf8)).hex)
        #expect(first.blobs.keys.sorted() == ["charts/app-1.0.0.tgz", "charts/db-2.0.0.tgz"])
        #expect(first.manifest.sequence == 7)
    }

    @Test func placementFollowsTheNodeLayout() throws {
        let outcomes = try Self.outcomes([("web", "app", "1.0.0", "a")])
        let placement = BundleLayout(outcomes).placement(on: NodeLayout(dataDir: "/opt/k0s/"), caFiles: ["corp": "/opt/k0s/bundle/certs/corp.crt"], outcomes: outcomes)
        #expect(placement.chartPaths == ["web": "/opt/k0s/charts/app-1.0.0.tgz"])
        #expect(placement.versions == ["web": "1.0.0"])
        #expect(placement.caFiles == ["corp": "/opt/k0s/bundle/certs/corp.crt"])
    }

    @Test func nodeLayoutMapsEntriesAndNothingElse() {
        let node = NodeLayout(dataDir: "/var/lib/k0s")
        #expect(node.nodePath(forEntry: "charts/app-1.0.0.tgz") == "/var/lib/k0s/charts/app-1.0.0.tgz")
        #expect(node.nodePath(forEntry: "certs/corp.crt") == "/var/lib/k0s/bundle/certs/corp.crt")
        #expect(node.nodePath(forEntry: "k0s.yaml") == nil)
        #expect(node.nodePath(forEntry: "charts/a/b.tgz") == nil)
        #expect(node.nodePath(forEntry: "other/x") == nil)
        #expect(node.images == "/var/lib/k0s/images")
        #expect(node.state == "/var/lib/k0s/bundle")
    }
}
