import Content
import Diagnostics
import FileSystem
import Foundation
import HelmTemplate
import Images
import K0sConfig
import OCI

/// The build's image part, between resolving charts and laying out the bundle: every chart's
/// images found (its archive read from the cache, with the release's values), merged with
/// the images named on the command line, each resolved on the worker pool.
struct ImageStage {
    let options: ImageOptions
    let cache: BlobCache
    let offline: Bool

    /// What was found, per release, before resolving.
    struct Discovery {
        var jobs: [ImageJob] = []
        var undetermined: [String] = []
        var skipped: [String] = []
        var problems: [BuildError.Problem] = []
        /// `release: template:line:col: feature`: releases read from values because the engine cannot render them.
        var unrendered: [String] = []
    }

    /// The images of `outcomes`' charts (whose archives must be in the cache) and the explicit ones.
    /// `ready` is asked before each release (it waits until that release's chart is in the
    /// cache, so a release is read while later charts still download); false skips it.
    func discover(_ outcomes: [Builder.PullOutcome], config: K0sConfig, ready: (Builder.PullOutcome) -> Bool = { _ in true }) -> Discovery {
        var discovery = Discovery()
        var byReference: [ImageReference: Int] = [:]
        let credentials = RegistryCredentials()
        func add(_ image: FoundImage, release: String?) {
            if let index = byReference[image.reference] {
                for source in image.sources where !discovery.jobs[index].sources.contains(source) { discovery.jobs[index].sources.append(source) }
                if let release, !discovery.jobs[index].releases.contains(release) { discovery.jobs[index].releases.append(release) }
                return
            }
            byReference[image.reference] = discovery.jobs.count
            let repository = ImageSource.repository(for: image.reference, in: config)
            let found = credentials.find(repository: repository, registry: image.reference.domain)
            discovery.jobs.append(ImageJob(reference: image.reference, sources: image.sources, releases: release.map { [$0] } ?? [],
                                           repository: repository, credentials: found))
        }
        for outcome in outcomes {
            guard let resolved = outcome.resolved, ready(outcome) else { continue }
            let release = outcome.job.chart.name
            do {
                let found = try releaseImages(resolved.chart.digest, values: outcome.job.chart.values, release: renderRelease(outcome.job.chart, config: config))
                for image in found.images {
                    add(FoundImage(reference: image.reference, sources: image.sources.map { "\(release): \($0)" }), release: release)
                }
                discovery.undetermined += found.undetermined.map { "\(release): \($0)" }
                discovery.skipped += found.skipped.map { "\(release): \($0)" }
                if let fallback = found.fallback { discovery.unrendered.append("\(release): \(fallback)") }
            } catch let error as TemplateError where error.kind == .missingDependency {
                continue  // `Builder.checkComplete` refuses the chart, naming what `helm dependency build` would fetch
            } catch let error as TemplateError {
                discovery.problems.append(ReleaseRendering.problem(error, subject: "\(release) (\(outcome.job.chart.location))",
                                                                   lead: "the release does not render, as Helm would not render it: ", readsValues: true))
            } catch {
                discovery.problems.append(BuildError.Problem(
                    code: .imagesUnreadable, subject: release,
                    message: "the images of \(resolved.origin) \(resolved.version) cannot be found: \((error as? any ToolError)?.reason ?? "\(error)")",
                    hint: "Name its images with --image, or pass --no-images."))
            }
        }
        for image in options.explicit { add(image, release: nil) }
        if options.strict, !discovery.undetermined.isEmpty {
            discovery.problems.append(BuildError.Problem(
                code: .imagesUndetermined, subject: options.explicit.isEmpty ? "images" : "images (after --image)",
                message: "\(discovery.undetermined.count) image line(s) of the charts could not be determined:\n" + discovery.undetermined.map { "    \($0)" }.joined(separator: "\n"),
                hint: "Name those images with --image REF (or --images-file), or drop --strict-images."))
        }
        if options.strict {
            for line in discovery.unrendered {
                discovery.problems.append(BuildError.Problem(
                    code: .renderUnsupported, subject: String(line.prefix { $0 != ":" }),
                    message: "the release cannot be rendered by bundle's template engine, so its images were read from its values: \(line.drop { $0 != ":" }.dropFirst(2))",
                    hint: "Check the images with `bundle images`, name any missing one with --image, and drop --strict-images."))
            }
        }
        return discovery
    }

    /// A release's images: as rendered before when the cache kept them (`RenderCache`), else
    /// rendered (or read from its values) now, and kept.
    func releaseImages(_ chart: Content.Digest, values: String?, release: ChartRender.Release?) throws -> ReleaseImages {
        let notes = RenderCache(root: cache.root)
        let key = release.flatMap { notes.key(chart: chart, values: values, release: $0) }
        if let key, let kept = notes.load(key) { return kept }
        let found = try ReleaseImages(chart: ChartFiles(archive: cache.blobPath(chart)), releaseValues: values, release: release)
        if let key { notes.keep(found, as: key) }
        return found
    }

    /// How a release is rendered (nil with `--no-render`): its name and namespace as k0s
    /// installs it; the Kubernetes version `--kube-version`, else the k0s version a k0sctl
    /// file names (`v1.34.1+k0s.0` is 1.34.1), else Helm's default.
    func renderRelease(_ chart: ChartEntry, config: K0sConfig) -> ChartRender.Release? {
        guard options.render else { return nil }
        return ReleaseRendering.release(chart, config: config, kubeVersion: options.kubeVersion)
    }

    /// Resolves every job on the pool; outcomes in the jobs' order.
    func resolve(_ jobs: [ImageJob], on pool: BuildPool) -> [ImageOutcome] {
        let source = ImageSource(platforms: options.platforms)
        return pool.map(jobs) { [self] job, clients in
            var outcome = ImageOutcome(job: job)
            do {
                let key = "\(job.reference)|\(options.platforms)"
                if offline {
                    guard let resolved = cache.imageResolution(key: key) else {
                        throw BuildError(.notInCache, job.subject, "image \(job.reference) (\(options.platforms)) is not in the cache \(cache.root)", hint: "Build once online, or drop --offline.")
                    }
                    outcome.resolved = resolved
                    return outcome
                }
                let resolved = try source.resolve(job, clients: try clients.get(), cache: cache)
                cache.record(resolved, key: key)
                outcome.resolved = resolved
            } catch {
                let cause = BuildError.Problem(wrapping: error, subject: job.subject)
                outcome.problem = BuildError.Problem(code: cause.code, errorClass: cause.errorClass, subject: job.context, message: cause.message, hint: cause.hint)
            }
            return outcome
        }
    }

    /// The releases whose images were read from values because the engine cannot render them.
    static func unrenderedWarning(_ discovery: Discovery) -> String? {
        guard !discovery.unrendered.isEmpty else { return nil }
        return "bundle's template engine cannot render \(discovery.unrendered.count) release(s); their images were read from their values instead (check them; --strict-images makes this an error):\n"
            + discovery.unrendered.map { "    \($0)" }.joined(separator: "\n")
    }

    /// Warnings the user should read: floating tags, releases not rendered, undetermined lines.
    static func warnings(_ discovery: Discovery) -> [String] {
        var warnings: [String] = []
        for job in discovery.jobs where job.reference.isFloating {
            warnings.append("image \(job.reference) has no fixed tag: pods that use it default to imagePullPolicy: Always, which fails offline; set imagePullPolicy: IfNotPresent in the release's values")
        }
        if let unrendered = unrenderedWarning(discovery) { warnings.append(unrendered) }
        if !discovery.undetermined.isEmpty {
            warnings.append("could not determine the image of \(discovery.undetermined.count) template line(s); add them with --image REF (--strict-images makes this an error):\n"
                            + discovery.undetermined.map { "    \($0)" }.joined(separator: "\n"))
        }
        return warnings
    }
}

extension BlobCache {
    private func imageResolutionPath(_ key: String) -> String {
        "\(root)/resolutions/image-\(Digest.sha256(of: Data(key.utf8)).hex).json"
    }

    /// Records how an image request resolved, for `--offline` rebuilds.
    func record(_ image: ResolvedImage, key: String) {
        guard let data = try? JSONEncoder().encode(image) else { return }
        try? DurableFile.write(data, to: imageResolutionPath(key), flush: false)
    }

    /// A recorded image resolution whose blobs are all still in the cache.
    func imageResolution(key: String) -> ResolvedImage? {
        guard let data = FileManager.default.contents(atPath: imageResolutionPath(key)),
              let image = try? JSONDecoder().decode(ResolvedImage.self, from: data),
              image.allBlobs.allSatisfy({ contains($0.digest, size: $0.size) })
        else { return nil }
        return image
    }
}
