import ChartRepository
import Foundation
import HTTP
import K0sConfig
import OCI

/// Resolve, the build's first part: config → the charts to pull (`jobs`), then each job →
/// what will be bundled for it, on `concurrency` worker threads that each own a transport
/// and their clients. OCI charts resolve from manifests only; a classic repository's chart is
/// downloaded here, since its index gives no size and the manifest is written first.
struct Resolver: Sendable {
    let cache: BlobCache
    let offline: Bool
    let concurrency: Int
    let makeTransport: TransportFactory
    let progress: @Sendable (String) -> Void

    /// The charts a config asks to pull, with the repository entry and credentials each uses;
    /// problems with CA or client-certificate files, and notes on local files.
    static func jobs(for config: K0sConfig, credentials: RegistryCredentials = RegistryCredentials())
        -> (jobs: [Builder.PullJob], problems: [BuildError.Problem], warnings: [String])
    {
        var jobs: [Builder.PullJob] = []
        var problems: [BuildError.Problem] = []
        var warnings: [String] = []
        func fileProblems(_ repository: RepositoryEntry, _ chart: ChartEntry) {
            problems += config.fileProblems(for: repository).map { BuildError.Problem(code: .certificate, subject: chart.name, message: $0.located) }
        }
        for chart in config.charts {
            switch chart.source {
            case .oci(let reference, let repositoryName):
                let repository = config.repository(named: repositoryName)
                if let repository { fileProblems(repository, chart) }
                jobs.append(Builder.PullJob(chart: chart, source: .oci(reference), repository: repository,
                                            credentials: credentials.find(repository: repository, registry: reference.registry)?.credentials))
            case .repository(let name, let chartName):
                guard let repository = config.repository(named: name) else { continue }
                fileProblems(repository, chart)
                let host = URL(string: repository.url)?.hostAndPort ?? repository.url
                jobs.append(Builder.PullJob(chart: chart, source: .repository(url: repository.url, chart: chartName), repository: repository,
                                            credentials: credentials.find(repository: repository, registry: host)?.credentials))
            case .localFile(let path):
                warnings.append("\(chart.name): \(path) is a local file on the node; it is not bundled and must already be on every controller")
            }
        }
        return (jobs, problems, warnings)
    }

    /// Resolves every job; the outcomes come back in the jobs' order.
    func resolve(_ jobs: [Builder.PullJob]) -> [Builder.PullOutcome] {
        let queue = JobQueue<Builder.PullJob, Builder.PullOutcome>(jobs)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(concurrency, jobs.count)) {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                let clients: ClientPool
                do {
                    clients = ClientPool(transport: try makeTransport())
                } catch {
                    while let (index, job) = queue.take() {
                        queue.put(index, Builder.PullOutcome(job: job, problem: .init(wrapping: error, subject: job.chart.name)))
                    }
                    return
                }
                while let (index, job) = queue.take() {
                    queue.put(index, resolve(job, clients: clients))
                }
            }
        }
        group.wait()
        return queue.results()
    }

    /// One job: from the cache with `--offline`, else from its registry or repository.
    func resolve(_ job: Builder.PullJob, clients: ClientPool) -> Builder.PullOutcome {
        var outcome = Builder.PullOutcome(job: job)
        do {
            if offline {
                guard let resolved = cache.resolution(key: job.resolutionKey, requested: job.chart.version) else {
                    throw BuildError(.notInCache, job.chart.name, "\(job.chart.chartname) \(job.chart.version ?? "(highest stable)") is not in the cache \(cache.root)",
                                     hint: "Build once online, or drop --offline.")
                }
                outcome.resolved = resolved
                outcome.cached = true
                return outcome
            }
            switch job.source {
            case .oci(let reference):
                let client = try clients.registry(for: job, reference: reference)
                let resolved = try ChartPuller(client: client, store: cache).resolve(reference, version: job.chart.version)
                resolved.warnings.forEach(progress)
                outcome.resolved = ChartArtifact(oci: resolved)
                outcome.cached = cache.contains(resolved.chartLayer.digest, size: resolved.chartLayer.size)
            case .repository(let url, let chart):
                guard let repository = job.repository else {
                    throw BuildError(.config, job.chart.name, "\(job.chart.chartname) names no repository entry")
                }
                let client = try clients.chartRepository(repository, credentials: job.credentials, cacheDir: cache.root)
                let found = try client.resolve(chart: chart, version: job.chart.version)
                let (cached, size) = try cache.ensure(found, client: client)
                outcome.resolved = ChartArtifact(
                    reference: job.chart.chartname, origin: "\(url) \(chart)", name: found.entry.name, version: found.entry.version,
                    chart: Descriptor(mediaType: MediaType.legacyChartContent, digest: found.digest, size: size))
                outcome.cached = cached
                outcome.fetched = !cached
            }
            if let resolved = outcome.resolved { cache.record(resolved, key: job.resolutionKey, requested: job.chart.version) }
        } catch {
            outcome.problem = BuildError.Problem(wrapping: error, subject: job.chart.name)
        }
        return outcome
    }
}
