import Content
/// The OCI media types this tool reads, and Helm's (https://helm.sh/docs/topics/registries/).
public enum MediaType {
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let imageConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerContainerConfig = "application/vnd.docker.container.image.v1+json"

    public static let helmConfig = "application/vnd.cncf.helm.config.v1+json"
    public static let helmChartContent = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    public static let helmProvenance = "application/vnd.cncf.helm.chart.provenance.v1.prov"
    /// What Helm 3.0-3.6 era tools pushed before the media type was registered.
    public static let legacyChartContent = "application/tar+gzip"

    /// The `Accept` header for manifest requests. The distribution registry answers
    /// 404 MANIFEST_UNKNOWN to an OCI manifest unless it is listed here.
    public static let manifestAccept = [imageManifest, imageIndex, dockerManifest, dockerManifestList].joined(separator: ", ")
}

/// An image manifest (OCI image spec, manifest.md); Helm charts are stored as one.
public struct Manifest: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]?
}

/// An image index (OCI image spec, image-index.md): a list of manifests, usually per platform.
public struct Index: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [Descriptor]

    public init(schemaVersion: Int, mediaType: String?, manifests: [Descriptor]) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.manifests = manifests
    }
}

/// The fields of Helm's config blob (the chart's Chart.yaml as JSON) that we check.
public struct HelmChartConfig: Codable, Hashable, Sendable {
    public var name: String
    public var version: String
    public var apiVersion: String?
    public var appVersion: String?
    public var dependencies: [Dependency]?

    public struct Dependency: Codable, Hashable, Sendable {
        public var name: String
        public var version: String?
        public var repository: String?
    }
}
