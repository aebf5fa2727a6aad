import Builder
import Diagnostics
import HelmTemplate

/// One release as `bundle template` prints it (and `--json` reports it): its manifests in
/// Helm's order, hooks last, its CRDs, or the problems that stopped it.
struct RenderedRelease: Encodable {
    struct Manifest: Encodable {
        var path: String
        var kind: String
        var hooks: [String]
        var content: String
    }

    var release: String
    var chart: String
    var version: String?
    var namespace: String
    var manifests: [Manifest] = []
    var crds: [Manifest] = []
    var problems: [ErrorReport] = []

    init(release: String, chart: String, version: String? = nil, namespace: String, problems: [ErrorReport] = []) {
        self.release = release
        self.chart = chart
        self.version = version
        self.namespace = namespace
        self.problems = problems
    }

    /// Renders `files` (a chart and its subcharts) with `values` over its own, as `release`;
    /// `documents` says which documents of each values text count (every one of a values
    /// file, the first of a k0s config's values); `place` says where the release comes from in
    /// errors (the chart, or the config's line).
    static func render(files: [String: String], values: [String], documents: ChartRender.ValuesDocuments, release: ChartRender.Release,
                       chart: String, version: String?, at place: String) -> RenderedRelease {
        var out = RenderedRelease(release: release.name, chart: chart, version: version, namespace: release.namespace)
        do {
            let output = try ChartRender(files: files).renderChart(values: values, documents: documents, release: release)
            let sorted = try ManifestSorter.sort(output.templates)
            out.manifests = (sorted.manifests + sorted.hooks).map { Manifest(path: $0.path, kind: $0.kind, hooks: $0.hooks, content: $0.content) }
            out.crds = output.crds.map { Manifest(path: $0.path, kind: "CustomResourceDefinition", hooks: [], content: $0.text) }
        } catch {
            out.problems = [ReleaseRendering.problem(error, subject: "\(release.name) (\(place))").report]
        }
        return out
    }

    enum CodingKeys: String, CodingKey { case release, chart, version, namespace, manifests, crds, problems }
}

/// What `bundle template --json` prints.
struct TemplateReport: Encodable {
    var ok: Bool
    var releases: [RenderedRelease]
}
