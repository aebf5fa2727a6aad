import BundleFormat
import Content
import Foundation
import K0sConfig
import OCI

/// Layout, a pure part of the build: resolved charts → one archive entry per distinct chart
/// (different charts never share a path), the config's node paths, and the `BundleManifest`
/// listing every entry with its size and digest. No I/O: the same inputs give the same layout.
struct BundleLayout {
    /// A chart chosen for the bundle, with the releases that use it.
    struct Bundled {
        var resolved: ChartArtifact
        var job: Builder.PullJob
        var releases: [String]
        var path: String
    }

    /// A blob entry of the archive: its descriptor and the chart or image it belongs to.
    struct BlobEntry {
        enum Owner {
            /// The chart's digest (its archive, or its provenance file).
            case chart(Content.Digest)
            /// The first image that holds it.
            case image(ImageJob)
        }
        var descriptor: Descriptor
        var owner: Owner
        var chart: Content.Digest? {
            if case .chart(let digest) = owner { return digest }
            return nil
        }
        var isChart: Bool { descriptor.digest == chart }
    }

    /// Where the bundle's metadata comes from.
    struct Metadata {
        var name: String
        var sequence: Int64
        var created: String
        var dataDir: String
        var configSource: String
        var configFormat: String
        var signer: BundleManifest.Signer?
    }

    private(set) var bundled: [Content.Digest: Bundled] = [:]
    /// The images, as one OCI layout.
    let images: ImageLayout
    /// Charts in the order their first release appears in the config.
    private(set) var order: [Content.Digest] = []

    /// Dedupes `outcomes` by chart digest and gives each chart its entry path: `charts/NAME-VERSION.tgz`,
    /// or with a digest suffix when two different charts share name and version.
    init(_ outcomes: [Builder.PullOutcome], images: [ImageOutcome] = []) {
        self.images = ImageLayout(images)
        for outcome in outcomes {
            guard let resolved = outcome.resolved else { continue }
            let digest = resolved.chart.digest
            if bundled[digest] == nil {
                bundled[digest] = Bundled(resolved: resolved, job: outcome.job, releases: [], path: "")
                order.append(digest)
            }
            bundled[digest]?.releases.append(outcome.job.chart.name)
        }
        var usedPaths: Set<String> = []
        let byReference = order.sorted { a, b in
            let left = bundled[a]?.resolved.reference ?? "", right = bundled[b]?.resolved.reference ?? ""
            return left != right ? left < right : a < b
        }
        for digest in byReference {
            guard let resolved = bundled[digest]?.resolved else { continue }
            var path = "charts/\(resolved.fileName)"
            if usedPaths.contains(path) {
                path = "charts/" + EntryRules.fileName(from: "\(resolved.name)-\(resolved.version)-\(digest.hex.prefix(12))") + ".tgz"
            }
            usedPaths.insert(path)
            bundled[digest]?.path = path
        }
    }

    var charts: [Bundled] { order.compactMap { bundled[$0] } }

    /// The repository entries bundled charts came from.
    var usedRepositories: Set<String> { Set(charts.compactMap { $0.job.repository?.name }) }

    /// Where the offline config points each release: its chart's path and real version on the node.
    func placement(on node: NodeLayout, caFiles: [String: String], outcomes: [Builder.PullOutcome]) -> OfflinePlacement {
        var placement = OfflinePlacement(caFiles: caFiles)
        for outcome in outcomes {
            guard let resolved = outcome.resolved, let chart = bundled[resolved.chart.digest] else { continue }
            placement.chartPaths[outcome.job.chart.name] = node.chart(String(chart.path.dropFirst("charts/".count)))
            placement.versions[outcome.job.chart.name] = resolved.version
        }
        return placement
    }

    /// Where a chart's OCI manifest or config goes in the bundle (not placed on nodes; `push`
    /// sends them to a mirror so that the chart keeps its digests).
    static func ociPath(_ digest: Content.Digest) -> String { "\(BundleManifest.ociFolder)/blobs/\(digest.algorithm)/\(digest.hex)" }

    /// The entries held in memory for the images: the layout marker and its index.
    func imageMemoryEntries() throws -> [String: Data] {
        guard !images.isEmpty else { return [:] }
        return [ImageLayout.layoutPath: ImageLayout.layoutData, ImageLayout.indexPath: try images.indexData()]
    }

    /// The manifest, and which entries are blobs from the cache; `memoryEntries` are the
    /// entries held in memory (certificates, the config, the image index).
    func manifest(_ metadata: Metadata, certificates: [BundleManifest.Certificate], memoryEntries: [String: Data])
        -> (manifest: BundleManifest, blobs: [String: BlobEntry])
    {
        var files: [BundleManifest.File] = []
        var charts: [BundleManifest.Chart] = []
        var blobs: [String: BlobEntry] = [:]
        for chart in self.charts {
            let r = chart.resolved
            files.append(.init(path: chart.path, size: r.chart.size, sha256: r.chart.digest.hex))
            blobs[chart.path] = BlobEntry(descriptor: r.chart, owner: .chart(r.chart.digest))
            var provenancePath: String?
            if let prov = r.provenance {
                let path = chart.path + ".prov"
                provenancePath = path
                files.append(.init(path: path, size: prov.size, sha256: prov.digest.hex))
                blobs[path] = BlobEntry(descriptor: prov, owner: .chart(r.chart.digest))
            }
            for blob in r.ociBlobs where blobs[Self.ociPath(blob.digest)] == nil {
                files.append(.init(path: Self.ociPath(blob.digest), size: blob.size, sha256: blob.digest.hex))
                blobs[Self.ociPath(blob.digest)] = BlobEntry(descriptor: blob, owner: .chart(r.chart.digest))
            }
            charts.append(.init(path: chart.path, name: r.name, version: r.version, releases: chart.releases.sorted(),
                                reference: r.reference, repository: chart.job.repository?.name,
                                manifestDigest: r.manifestDigest?.description, chartDigest: r.chart.digest.description, provenance: provenancePath))
        }
        for entry in images.blobEntries() {
            files.append(.init(path: entry.path, size: entry.descriptor.size, sha256: entry.descriptor.digest.hex))
            blobs[entry.path] = BlobEntry(descriptor: entry.descriptor, owner: .image(entry.job))
        }
        for (path, data) in memoryEntries {
            files.append(.init(path: path, size: Int64(data.count), sha256: Content.Digest.sha256(of: data).hex))
        }
        files.sort { $0.path < $1.path }
        let manifest = BundleManifest(
            builder: "bundle \(BuilderVersion.current)", name: metadata.name, sequence: metadata.sequence, created: metadata.created,
            dataDir: metadata.dataDir, config: .init(path: "k0s.yaml", source: metadata.configSource, format: metadata.configFormat),
            charts: charts.sorted { $0.path < $1.path }, certificates: certificates.sorted { $0.path < $1.path }, files: files,
            images: images.isEmpty ? nil : images.manifestImages, signer: metadata.signer)
        return (manifest, blobs)
    }
}
