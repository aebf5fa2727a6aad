import Content
import Foundation

/// Resolves container images in one registry: the root manifest or index as served, the
/// manifests of the chosen platforms and their configs (kept in `store`, so that the bundle
/// can hold their exact bytes), and the list of layer blobs to fetch. Every manifest is
/// digest-checked by the client; sizes, fan-out and media types are checked here.
public final class ImagePuller {
    public struct Limits: Sendable {
        public var indexEntries = 256
        public var layers = 512
        public var configBytes: Int64 = 8 << 20
        public var blobBytes: Int64 = 1 << 53
        public init() {}
    }

    public let client: RegistryClient
    let store: (any SmallBlobStore)?
    let limits: Limits

    public init(client: RegistryClient, store: (any SmallBlobStore)? = nil, limits: Limits = Limits()) {
        self.client = client
        self.store = store
        self.limits = limits
    }

    static let attestationKey = "vnd.docker.reference.type"
    static let imageManifestTypes: Set<String> = [MediaType.imageManifest, MediaType.dockerManifest]
    static let imageConfigTypes: Set<String> = [MediaType.imageConfig, MediaType.dockerContainerConfig]

    /// `lookup`: a tag or `sha256:` digest; `shown`: the reference for messages.
    public func resolve(repository: String, lookup: String, shown: String, platforms: PlatformChoice) throws(RegistryError) -> ResolvedImage {
        let root = try client.manifest(repository: repository, reference: lookup)
        store?.keep(root.body, for: root.descriptor)
        switch root.content {
        case .manifest(let manifest):
            try checkManifestType(root.mediaType, shown: shown)
            let (blobs, platform) = try imageBlobs(manifest, repository: repository, shown: shown)
            let available = platform.map { [$0.description] } ?? []
            // Every platform asked for must be served: a node of a missing one would have no image.
            if let platform, !platforms.all, let missing = platforms.platforms.first(where: { !$0.accepts(platform) }) {
                throw RegistryError(.unsupported, registry: client.registry,
                                    reason: "image \(shown) is for \(platform) only, not \(missing)",
                                    hint: "Use an image built for \(platforms), or build only for --platform \(platform) if the nodes are \(platform).")
            }
            return ResolvedImage(root: root.descriptor, available: available, selected: available, manifests: [], blobs: blobs)
        case .index(let index):
            return try resolveIndex(index, root: root, repository: repository, shown: shown, platforms: platforms)
        }
    }

    func resolveIndex(_ index: Index, root: RegistryClient.FetchedManifest, repository: String, shown: String,
                      platforms: PlatformChoice) throws(RegistryError) -> ResolvedImage {
        guard index.manifests.count <= limits.indexEntries else {
            throw RegistryError(.tooLarge, registry: client.registry, reason: "index \(shown) lists \(index.manifests.count) manifests, more than the \(limits.indexEntries) allowed",
                                hint: "This is not an ordinary multi-platform image; check the reference.")
        }
        // Attestations (`vnd.docker.reference.type`, platform unknown/unknown) are left out.
        let entries = index.manifests.filter { $0.annotations?[Self.attestationKey] == nil }
        let available = entries.compactMap { $0.platform?.description }
        let chosen = entries.filter { entry in entry.platform.map(platforms.takes) ?? false }
        let missing = platforms.all ? [] : platforms.platforms.filter { wanted in !entries.contains { $0.platform.map(wanted.accepts) ?? false } }
        guard !chosen.isEmpty, missing.isEmpty else {
            throw RegistryError(.unsupported, registry: client.registry,
                                reason: "image \(shown) has no manifest for \(missing.isEmpty ? platforms.description : missing.map(\.description).joined(separator: ", ")); it has \(available.isEmpty ? "no platforms listed" : available.joined(separator: ", "))",
                                hint: "Pass --platform with one of those (repeatable, or all), or use an image built for \(platforms).")
        }
        var manifests: [Descriptor] = []
        var blobs: [Descriptor] = []
        for entry in chosen {
            try checkSize(entry, shown: shown)
            let child = try client.manifest(repository: repository, reference: entry.digest.description)
            guard child.digest == entry.digest, child.size == entry.size else {
                throw RegistryError(.digestMismatch, registry: client.registry, reason: "index \(shown) names \(entry.digest) (\(entry.size) bytes) but the registry served \(child.digest) (\(child.size) bytes)",
                                    hint: "The registry or something in between altered it; do not use this registry until it is explained.")
            }
            guard case .manifest(let manifest) = child.content else {
                throw RegistryError(.unsupported, registry: client.registry, reason: "index \(shown) nests another index (\(entry.digest)), which this tool does not bundle",
                                    hint: "Reference the inner index's image directly.")
            }
            try checkManifestType(child.mediaType, shown: "\(shown) (\(entry.platform?.description ?? "?"))")
            store?.keep(child.body, for: entry)
            manifests.append(Descriptor(mediaType: child.mediaType, digest: child.digest, size: child.size))
            for blob in try imageBlobs(manifest, repository: repository, shown: shown).0 where !blobs.contains(where: { $0.digest == blob.digest }) { blobs.append(blob) }
        }
        return ResolvedImage(root: root.descriptor, available: available, selected: chosen.compactMap { $0.platform?.description },
                             manifests: manifests, blobs: blobs)
    }

    func checkManifestType(_ mediaType: String, shown: String) throws(RegistryError) {
        guard Self.imageManifestTypes.contains(mediaType) else {
            throw RegistryError(.unsupported, registry: client.registry, reason: "\(shown) is a \(mediaType), not a container image manifest",
                                hint: "Check the reference: images are OCI or Docker schema 2 manifests or indexes.")
        }
    }

    func checkSize(_ descriptor: Descriptor, shown: String) throws(RegistryError) {
        guard descriptor.size >= 0, descriptor.size <= limits.blobBytes else {
            throw RegistryError(.tooLarge, registry: client.registry, reason: "\(shown) declares blob \(descriptor.digest) with an impossible size \(descriptor.size)",
                                hint: "Do not use this image; the registry serves a damaged or hostile manifest.")
        }
    }

    /// The config (fetched, kept, checked to be an image config) and layers of a manifest, and
    /// the platform its config names.
    func imageBlobs(_ manifest: Manifest, repository: String, shown: String) throws(RegistryError) -> ([Descriptor], Platform?) {
        let config = manifest.config
        if config.mediaType == MediaType.helmConfig {
            throw RegistryError(.unsupported, registry: client.registry, reason: "\(shown) is a Helm chart, not a container image",
                                hint: "List charts under spec.extensions.helm.charts, not as images.")
        }
        guard Self.imageConfigTypes.contains(config.mediaType) else {
            throw RegistryError(.unsupported, registry: client.registry, reason: "\(shown) is an artifact with config type \(config.mediaType), not a container image",
                                hint: "Check the reference.")
        }
        guard manifest.layers.count <= limits.layers else {
            throw RegistryError(.tooLarge, registry: client.registry, reason: "\(shown) lists \(manifest.layers.count) layers, more than the \(limits.layers) allowed", hint: "Check the reference.")
        }
        try checkSize(config, shown: shown)
        for layer in manifest.layers { try checkSize(layer, shown: shown) }
        var configData = store?.data(for: config)
        if configData == nil {
            configData = try client.fetchBlob(repository: repository, descriptor: config, limit: limits.configBytes)
            if let configData { store?.keep(configData, for: config) }
        }
        struct ConfigProbe: Decodable { var os: String?; var architecture: String?; var variant: String? }
        let probe = configData.flatMap { try? JSONDecoder().decode(ConfigProbe.self, from: $0) }
        let platform = probe.flatMap { p in p.os.flatMap { os in p.architecture.map { Platform(os: os, architecture: $0, variant: p.variant) } } }
        var blobs = [config]
        for layer in manifest.layers where !blobs.contains(where: { $0.digest == layer.digest }) { blobs.append(layer) }
        return (blobs, platform)
    }
}
