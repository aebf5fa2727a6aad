import Content
import Foundation
import HTTP

extension RegistryClient {
    // MARK: Manifests

    /// A manifest or index as fetched, with the digest of its exact bytes.
    public struct FetchedManifest: Sendable {
        public enum Content: Sendable {
            case manifest(Manifest)
            case index(Index)
        }
        public var digest: Digest
        public var mediaType: String
        public var size: Int64
        public var content: Content
        /// The bytes as served, which the digest names.
        public var body: Data

        public var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: size) }
    }

    /// Fetches the manifest for a tag or digest, checking its digest (against the reference
    /// when it is one, and against `Docker-Content-Digest` when the registry sends it).
    public func manifest(repository: String, reference: String) throws(RegistryError) -> FetchedManifest {
        let shown = Self.display(repository: repository, reference: reference)
        let url = try endpoint("/v2/\(repository)/manifests/\(reference)")
        let response = try get(url, repository: repository, accept: MediaType.manifestAccept, body: .memory(limit: limits.manifestBytes))
        guard response.status == 200 else {
            throw failure(response, what: "manifest \(shown)", repository: repository)
        }
        let digest = Digest(sha256Hex: response.sha256Hex)
        if let expected = Digest(reference), expected != digest {
            throw RegistryError(
                .digestMismatch, registry: registry,
                reason: "manifest \(repository)@\(expected) arrived with digest \(digest)",
                hint: "The registry or something in between altered it; do not use this registry until it is explained.")
        }
        if let header = response.header("Docker-Content-Digest"), let claimed = Digest(header), claimed.algorithm == "sha256", claimed != digest {
            throw RegistryError(
                .digestMismatch, registry: registry,
                reason: "manifest \(shown) has digest \(digest) but the registry says \(claimed)",
                hint: "The registry or something in between altered it; do not use this registry until it is explained.")
        }
        struct Probe: Decodable { var schemaVersion: Int?; var mediaType: String?; var manifests: [Descriptor]?; var config: Descriptor? }
        let decoder = JSONDecoder()
        guard let probe = try? decoder.decode(Probe.self, from: response.body) else {
            throw RegistryError(
                .badResponse, registry: registry, reason: "manifest \(shown) is not valid JSON",
                hint: "Is \(registry) an OCI registry? Check the host and port.")
        }
        let mediaType = probe.mediaType ?? response.header("Content-Type") ?? MediaType.imageManifest
        if probe.schemaVersion == 1 || mediaType.hasPrefix("application/vnd.docker.distribution.manifest.v1") {
            throw RegistryError(
                .unsupported, registry: registry, reason: "manifest \(shown) is a Docker schema 1 manifest, which is deprecated and cannot be verified by digest",
                hint: "Push the image again with a current client (docker, skopeo, crane), which writes schema 2 or OCI.")
        }
        do {
            if probe.manifests != nil || mediaType == MediaType.imageIndex || mediaType == MediaType.dockerManifestList {
                let index = try decoder.decode(Index.self, from: response.body)
                return FetchedManifest(digest: digest, mediaType: mediaType, size: response.bodySize, content: .index(index), body: response.body)
            }
            let manifest = try decoder.decode(Manifest.self, from: response.body)
            return FetchedManifest(digest: digest, mediaType: mediaType, size: response.bodySize, content: .manifest(manifest), body: response.body)
        } catch {
            throw RegistryError(
                .badResponse, registry: registry,
                reason: "manifest \(shown) (\(mediaType)) cannot be read: \(error)",
                hint: "The artifact is malformed; push it again.")
        }
    }
}
