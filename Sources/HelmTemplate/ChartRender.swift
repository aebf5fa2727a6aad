import Foundation
import Yams

/// A chart in memory (file path inside the chart → text), rendered as `helm template` renders
/// it: the chart's values coalesced with the release's, Helm's objects (`.Values`, `.Release`,
/// `.Chart`, `.Capabilities`, `.Template`), every template but partials (`_*`) and NOTES.txt,
/// `<no value>` removed; vendored subcharts (`charts/NAME/…`) rendered in their own scope.
public struct ChartRender: Sendable {
    public struct Release: Sendable {
        public var name: String
        public var namespace: String
        /// The cluster's Kubernetes version (`1.36.0`), for `.Capabilities`.
        public var kubeVersion: String

        public init(name: String, namespace: String, kubeVersion: String = ChartRender.defaultKubeVersion) {
            self.name = name
            self.namespace = namespace
            self.kubeVersion = kubeVersion
        }
    }

    /// What a chart's file maps to when it was too large to read (only `.Files` reads such a
    /// file; reading it through `.Files` is a gap of the render, not an empty file).
    public static let omittedFile = "\u{0}bundle: file left out (too large)\u{0}"
    /// What a chart's file maps to when its bytes are not UTF-8 text: the engine's strings are
    /// text, so `.Files.Get "x.jks" | b64enc` could not give Helm's bytes; reading it through
    /// `.Files` is the same gap.
    public static let binaryFile = "\u{0}bundle: file left out (not UTF-8 text)\u{0}"

    static func isUnread(_ text: String) -> Bool { text == omittedFile || text == binaryFile }

    /// The Kubernetes version `helm template` assumes without a cluster (Helm v4.2's default).
    public static let defaultKubeVersion = "1.36.0"

    public let files: [String: String]
    public let limits: TemplateSet.Limits

    public init(files: [String: String], limits: TemplateSet.Limits = TemplateSet.Limits()) {
        self.files = files
        self.limits = limits
    }

    /// What a render made: each template's text and the subcharts left out.
    public struct Output: Sendable {
        /// `CHART/templates/FILE` (`CHART/charts/SUB/templates/FILE` for a subchart's) → text.
        public var templates: [String: String]
        /// `SUB: why` for each subchart a condition or tags turned off.
        public var disabledSubcharts: [String]
        /// The CRDs of the chart and its enabled subcharts (`CHART/crds/FILE`), in that order.
        public var crds: [(path: String, text: String)]
    }

    /// Each rendered template (`CHART/templates/FILE` → text) with `values` (YAML texts, the
    /// release's, later ones winning) over the chart's own.
    public func render(values: [String], release: Release) throws(TemplateError) -> [String: String] {
        try renderChart(values: values, release: release).templates
    }

    /// Which documents of a release's values text count.
    public enum ValuesDocuments: Sendable {
        /// Every one, each merged over the ones before: a values file (`helm -f`, Helm's LoadValues).
        case all
        /// The first: a k0s config's `values` (k0s reads them with one `yaml.Unmarshal`).
        case first
    }

    /// The whole render: the chart and its enabled subcharts, as `helm template` runs them.
    public func renderChart(values: [String], documents: ValuesDocuments = .all, release: Release) throws(TemplateError) -> Output {
        try DeepStack.run { () throws(TemplateError) -> Output in try renderOnThisThread(values: values, documents: documents, release: release) }
    }

    private func renderOnThisThread(values: [String], documents: ValuesDocuments, release: Release) throws(TemplateError) -> Output {
        var tree = try ChartTree(files: files)
        var given = Value.map([:])
        for (index, text) in values.enumerated() {
            let read = try ValuesCoalesce.read(text, file: "values #\(index + 1)", allDocuments: documents == .all)
            given = ValuesCoalesce.merge(read, over: given)
        }
        let disabled = tree.enableDependencies(values: tree.coalesce(given))
        // Helm imports from the charts' own values (the release's are not seen by import-values).
        tree.applyImports()
        let merged = tree.coalesce(given)
        try tree.validate(merged)
        var templates: [String: String] = [:]
        var dots: [String: (object: ValueMap, basePath: String)] = [:]
        Self.collect(tree, path: tree.name, values: merged, release: release, templates: &templates, dots: &dots)
        let set = try TemplateSet(files: templates, limits: limits)
        var rendered: [String: String] = [:]
        var left = limits
        // Helm's order (deepest files first, then by name, backwards): it decides what a template
        // sees of a dict another one changed with `set`.
        let order = dots.keys.sorted { a, b in
            let (x, y) = (a.filter { $0 == "/" }.count, b.filter { $0 == "/" }.count)
            return x != y ? x > y : a > b
        }
        for path in order {
            guard let entry = dots[path] else { continue }
            // One object per chart, shared by its templates as Helm shares it (`set . …` is seen
            // by the templates after), with `.Template` set for each.
            entry.object.setShared("Template", HelmObjects.template(name: path, basePath: entry.basePath))
            rendered[path] = try set.render(path, data: .map(entry.object), left: &left).replacingEvery("<no value>", with: "")
        }
        return Output(templates: rendered, disabledSubcharts: disabled, crds: Self.crds(tree, path: tree.name))
    }

    /// `crds/` files of `chart` and then of its subcharts, as Helm lists them.
    static func crds(_ chart: ChartTree, path: String) -> [(path: String, text: String)] {
        chart.files.keys.sorted().filter { $0.hasPrefix("crds/") }.map { file in
            let text = chart.files[file] ?? ""
            return ("\(path)/\(file)", isUnread(text) ? "# \(path)/\(file) is a file bundle does not read (over 4 MiB, or not UTF-8 text); print it with Helm" : text)
        }
            + chart.subcharts.flatMap { crds($0, path: "\(path)/charts/\($0.name)") }
    }

    /// Every template of `chart` and its subcharts under its full name, and the dot of each
    /// one to render (partials, NOTES.txt and a library chart's files are only parsed).
    /// Returns the chart's object, for its parent's `.Subcharts`.
    @discardableResult
    static func collect(_ chart: ChartTree, path: String, values: Value, release: Release,
                        templates: inout [String: String], dots: inout [String: (object: ValueMap, basePath: String)]) -> Value {
        var subcharts: [String: Value] = [:]
        for sub in chart.subcharts {
            var own = Value.map([:])
            if case .map(let map)? = values.path([sub.name]) { own = .map(map) }
            subcharts[sub.name] = collect(sub, path: "\(path)/charts/\(sub.name)", values: own, release: release, templates: &templates, dots: &dots)
        }
        var fields = HelmObjects.dot(values: values, chart: chart, isRoot: !path.contains("/charts/"), release: release, chartPath: path)
        fields["Files"] = .map(ValueMap(chart.files.mapValues { Self.isUnread($0) ? .missing : .string($0) }, type: .files))
        fields["Subcharts"] = .map(ValueMap(subcharts))
        let object = ValueMap(fields, type: .values)
        for (file, text) in chart.templates {
            let base = file.split(separator: "/").last.map(String.init) ?? file
            let isPartial = base.hasPrefix("_")
            if chart.isLibrary && !isPartial { continue }
            templates["\(path)/\(file)"] = text
            if isPartial || base == "NOTES.txt" { continue }
            dots["\(path)/\(file)"] = (object, "\(path)/templates")
        }
        return .map(object)
    }
}
