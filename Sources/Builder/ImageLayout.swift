import BundleFormat
import Content
import Foundation
import OCI

/// The bundle's images as one OCI image layout under `images/` (a pure part of the layout):
/// `oci-layout`, `index.json` naming every image by its full reference with its root
/// descriptor exactly as served, and `blobs/sha256/<hex>`, each blob once however many
/// images share it.
struct ImageLayout {
    struct Bundled {
        var job: ImageJob
        var resolved: ResolvedImage
    }

    /// Sorted by reference, so the same images give the same bytes.
    let images: [Bundled]

    init(_ outcomes: [ImageOutcome]) {
        images = outcomes.compactMap { o in o.resolved.map { Bundled(job: o.job, resolved: $0) } }
            .sorted { $0.job.reference.description < $1.job.reference.description }
    }

    static let folder = BundleManifest.imagesFolder
    static let layoutPath = "\(folder)/oci-layout"
    static let indexPath = "\(folder)/index.json"
    static func blobPath(_ digest: Content.Digest) -> String { "\(folder)/blobs/\(digest.algorithm)/\(digest.hex)" }

    var isEmpty: Bool { images.isEmpty }

    /// `{"imageLayoutVersion": "1.0.0"}`, as the image-layout spec writes it.
    static let layoutData = Data("{\"imageLayoutVersion\":\"1.0.0\"}".utf8)

    /// index.json: one entry per name of each image (tag form, digest form where pinned),
    /// annotated with the names containerd (`io.containerd.image.name`) and the OCI spec
    /// (`org.opencontainers.image.ref.name`) read.
    func indexData() throws -> Data {
        var entries: [Descriptor] = []
        for image in images {
            for name in image.job.reference.names {
                var root = Descriptor(mediaType: image.resolved.root.mediaType, digest: image.resolved.root.digest, size: image.resolved.root.size)
                root.annotations = ["io.containerd.image.name": name, "org.opencontainers.image.ref.name": name]
                entries.append(root)
            }
        }
        let index = Index(schemaVersion: 2, mediaType: MediaType.imageIndex, manifests: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(index)
    }

    /// Every blob entry with the first image that holds it (whose registry serves it).
    func blobEntries() -> [(path: String, descriptor: Descriptor, job: ImageJob)] {
        var seen: Set<Content.Digest> = []
        var entries: [(path: String, descriptor: Descriptor, job: ImageJob)] = []
        for image in images {
            for blob in image.resolved.allBlobs where seen.insert(blob.digest).inserted {
                entries.append((path: Self.blobPath(blob.digest), descriptor: blob, job: image.job))
            }
        }
        return entries
    }

    /// What bundle.json says of each image.
    var manifestImages: [BundleManifest.Image] {
        images.map { image in
            BundleManifest.Image(
                reference: image.job.reference.description, names: image.job.reference.names, digest: image.resolved.root.digest.description,
                mediaType: image.resolved.root.mediaType, size: image.resolved.totalSize, platforms: image.resolved.selected,
                releases: image.job.releases.sorted(), sources: image.job.sources)
        }
    }
}
