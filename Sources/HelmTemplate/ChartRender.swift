import Yams

/// A chart in memory (file path inside the chart → text), rendered as `helm template` renders
/// it: the chart's values coalesced with the release's, Helm's objects (`.Values`, `.Release`,
/// `.Chart`, `.Capabilities`, `.Template`), every template but partials (`_*`) and NOTES.txt,
/// `<no value>` removed. Vendored subcharts (`charts/`) are not rendered yet.
public struct ChartRender {
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

    /// The Kubernetes version `helm template` assumes without a cluster (Helm v4.2's default).
    public static let defaultKubeVersion = "1.36.0"

    public let files: [String: String]
    public let limits: TemplateSet.Limits

    public init(files: [String: String], limits: TemplateSet.Limits = TemplateSet.Limits()) {
        self.files = files
        self.limits = limits
    }

    /// Each rendered template (`CHART/templates/FILE` → text) with `values` (YAML texts, the
    /// release's, later ones winning) over the chart's own.
    public func render(values: [String], release: Release) throws(TemplateError) -> [String: String] {
        let chart = try yamlValue(files["Chart.yaml"] ?? "", file: "Chart.yaml")
        guard case .map(let metadata) = chart, case .string(let name)? = metadata["name"] else {
            throw TemplateError(.parse, template: "Chart.yaml", line: 1, column: 1, "Chart.yaml has no name")
        }
        let defaults = try yamlValue(files["values.yaml"] ?? "", file: "values.yaml")
        var merged = defaults
        for (index, text) in values.enumerated() {
            merged = ValuesCoalesce.coalesce(try yamlValue(text, file: "values #\(index + 1)"), over: merged)
        }
        var templates: [String: String] = [:]
        for (path, text) in files where path.hasPrefix("templates/") {
            templates["\(name)/\(path)"] = text
        }
        let set = try TemplateSet(files: templates, limits: limits)
        var rendered: [String: String] = [:]
        for path in set.names {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            if base.hasPrefix("_") || base == "NOTES.txt" { continue }
            let data = Self.objects(values: merged, chart: metadata, release: release, template: path, chartName: name)
            rendered[path] = try set.render(path, data: data).replacingOccurrences(of: "<no value>", with: "")
        }
        return rendered
    }

    /// The dot of every template: Helm's built-in objects, with Helm's field names.
    static func objects(values: Value, chart: [String: Value], release: Release, template: String, chartName: String) -> Value {
        let chartNames = ["name": "Name", "version": "Version", "appVersion": "AppVersion", "description": "Description", "type": "Type",
                          "apiVersion": "APIVersion", "kubeVersion": "KubeVersion", "home": "Home", "icon": "Icon", "keywords": "Keywords",
                          "sources": "Sources", "maintainers": "Maintainers", "annotations": "Annotations", "deprecated": "Deprecated",
                          "condition": "Condition", "tags": "Tags", "dependencies": "Dependencies"]
        var chartObject: [String: Value] = [:]
        for (key, value) in chart { chartObject[chartNames[key] ?? key] = value }
        let parts = release.kubeVersion.split(separator: ".")
        let kube: Value = ["Version": .string("v" + release.kubeVersion), "Major": .string(String(parts.first ?? "1")),
                           "Minor": .string(parts.count > 1 ? String(parts[1]) : "0"), "GitVersion": .string("v" + release.kubeVersion)]
        return [
            "Values": values,
            "Release": ["Name": .string(release.name), "Namespace": .string(release.namespace), "IsInstall": true, "IsUpgrade": false,
                        "Revision": 1, "Service": "Helm"],
            "Chart": .map(chartObject),
            "Capabilities": ["KubeVersion": kube, "HelmVersion": ["Version": "v4.2.3"], "APIVersions": .list(apiVersions.map { .string($0) })],
            "Template": ["Name": .string(template), "BasePath": .string("\(chartName)/templates")],
        ]
    }

    /// The API group versions `helm template` assumes without a cluster (the built-in ones
    /// client-go registers, betas included; `.Capabilities.APIVersions.Has`). Common ones are
    /// held to Helm's answer by HelmOracleTests; the list may miss rare alpha versions.
    static let apiVersions = [
        "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1", "admissionregistration.k8s.io/v1alpha1",
        "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1", "apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1",
        "apps/v1", "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1", "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1", "autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1",
        "autoscaling/v2beta2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1", "certificates.k8s.io/v1beta1",
        "coordination.k8s.io/v1", "coordination.k8s.io/v1beta1", "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1",
        "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1", "flowcontrol.apiserver.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
        "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1", "node.k8s.io/v1beta1", "node.k8s.io/v1alpha1",
        "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1",
        "rbac.authorization.k8s.io/v1alpha1", "scheduling.k8s.io/v1", "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1alpha1",
        "storage.k8s.io/v1", "storage.k8s.io/v1beta1", "storage.k8s.io/v1alpha1",
    ]

    /// YAML text as Helm reads values (through JSON: every number a float64).
    func yamlValue(_ text: String, file: String) throws(TemplateError) -> Value {
        do {
            guard let node = try Yams.compose(yaml: text) else { return .map([:]) }
            var budget = ValuesCoalesce.maxNodes
            let value = ValuesCoalesce.value(of: node, budget: &budget)
            if budget < 0 { throw TemplateError(.limit, template: file, line: 1, column: 1, "expands to more than \(ValuesCoalesce.maxNodes) YAML nodes (aliases repeating aliases?)") }
            return value
        } catch {
            throw TemplateError(.parse, template: file, line: 1, column: 1, "not valid YAML: \(error)")
        }
    }
}

/// Helm's values: YAML read as JSON reads it, and a release's values coalesced over a chart's.
enum ValuesCoalesce {
    /// Values nodes read at most (aliases count each time they are used: an alias bomb stops).
    static let maxNodes = 1_000_000

    static func value(of node: Yams.Node, budget: inout Int) -> Value {
        budget -= 1
        guard budget >= 0 else { return .null }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if let b = Bool.construct(from: scalar) { return .bool(b) }
            if let i = Int.construct(from: scalar) { return .float(Double(i)) }
            if let d = Double.construct(from: scalar) { return .float(d) }
            if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return .null }
            return .string(scalar.string)
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            for (key, value) in mapping where budget >= 0 { map[key.string ?? ""] = Self.value(of: value, budget: &budget) }
            return .map(map)
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence where budget >= 0 { items.append(Self.value(of: item, budget: &budget)) }
            return .list(items)
        case .alias(let alias):
            return .string(alias.anchor.rawValue)
        }
    }

    /// `given` over `defaults`: maps merge key by key, a given null deletes the default, any
    /// other given value replaces it.
    static func coalesce(_ given: Value, over defaults: Value) -> Value {
        guard case .map(let top) = given else { return defaults }
        guard case .map(var merged) = defaults else { return given }
        for (key, value) in top {
            if case .null = value {
                merged.removeValue(forKey: key)
            } else if case .map = value, let existing = merged[key], case .map = existing {
                merged[key] = coalesce(value, over: existing)
            } else {
                merged[key] = value
            }
        }
        return .map(merged)
    }
}
