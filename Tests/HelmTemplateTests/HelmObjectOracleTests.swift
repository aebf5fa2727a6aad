import Foundation
import HelmTemplate
import Testing

/// Helm's objects against Helm's own (scripts/helm-oracle), each template rendered as a chart
/// of its own, as `helm template` renders it: `.Values` and `.` are `common.Values` with their
/// methods, `.Capabilities` and its parts are structs (no keys, no `len`, no `range`), `dig`
/// takes a plain map only, and `.Chart` holds Chart.yaml's fields as Helm's Go strings.
struct HelmObjectOracleTests {
    static let chartFile = """
        apiVersion: v2
        name: objects
        version: 0.1.0
        maintainers: [{name: Ann, email: 5}]
        dependencies:
          - {name: sub, version: 1.0, import-values: [data, {child: a, parent: b}]}

        """

    static let templates: [String] = [
        "{{ .Values.YAML }}|{{ .Values.Table \"m\" }}|{{ typeOf (.Values.Table \"m\") }}|{{ .Values.Table \"m.q\" }}|{{ .Values.PathValue \"m.a\" }}",
        "{{ .Values.AsMap | typeOf }} {{ $_ := set .Values.AsMap \"z\" 1 }}{{ .Values.z }} {{ .Template.AsMap | typeOf }} {{ (.Values.Table \"m\").AsMap }} {{ .Values.m.AsMap }}",
        "{{ .Values.Table \"nope\" }}",
        "{{ .Values.Table \"m.a\" }}",
        "{{ .Values.PathValue \"m\" }}",
        "{{ .Values.PathValue \"m.x\" }}",
        "{{ dig \"m\" \"a\" 0 .Values.AsMap }} {{ dig \"m\" \"x\" \"d\" (.Values | merge dict) }} {{ dig \"a\" \"x\" (dict \"a\" nil) }}",
        "{{ dig \"m\" \"a\" 0 .Values }}",
        "{{ dig \"a\" \"b\" \"d\" (dict \"a\" 1) }}",
        "{{ len .Capabilities.KubeVersion }}",
        "{{ len .Capabilities }}",
        "{{ range .Capabilities.HelmVersion }}{{ end }}",
        "{{ index .Capabilities \"KubeVersion\" }}",
        "{{ .Capabilities.KubeVersion.Foo }}",
        "{{ range (semver \"1.0\") }}{{ end }}",
        "{{ typeOf (pick .Values \"m\") }} {{ typeOf (merge .Values dict) }} {{ typeOf (omit . \"x\") }}",
        "{{ .Chart.Annotations.foo | quote }} {{ index (split \",\" \"a\") \"_5\" | typeOf }} {{ (split \",\" \"a\")._5 | typeOf }}",
        "{{ .Chart.Maintainers }} {{ .Chart.Dependencies | toJson }} {{ typeOf (index (index .Chart.Dependencies 0).ImportValues 0) }}",
        "{{ $_ := merge (dict \"k\" .Chart.Annotations) (dict \"k\" (dict \"x\" \"1\")) }}{{ .Chart.Annotations | toJson }}",
    ]

    @Test func helmsObjectsBehaveAsHelmsDo() throws {
        let charts = Self.templates.map { template in
            ["Chart.yaml": Self.chartFile, "values.yaml": "m: {a: 1, q: {b: 2}}\ns: x\n", "templates/t.yaml": template,
             "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n"]
        }
        let answers = try HelmOracleTests.oracle(charts.enumerated().map { ["name": "objects\($0.offset)", "chart": $0.element, "values": [String: Any]()] })
        #expect(answers.count == charts.count)
        for (index, chart) in charts.enumerated() {
            let ours = Result { try ChartRender(files: chart).render(values: [], release: .init(name: "rel", namespace: "ns")) }
            let template = Self.templates[index]
            guard let helm = answers[index]["output"] as? [String: String] else {
                #expect((try? ours.get()) == nil, "Helm refuses \(template) (\(answers[index]["error"] ?? "")), the engine renders \(ours)")
                continue
            }
            #expect((try? ours.get())?["objects/templates/t.yaml"] == helm["objects/templates/t.yaml"], "\(template)\nhelm: \(helm)\nours: \(ours)")
        }
    }
}
