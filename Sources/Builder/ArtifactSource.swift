import ChartRepository
import Content
import HTTP
import K0sConfig
import OCI

/// Where a bundle's charts come from: an OCI registry or a classic repository, each one
/// source. A source resolves a request to metadata (what will be bundled: name, version, the
/// blobs with their digests and sizes) without downloading bodies, and fetches one of those
/// blobs into a file, verified against its digest and size; resolve, fetch, layout and
/// assemble never ask which source a chart came from. Images are not charts: `ImageSource`
/// resolves an image reference to the manifests of its platforms and fetches their layers.
protocol ArtifactSource: Sendable {
    /// What `job` resolves to, from manifests or an index only. `warn` hears what the user
    /// should know but that does not stop the build (a legacy media type, say).
    func resolve(_ job: Builder.PullJob, clients: ClientPool, cacheDir: String, warn: (String) -> Void) throws -> ChartArtifact

    /// Downloads `blob` of `artifact` to `path`, verified; `progress` hears how much is on disk.
    func fetch(_ blob: Descriptor, of artifact: ChartArtifact, job: Builder.PullJob, clients: ClientPool, cacheDir: String,
               to path: String, progress: (@Sendable (FileProgress) -> Void)?) throws
}

extension Builder.PullJob.Source {
    var isRepository: Bool {
        if case .repository = self { return true }
        return false
    }
}

extension Builder.PullJob {
    /// The source that serves this job.
    var artifactSource: any ArtifactSource {
        switch source {
        case .oci: return OCIChartSource()
        case .repository: return RepositoryChartSource()
        }
    }
}

/// Charts in OCI registries, as `helm push` stores them: resolved from the manifest and the
/// config blob, the chart layer (and provenance) fetched as blobs.
struct OCIChartSource: ArtifactSource {
    func resolve(_ job: Builder.PullJob, clients: ClientPool, cacheDir: String, warn: (String) -> Void) throws -> ChartArtifact {
        guard case .oci(let reference) = job.source else { throw Self.mismatch(job) }
        let client = try clients.registry(for: job, reference: reference)
        let resolved = try ChartPuller(client: client, store: BlobCache(root: cacheDir)).resolve(reference, version: job.chart.version)
        resolved.warnings.forEach(warn)
        return ChartArtifact(oci: resolved)
    }

    func fetch(_ blob: Descriptor, of artifact: ChartArtifact, job: Builder.PullJob, clients: ClientPool, cacheDir: String,
               to path: String, progress: (@Sendable (FileProgress) -> Void)?) throws {
        guard case .oci(let reference) = job.source else { throw Self.mismatch(job) }
        try clients.registry(for: job, reference: reference).fetchBlob(repository: reference.repository, descriptor: blob, to: path, progress: progress)
    }

    static func mismatch(_ job: Builder.PullJob) -> BuildError {
        BuildError(.unsupportedChart, job.chart.name, "\(job.chart.chartname) is not a chart this source serves", hint: "This is a bug in bundle; please report it with the config.")
    }
}

/// Charts in classic repositories (index.yaml): resolved from the index, whose digest names
/// the archive, and sized by a HEAD request, so that like OCI charts nothing is downloaded
/// until the fetch. A server that gives no size for HEAD has the archive fetched while
/// resolving instead (into the cache, so the fetch finds it there).
struct RepositoryChartSource: ArtifactSource {
    /// False for `plan`, which downloads no chart bodies: an unsized archive stays unsized (0).
    var fetchWhenUnsized = true

    func resolve(_ job: Builder.PullJob, clients: ClientPool, cacheDir: String, warn: (String) -> Void) throws -> ChartArtifact {
        guard case .repository(let url, let chart) = job.source, let repository = job.repository else { throw OCIChartSource.mismatch(job) }
        let client = try clients.chartRepository(repository, credentials: job.credentials, cacheDir: cacheDir)
        let found = try client.resolve(chart: chart, version: job.chart.version)
        found.warnings.forEach(warn)
        let size: Int64
        if let declared = try client.size(of: found) {
            size = declared
        } else if !fetchWhenUnsized {
            size = 0
        } else {
            size = try BlobCache(root: cacheDir).ensure(found, client: client).size
        }
        return ChartArtifact(
            reference: job.chart.chartname, origin: "\(url) \(chart)", name: found.entry.name, version: found.entry.version,
            chart: Descriptor(mediaType: MediaType.legacyChartContent, digest: found.digest, size: size), download: found.url.absoluteString)
    }

    func fetch(_ blob: Descriptor, of artifact: ChartArtifact, job: Builder.PullJob, clients: ClientPool, cacheDir: String,
               to path: String, progress: (@Sendable (FileProgress) -> Void)?) throws {
        guard let repository = job.repository, let download = artifact.download else { throw OCIChartSource.mismatch(job) }
        let client = try clients.chartRepository(repository, credentials: job.credentials, cacheDir: cacheDir)
        try client.download(from: download, digest: blob.digest, size: blob.size, to: path, progress: progress)
    }
}
