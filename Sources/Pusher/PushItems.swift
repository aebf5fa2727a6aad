import FileSystem
import BundleFormat
import Content
import Foundation
import OCI

/// The artifacts of a verified bundle as push items: every blob a file in the staging folder.
struct PushItems {
    private(set) var items: [PushItem] = []
    let staged: [String: String]
    let staging: String

    init(manifest: BundleManifest, staged: [String: String], target: MirrorTarget, staging: String) throws {
        self.staged = staged
        self.staging = staging
        for chart in manifest.charts { items.append(try self.chart(chart, manifest: manifest, target: target)) }
        for image in manifest.images ?? [] { items.append(try self.image(image, target: target)) }
    }

    func file(_ path: String) throws(PushError) -> String {
        guard let file = staged[path] else {
            throw PushError(.incompleteBundle, path, reason: "is not in the bundle", hint: "Build the bundle again with this version of bundle.")
        }
        return file
    }

    func blobFile(_ folder: String, _ digest: Content.Digest) -> String? { staged["\(folder)/blobs/\(digest.algorithm)/\(digest.hex)"] }

    func read(_ file: String) throws(PushError) -> Data {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PushError(.incompleteBundle, file, reason: "cannot be read back from the staging folder", hint: "Check TMPDIR's disk.")
        }
        return data
    }

    /// A chart as `helm push` lays it out: its manifest and config as the registry served them
    /// (from `oci/`), or, for a chart from a classic repository, a manifest made here.
    func chart(_ chart: BundleManifest.Chart, manifest: BundleManifest, target: MirrorTarget) throws -> PushItem {
        let repository = target.chartRepository(reference: chart.reference, name: chart.name)
        let tag = VersionSelection.tag(fromVersion: chart.version)
        let layerFile = try file(chart.path)
        guard let chartDigest = Digest(chart.chartDigest) else {
            throw PushError(.incompleteBundle, chart.path, reason: "has no usable chart digest", hint: "Build the bundle again.")
        }
        var layers = [(descriptor: Descriptor(mediaType: MediaType.helmChartContent, digest: chartDigest, size: fileSize(layerFile)), file: layerFile)]
        if let prov = chart.provenance {
            let provFile = try file(prov)
            layers.append((Descriptor(mediaType: MediaType.helmProvenance, digest: Digest.sha256(of: try read(provFile)), size: fileSize(provFile)), provFile))
        }
        let source = "\(chart.reference) \(chart.version)"
        if let manifestDigest = chart.manifestDigest.flatMap(Digest.init), let manifestFile = blobFile(BundleManifest.ociFolder, manifestDigest) {
            let data = try read(manifestFile)
            let parsed = try JSONDecoder().decode(Manifest.self, from: data)
            guard let configFile = blobFile(BundleManifest.ociFolder, parsed.config.digest) else {
                throw PushError(.incompleteBundle, chart.path, reason: "its OCI config \(parsed.config.digest) is not in the bundle", hint: "Build the bundle again.")
            }
            var blobs = [(descriptor: parsed.config, file: configFile)]
            for layer in parsed.layers {
                guard let match = layers.first(where: { $0.descriptor.digest == layer.digest }) else {
                    throw PushError(.incompleteBundle, chart.path, reason: "its manifest names layer \(layer.digest), which is not in the bundle", hint: "Build the bundle again.")
                }
                blobs.append((layer, match.file))
            }
            let root = Descriptor(mediaType: parsed.mediaType ?? MediaType.imageManifest, digest: manifestDigest, size: Int64(data.count))
            return PushItem(kind: .chart, source: source, repository: repository, blobs: blobs, manifests: [(root, data)], tags: [tag], root: root)
        }
        // From a classic repository: the config is the chart's name and version, as Helm writes it.
        let config = try JSONSerialization.data(withJSONObject: ["apiVersion": "v2", "name": chart.name, "version": chart.version], options: [.sortedKeys])
        let configFile = "\(staging)/config-\(chart.name)-\(chart.version)"
        do {
            try DurableFile.write(config, to: configFile, flush: false)
        } catch {
            throw PushError(.incompleteBundle, configFile, reason: "cannot be written to the staging folder: \(error.reason)", hint: "Check TMPDIR's disk.")
        }
        let configDescriptor = Descriptor(mediaType: MediaType.helmConfig, digest: Digest.sha256(of: config), size: Int64(config.count))
        let body: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaType.imageManifest,
            "config": ["mediaType": configDescriptor.mediaType, "digest": configDescriptor.digest.description, "size": configDescriptor.size],
            "layers": layers.map { ["mediaType": $0.descriptor.mediaType, "digest": $0.descriptor.digest.description, "size": $0.descriptor.size] },
            "annotations": ["org.opencontainers.image.title": chart.name, "org.opencontainers.image.version": chart.version],
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        let root = Descriptor(mediaType: MediaType.imageManifest, digest: Digest.sha256(of: data), size: Int64(data.count))
        return PushItem(kind: .chart, source: source, repository: repository, blobs: [(configDescriptor, configFile)] + layers,
                        manifests: [(root, data)], tags: [tag], root: root)
    }

    /// An image with its served root; an index takes along only the children in the bundle.
    func image(_ image: BundleManifest.Image, target: MirrorTarget) throws -> PushItem {
        guard let (repository, _, tag) = target.imageRepository(reference: image.reference), let rootDigest = Digest(image.digest),
              let rootFile = blobFile(BundleManifest.imagesFolder, rootDigest) else {
            throw PushError(.incompleteBundle, image.reference, reason: "is listed without its manifest in images/", hint: "Build the bundle again.")
        }
        let rootData = try read(rootFile)
        let root = Descriptor(mediaType: image.mediaType, digest: rootDigest, size: Int64(rootData.count))
        var manifests: [(descriptor: Descriptor, data: Data)] = []
        var blobs: [(descriptor: Descriptor, file: String)] = []
        var single: [(Descriptor, Data)] = [(root, rootData)]
        if let index = try? JSONDecoder().decode(Index.self, from: rootData), rootData.range(of: Data("\"manifests\"".utf8)) != nil {
            single = []
            for child in index.manifests {
                guard let file = blobFile(BundleManifest.imagesFolder, child.digest) else { continue }
                let data = try read(file)
                single.append((child, data))  // the entry as the index has it, platform included
            }
        }
        for (descriptor, data) in single {
            let parsed = try JSONDecoder().decode(Manifest.self, from: data)
            for blob in [parsed.config] + parsed.layers where !blobs.contains(where: { $0.descriptor.digest == blob.digest }) {
                guard let file = blobFile(BundleManifest.imagesFolder, blob.digest) else {
                    throw PushError(.incompleteBundle, image.reference, reason: "blob \(blob.digest) is not in images/", hint: "Build the bundle again.")
                }
                blobs.append((blob, file))
            }
            if descriptor.digest != root.digest { manifests.append((descriptor, data)) }
        }
        manifests.append((root, rootData))
        return PushItem(kind: .image, source: image.reference, repository: repository, blobs: blobs, manifests: manifests, tags: tag.map { [$0] } ?? [], root: root)
    }

    func fileSize(_ path: String) -> Int64 {
        FileStatus.size(path) ?? 0
    }
}
