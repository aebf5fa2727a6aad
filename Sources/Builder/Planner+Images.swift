import Diagnostics
import Foundation
import Images
import K0sConfig
import OCI

/// One image of a plan: where it was found and, when resolved, what the registry serves.
public struct PlannedImage: Encodable, Sendable {
    public var reference: String
    public var releases: [String]
    public var sources: [String]
    public var digest: String?
    public var mediaType: String?
    /// Platforms the image offers.
    public var platforms: [String]
    /// Platforms a build would bundle.
    public var selected: [String]
    public var problems: [ErrorReport]
}

/// The images of a plan, with the lines that could not be determined and what was skipped.
public struct ImagePlan: Encodable, Sendable {
    public var platforms: String
    public var images: [PlannedImage]
    public var undetermined: [String]
    public var skipped: [String]
    /// Charts whose images could not be looked for, with why.
    public var problems: [ErrorReport]
}

extension Planner {
    /// The images a build would bundle for the charts planned so far: each chart's archive is
    /// fetched into the cache (its values and templates say which images it runs), and with
    /// `resolve` each image's root manifest or index is asked for its digest and platforms.
    public func planImages(_ options: ImageOptions, resolve: Bool) -> ImagePlan {
        var plan = ImagePlan(platforms: options.platforms.description, images: [], undetermined: [], skipped: [], problems: [])
        var outcomes: [Builder.PullOutcome] = []
        do {
            try cache.prepare()
        } catch {
            plan.problems.append(error.problems.first.map(\.report) ?? BuildError.Problem(wrapping: error, subject: cache.root).report)
            return plan
        }
        for (job, artifact) in resolvedCharts {
            do {
                let complete = try ensureInCache(job, artifact)
                outcomes.append(Builder.PullOutcome(job: job, resolved: complete))
            } catch {
                plan.problems.append(BuildError.Problem(wrapping: error, subject: job.chart.name).report)
            }
        }
        let stage = ImageStage(options: options, cache: cache, offline: false)
        let discovery = stage.discover(outcomes, config: config)
        plan.problems += discovery.problems.map { $0.report }
        for job in discovery.jobs where job.reference.isFloating {
            warn("image \(job.reference) has no fixed tag: pods that use it default to imagePullPolicy: Always, which fails offline; set imagePullPolicy: IfNotPresent")
        }
        if let unrendered = ImageStage.unrenderedWarning(discovery) { warn(unrendered) }
        plan.undetermined = discovery.undetermined
        plan.skipped = discovery.skipped
        let source = ImageSource(platforms: options.platforms)
        for job in discovery.jobs {
            var row = PlannedImage(reference: job.reference.description, releases: job.releases, sources: job.sources, platforms: [], selected: [], problems: [])
            if resolve {
                do {
                    let resolved = try source.resolve(job, clients: clients, cache: cache)
                    row.digest = resolved.root.digest.description
                    row.mediaType = resolved.root.mediaType
                    row.platforms = resolved.available
                    row.selected = resolved.selected
                } catch {
                    let problem = BuildError.Problem(wrapping: error, subject: job.context)
                    row.problems.append(problem.report)
                }
            }
            plan.images.append(row)
        }
        return plan
    }

    /// A release's chart archive in the cache, for rendering it (`bundle template CONFIG`).
    public struct CachedChart: Sendable {
        public var release: ChartEntry
        /// The archive's path in the cache; nil with `problem`.
        public var archive: String?
        public var version: String?
        public var problem: ErrorReport?
    }

    /// Each chart planned so far fetched into the cache (as `build` and `images` fetch it).
    public func cachedCharts() -> [CachedChart] {
        do { try cache.prepare() } catch {
            return resolvedCharts.map { CachedChart(release: $0.0.chart, problem: BuildError.Problem(wrapping: error, subject: cache.root).report) }
        }
        return resolvedCharts.map { job, artifact in
            do {
                let complete = try ensureInCache(job, artifact)
                return CachedChart(release: job.chart, archive: cache.blobPath(complete.chart.digest), version: complete.version)
            } catch {
                return CachedChart(release: job.chart, problem: BuildError.Problem(wrapping: error, subject: job.chart.name).report)
            }
        }
    }

    /// The chart's archive in the cache (fetched if missing); a classic repository's chart
    /// whose size the plan did not learn is resolved again with its body.
    func ensureInCache(_ job: Builder.PullJob, _ artifact: ChartArtifact) throws -> ChartArtifact {
        var artifact = artifact
        if job.source.isRepository, artifact.chart.size == 0 {
            artifact = try RepositoryChartSource(fetchWhenUnsized: true).resolve(job, clients: clients, cacheDir: cache.root, warn: warn)
        }
        let source = job.artifactSource
        let clients = self.clients
        _ = try cache.ensure(artifact.chart, origin: artifact.origin, download: { [artifact] path, progress in
            try source.fetch(artifact.chart, of: artifact, job: job, clients: clients, cacheDir: cache.root, to: path, progress: progress)
        })
        return artifact
    }
}
