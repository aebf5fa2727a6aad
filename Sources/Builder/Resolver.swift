import Foundation
import HTTP
import K0sConfig
import OCI

/// Resolve, the build's first part: config → the charts to pull (`jobs`), then each job →
/// what will be bundled for it, through the job's `ArtifactSource`, from metadata only
/// (manifests, indexes), on the build's worker pool.
struct Resolver: Sendable {
    let cache: BlobCache
    let offline: Bool
    let events: @Sendable (BuildEvent) -> Void

    /// The charts a config asks to pull, with the repository entry and credentials each uses;
    /// problems with CA or client-certificate files, and notes on local files.
    static func jobs(for config: K0sConfig, credentials: RegistryCredentials = RegistryCredentials())
        -> (jobs: [Builder.PullJob], problems: [BuildError.Problem], warnings: [String])
    {
        var jobs: [Builder.PullJob] = []
        var problems: [BuildError.Problem] = []
        var warnings: [String] = []
        for chart in config.charts {
            if case .localFile(let path) = chart.source {
                warnings.append("\(chart.name): \(path) is a local file on the node; it is not bundled and must already be on every controller")
                continue
            }
            guard let (job, _) = job(for: chart, in: config, credentials: credentials) else { continue }
            if let repository = job.repository {
                problems += config.fileProblems(for: repository).map { BuildError.Problem(code: .certificate, subject: chart.name, message: $0.located) }
                if let half = credentials.halfSet(for: repository) {
                    problems.append(BuildError.Problem(code: .config, subject: chart.name, message: half,
                                                       hint: "Export both variables for \(repository.name), or unset the one that is set."))
                }
            }
            jobs.append(job)
        }
        return (jobs, problems, warnings)
    }

    /// The job for one chart (nil for local files and undefined repositories, which the config
    /// check reports), and where its credentials came from ("" when none were found).
    static func job(for chart: ChartEntry, in config: K0sConfig, credentials: RegistryCredentials) -> (Builder.PullJob, String)? {
        switch chart.source {
        case .oci(let reference, let repositoryName):
            let repository = config.repository(named: repositoryName)
            let found = credentials.find(repository: repository, registry: reference.registry)
            return (Builder.PullJob(chart: chart, source: .oci(reference), repository: repository, credentials: found), found?.source ?? "")
        case .repository(let name, let chartName):
            guard let repository = config.repository(named: name) else { return nil }
            let found = credentials.find(repository: repository, registry: URL(string: repository.url)?.hostAndPort ?? repository.url)
            return (Builder.PullJob(chart: chart, source: .repository(url: repository.url, chart: chartName), repository: repository,
                                    credentials: found), found?.source ?? "")
        case .localFile:
            return nil
        }
    }

    /// Resolves every job on the pool's workers; the outcomes come back in the jobs' order.
    func resolve(_ jobs: [Builder.PullJob], on pool: BuildPool) -> [Builder.PullOutcome] {
        pool.map(jobs) { [self] job, clients in
            switch clients {
            case .success(let clients): return resolve(job, clients: clients)
            case .failure(let error): return Builder.PullOutcome(job: job, problem: .init(wrapping: error, subject: job.chart.name))
            }
        }
    }

    /// One job: from the cache with `--offline`, else from its source (metadata only).
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
            let resolved = try job.artifactSource.resolve(job, clients: clients, cacheDir: cache.root, warn: { events(.warning($0)) })
            outcome.resolved = resolved
            outcome.cached = cache.contains(resolved.chart.digest, size: resolved.chart.size)
            cache.record(resolved, key: job.resolutionKey, requested: job.chart.version)
        } catch {
            outcome.problem = BuildError.Problem(wrapping: error, subject: job.chart.name)
        }
        return outcome
    }
}
