import Archive
import ArgumentParser
import Builder
import Diagnostics
import Foundation
import HTTP
import HelmTemplate
import Images
import K0sConfig

/// `bundle template`: a chart, or every release of a k0s config, rendered as `helm template`
/// renders it, with the tool's own engine.
struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render a chart, or the releases of a k0s config, as `helm template` does (the tool's own engine, no Helm needed).",
        discussion: """
            SOURCE is a chart archive (.tgz) or folder, or a k0s config. A chart renders with its \
            values.yaml and each --values file over it, as release --name in --namespace. A \
            config renders each release (or those named with --release) as k0s installs it: its \
            chart from the same cache as `build` (fetched when missing), its `values`, its name \
            and namespace, the cluster's Kubernetes version. Prints what `helm template` prints: \
            each document after a `# Source:` line, in Helm's install order, hooks last. \
            Templates are untrusted: no I/O, no environment, bounded steps, depth and output.
            """)

    @Argument(help: ArgumentHelp("A chart (.tgz or folder) or a k0s config.", valueName: "source"))
    var source: String

    @Option(name: [.customShort("f"), .customLong("values")], help: ArgumentHelp("A chart's values file (repeatable; later ones win).", valueName: "file"))
    var values: [String] = []

    @Option(help: "A chart's release name.")
    var name = "release-name"

    @Option(help: "A chart's release namespace.")
    var namespace = "default"

    @Option(name: .customLong("release"), help: ArgumentHelp("Render only this release of the config (repeatable).", valueName: "name"))
    var releases: [String] = []

    @Option(name: .customLong("kube-version"), help: ArgumentHelp("The Kubernetes version for .Capabilities (default: a k0sctl file's, else 1.36.0, Helm's).", valueName: "version"))
    var kubeVersion: String?

    @Flag(name: .customLong("include-crds"), help: "Print the charts' CRDs (crds/) first, as `helm template --include-crds` does.")
    var includeCRDs = false

    @Flag(help: "Print the releases as JSON: each manifest with its template, kind and hooks.")
    var json = false

    @OptionGroup var cache: CacheOption

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func validate() throws {
        if let kubeVersion, KubeVersion.parse(kubeVersion) == nil {
            throw ValidationError("--kube-version \(kubeVersion) is not a Kubernetes version such as 1.34.1 or v1.34.1+k0s.0.")
        }
    }

    func run() throws {
        var rendered: [RenderedRelease] = []
        try Output.reportingErrors(json: json) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder) else {
                throw CommandError(code: .unreadableInput, subject: source, reason: "does not exist", hint: "Give a chart archive (.tgz) or folder, or a k0s config")
            }
            if !isFolder.boolValue, !Self.isArchive(source) {
                rendered = try renderConfig()
            } else {
                guard releases.isEmpty else { throw ValidationError("--release names releases of a k0s config; \(source) is a chart.") }
                let files = try (isFolder.boolValue ? ChartFiles(folder: source) : ChartFiles(archive: source)).renderFiles
                var texts: [String] = []
                for file in values {
                    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                        throw CommandError(code: .unreadableInput, subject: file, reason: "cannot be read", hint: "Check the path given to --values")
                    }
                    texts.append(text)
                }
                let release = ChartRender.Release(name: name, namespace: namespace, kubeVersion: kubeVersion.flatMap(KubeVersion.parse) ?? ChartRender.defaultKubeVersion)
                rendered = [RenderedRelease.render(files: files, values: texts, documents: .all, release: release, chart: source, version: nil, at: source)]
            }
        }
        try print(rendered)
    }

    /// Every release of the config (or those asked for), each chart fetched into the cache.
    func renderConfig() throws -> [RenderedRelease] {
        guard values.isEmpty else { throw ValidationError("--values is for a chart; a config's releases take their values from the config.") }
        let config = try K0sConfig.load(path: source)
        Output.report(config.problems)
        for wanted in releases where !config.charts.contains(where: { $0.name == wanted }) {
            throw CommandError(code: .unreadableInput, subject: "\(source): release \(wanted)", reason: "is not a release of the config",
                               hint: "Its releases are \(config.charts.map(\.name).joined(separator: ", "))")
        }
        let planner = Planner(config: config, transport: try HTTPTransports.standard(), cache: BlobCache(root: cache.root), warn: Output.warn)
        var out: [RenderedRelease] = []
        for chart in config.charts where releases.isEmpty || releases.contains(chart.name) {
            let row = planner.plan(chart)
            if !row.problems.isEmpty { out.append(RenderedRelease(release: chart.name, chart: chart.chartname, namespace: chart.namespace ?? "default", problems: row.problems)) }
        }
        for cached in planner.cachedCharts() where !out.contains(where: { $0.release == cached.release.name }) {
            let release = ReleaseRendering.release(cached.release, config: config, kubeVersion: kubeVersion.flatMap(KubeVersion.parse))
            guard let archive = cached.archive else {
                out.append(RenderedRelease(release: release.name, chart: cached.release.chartname, namespace: release.namespace, problems: cached.problem.map { [$0] } ?? []))
                continue
            }
            do {
                let files = try ChartFiles(archive: archive).renderFiles
                out.append(RenderedRelease.render(files: files, values: cached.release.values.map { [$0] } ?? [], documents: .first, release: release,
                                                  chart: cached.release.chartname, version: cached.version, at: "\(cached.release.location)"))
            } catch {
                out.append(RenderedRelease(release: release.name, chart: cached.release.chartname, namespace: release.namespace,
                                           problems: [BuildError.Problem(wrapping: error, subject: release.name).report]))
            }
        }
        return out
    }

    func print(_ rendered: [RenderedRelease]) throws {
        let ok = rendered.allSatisfy { $0.problems.isEmpty }
        if json {
            Swift.print(try Output.json(WithWarnings(result: TemplateReport(ok: ok, releases: rendered), warnings: Output.warnings())))
        } else {
            var text = ""
            for release in rendered {
                if includeCRDs { text += release.crds.map { "---\n# Source: \($0.path)\n\($0.content)\n" }.joined() }
                text += release.manifests.map { "---\n# Source: \($0.path)\n\($0.content)\n" }.joined()
            }
            Swift.print(text, terminator: "")
            // A problem's message is its whole sentence: subject, reason and hint.
            for problem in rendered.flatMap(\.problems) { Output.error(problem.message) }
        }
        if !ok { throw ExitCode(1) }
    }

    /// A gzip or tar file (a chart archive); anything else is read as a config.
    static func isArchive(_ path: String) -> Bool { [.gzip, .tar].contains(ArchiveKind.of(path)) }
}
