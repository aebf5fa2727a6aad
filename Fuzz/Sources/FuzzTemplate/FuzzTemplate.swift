import FuzzDriver
import HelmTemplate

/// A chart template as `images`, `plan`, `build` and `template` run it (charts come from
/// registries: untrusted): any bytes are parsed, then run against values of every shape with
/// Helm's functions, within small limits so that a runaway template stops quickly. Every input
/// must render or throw a TemplateError, never trap, hang or exhaust memory.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let limits = TemplateSet.Limits(steps: 200_000, depth: 100, outputBytes: 1 << 20)
    guard let set = try? TemplateSet(files: ["chart/templates/t.yaml": text, "chart/templates/_h.tpl": TemplateInput.helpers], limits: limits) else { return 0 }
    _ = try? set.render("chart/templates/t.yaml", data: TemplateInput.dot)
    return 0
}

enum TemplateInput {
    static let helpers = #"{{- define "h" -}}{{ .Values.name | default "x" | trunc 63 }}{{- end -}}{{- define "r" -}}{{ include "r" . }}{{- end -}}"#
    /// Made anew for each input: `set` changes a dict in place, as Go does.
    static var dot: Value { [
        "Values": ["name": "web", "n": 1000000.0, "f": 0.25, "on": true, "list": ["a", 1.0, ["b"]], "map": ["k": "v", "n": ["x": 1.0]], "nil": .null],
        "Release": ["Name": "rel", "Namespace": "ns"],
        "Capabilities": ["KubeVersion": ["Version": "v1.36.0", "GitVersion": "v1.36.0"], "APIVersions": ["v1", "apps/v1"]],
    ] }
}

@_cdecl("FuzzTemplate_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzTemplate(data, size) }
}
