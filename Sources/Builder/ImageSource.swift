import Content
import Foundation
import HTTP
import Images
import K0sConfig
import OCI

/// What `build` does about images.
public struct ImageOptions: Sendable {
    /// False with `--no-images`.
    public var enabled = true
    /// `--image` and `--images-file`.
    public var explicit: [FoundImage] = []
    public var platforms = PlatformChoice()
    /// `--strict-images`: an undetermined image line, or a release read from its values because
    /// the engine cannot render it, fails the build.
    public var strict = false
    /// False with `--no-render`: images are read from values and templates without rendering.
    public var render = true
    /// The cluster's Kubernetes version for `.Capabilities` (`1.34.1`); nil: Helm's default.
    public var kubeVersion: String?

    public init() {}
}

/// One image to bundle: its reference, where it was found, and the repository entry whose
/// TLS settings and credentials reach its registry.
struct ImageJob: Sendable {
    var reference: ImageReference
    var sources: [String]
    var releases: [String]
    var repository: RepositoryEntry?
    var credentials: RegistryCredentials.Found?

    var subject: String { reference.description }
    var origin: String { reference.name }
    /// What a build names in messages: the image, the releases and where it was found.
    var context: String {
        let releases = self.releases.isEmpty ? "" : " (release \(self.releases.joined(separator: ", "))"
        return "\(reference)\(releases.isEmpty ? " (" : releases + "; ")found in \(sources.prefix(3).joined(separator: ", "))\(sources.count > 3 ? ", …" : ""))"
    }
}

struct ImageOutcome: Sendable {
    var job: ImageJob
    var resolved: ResolvedImage?
    var problem: BuildError.Problem?
}

/// Container images in OCI registries: resolved to the root manifest or index as served and
/// the chosen platforms' manifests and configs (kept in the cache), layers fetched as blobs.
struct ImageSource: Sendable {
    let platforms: PlatformChoice

    func client(_ job: ImageJob, clients: ClientPool) throws(RegistryError) -> RegistryClient {
        try clients.registry(job.reference.registryHost, repository: job.repository, credentials: job.credentials)
    }

    func resolve(_ job: ImageJob, clients: ClientPool, cache: BlobCache) throws -> ResolvedImage {
        let puller = ImagePuller(client: try client(job, clients: clients), store: cache)
        return try puller.resolve(repository: job.reference.path, lookup: job.reference.lookup, shown: job.reference.description, platforms: platforms)
    }

    func fetch(_ blob: Descriptor, job: ImageJob, clients: ClientPool, to path: String, progress: (@Sendable (FileProgress) -> Void)?) throws {
        try client(job, clients: clients).fetchBlob(repository: job.reference.path, descriptor: blob, to: path, progress: progress)
    }

    /// The repository entry of the config whose `oci://` URL names the image's registry
    /// (host and port), as k0s reuses one entry for every chart of a host.
    static func repository(for reference: ImageReference, in config: K0sConfig) -> RepositoryEntry? {
        config.repositories.first { entry in
            guard case .oci(let registry, _) = entry.kind else { return false }
            return registry == reference.domain || registry == reference.registryHost
        }
    }
}
