/// Helm's built-in objects as Helm v4 gives them to a template: `.Release`, `.Chart` (every field
/// of Chart.yaml under Helm's name, the absent ones empty as Helm leaves them), `.Capabilities`
/// (the Kubernetes version, the API versions `helm template` assumes, Helm's build) and
/// `.Template`. Held to Helm's own objects by HelmOracleTests.
enum HelmObjects {
    /// The dot of every template of one chart.
    static func dot(values: Value, chart: ChartTree, isRoot: Bool, release: ChartRender.Release, chartPath: String) -> [String: Value] {
        var typed = values
        if case .map(let map) = values { typed = .map(map.typed(.values)) }
        return [
            "Values": typed,
            "Release": ["Name": .string(release.name), "Namespace": .string(release.namespace), "IsInstall": true, "IsUpgrade": false,
                        "Revision": 1, "Service": "Helm"],
            "Chart": .map(self.chart(chart, isRoot: isRoot)),
            "Capabilities": capabilities(kubeVersion: release.kubeVersion),
            "Template": template(name: "", basePath: "\(chartPath)/templates"),
        ]
    }

    /// `.Template` of the template being rendered.
    static func template(name: String, basePath: String) -> Value {
        .map(ValueMap(["Name": .string(name), "BasePath": .string(basePath)], type: .values))
    }

    /// `.Chart`: Chart.yaml's fields under Helm's names; a field the file leaves out is Go's
    /// zero (`""`, `false`, `[]`), `IsRoot` says whether this is the release's own chart, and each
    /// dependency says whether it is `Enabled` and what it imports, as Helm normalises it.
    static func chart(_ chart: ChartTree, isRoot: Bool) -> ValueMap {
        let metadata = chart.metadata
        let text = { (key: String) -> Value in goString(metadata[key]) }
        let list = { (key: String) -> [Value] in if case .list(let items)? = metadata[key] { items.items } else { [] } }
        var object: [String: Value] = ["IsRoot": .bool(isRoot), "Annotations": .map(.nilMap(.stringMap))]
        for (key, name) in [("apiVersion", "APIVersion"), ("appVersion", "AppVersion"), ("condition", "Condition"), ("description", "Description"),
                            ("home", "Home"), ("icon", "Icon"), ("kubeVersion", "KubeVersion"), ("name", "Name"), ("tags", "Tags"),
                            ("type", "Type"), ("version", "Version")] {
            object[name] = text(key)
        }
        object["Deprecated"] = .bool(metadata["deprecated"] == .bool(true))
        object["Keywords"] = .list(of: list("keywords").map { .string(SprigStrings.stringify($0)) })
        object["Sources"] = .list(of: list("sources").map { .string(SprigStrings.stringify($0)) })
        object["Maintainers"] = .list(of: list("maintainers").map { person in
            guard case .map(let fields) = person else { return .map([:]) }
            return ["Name": goString(fields["name"]), "Email": goString(fields["email"]), "URL": goString(fields["url"])]
        })
        if case .map(let annotations)? = metadata["annotations"] {
            object["Annotations"] = .map(ValueMap(annotations.entries.mapValues { .string(SprigStrings.stringify($0)) }, type: .stringMap))
        }
        object["Dependencies"] = .list(of: list("dependencies").compactMap { dependency(of: chart, $0) })
        return ValueMap(object)
    }

    /// One of `.Chart.Dependencies`, nil for one a condition or tags turned off (Helm drops it
    /// from the list, so `Enabled` is true); `Name` is the alias where there is one; `ImportValues` as `child`/`parent` pairs (`- data`
    /// is `exports.data` into the top of the values).
    static func dependency(of chart: ChartTree, _ entry: Value) -> Value? {
        guard case .map(let fields) = entry else { return nil }
        let text = { (key: String) -> Value in goString(fields[key]) }
        let name = SprigStrings.stringify(fields["alias"].flatMap { $0 == .string("") ? nil : $0 } ?? fields["name"] ?? "")
        guard chart.subcharts.contains(where: { $0.name == name }) else { return nil }
        var imports: [Value] = []
        if case .list(let items)? = fields["import-values"] {
            imports = items.map { item in
                if case .string(let key) = item { return .map(ValueMap(["child": .string("exports." + key), "parent": "."], type: .stringMap)) }
                guard case .map(let pair) = item else { return item }
                return .map(ValueMap(pair.entries.mapValues { goString($0) }, type: .stringMap))
            }
        }
        var tags: [Value] = []
        if case .list(let items)? = fields["tags"] { tags = items.items }
        return ["Name": .string(name), "Version": text("version"), "Repository": text("repository"), "Condition": text("condition"),
                "Alias": text("alias"), "Tags": .list(of: tags), "ImportValues": .list(of: imports),
                "Enabled": true]
    }

    /// A Chart.yaml scalar as the Go string field Helm reads it into: `1.0` is "1", `true` is
    /// "true", nothing is "".
    static func goString(_ value: Value?) -> Value {
        switch value {
        case .string(let s)?: .string(s)
        case .bool(let b)?: .string(b ? "true" : "false")
        case .float(let f)?: .string(GoFloat.format(f))
        default: ""
        }
    }

    /// `.Capabilities` of a render for a cluster of `kubeVersion` (`1.36.0`).
    static func capabilities(kubeVersion: String) -> Value {
        let parts = kubeVersion.split(separator: ".")
        let kube = ValueMap(["Version": .string("v" + kubeVersion), "Major": .string(String(parts.first ?? "1")),
                             "Minor": .string(parts.count > 1 ? String(parts[1]) : "0"), "GitVersion": .string("v" + kubeVersion)], type: .kubeVersion)
        // The build of Helm the oracle is (Helm v4's SDK as helm-python-sdk 0.2.2 ships it).
        let helm = ValueMap(["Version": "v4.2", "GitCommit": "", "GitTreeState": "", "GoVersion": "go1.26.6", "KubeClientVersion": "v1.36"], type: .buildInfo)
        return .map(ValueMap(["KubeVersion": .map(kube), "HelmVersion": .map(helm),
                              "APIVersions": .list(ValueList(apiVersions.map { .string($0) }, type: .versionSet))], type: .capabilities))
    }

    /// The API group versions `helm template` assumes without a cluster, in Helm's order: those
    /// client-go's scheme registers (`.Capabilities.APIVersions`, its `Has`). Held to Helm's
    /// list by HelmOracleTests.
    static let apiVersions = [
        "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1", "admissionregistration.k8s.io/v1beta1",
        "internal.apiserver.k8s.io/v1alpha1", "apps/v1", "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1",
        "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1", "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
        "autoscaling/v1", "autoscaling/v2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1", "certificates.k8s.io/v1beta1",
        "certificates.k8s.io/v1alpha1", "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1",
        "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1", "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1",
        "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2",
        "flowcontrol.apiserver.k8s.io/v1beta3", "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1",
        "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1",
        "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1", "resource.k8s.io/v1beta2",
        "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3", "scheduling.k8s.io/v1alpha2", "scheduling.k8s.io/v1beta1",
        "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1", "storage.k8s.io/v1", "storage.k8s.io/v1alpha1",
        "storagemigration.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
    ]
}
