import Archive
import ArgumentParser
import Diagnostics
import Foundation
import HelmTemplate
import Images

/// `bundle template`: a chart rendered as `helm template` renders it, with the tool's own engine.
struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a chart's templates as `helm template` does (the tool's own engine, no Helm needed).",
        discussion: """
            CHART is a chart archive (.tgz) or folder. Values: the chart's values.yaml, then each \
            --values file over it in order. Prints every rendered template as a YAML document \
            with a `# Source:` line (partials and NOTES.txt are not printed). Templates are \
            untrusted: no I/O, no environment, bounded steps, depth and output. Vendored \
            subcharts are rendered with their own values, as Helm renders them.
            """)

    @Argument(help: ArgumentHelp("The chart: a .tgz or a folder.", valueName: "chart"))
    var chart: String

    @Option(name: [.customShort("f"), .customLong("values")], help: ArgumentHelp("A values file (repeatable; later ones win).", valueName: "file"))
    var values: [String] = []

    @Option(help: "The release name.")
    var name = "release-name"

    @Option(help: "The release namespace.")
    var namespace = "default"

    @Option(name: .customLong("kube-version"), help: ArgumentHelp("The Kubernetes version for .Capabilities (default 1.36.0, Helm's).", valueName: "version"))
    var kubeVersion = ChartRender.defaultKubeVersion

    @Flag(name: .customLong("include-crds"), help: "Print the chart's CRDs (crds/) first, as `helm template --include-crds` does.")
    var includeCRDs = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    /// A chart that does not render: where, why, and what to do.
    static func failure(_ error: TemplateError, chart: String) -> CommandError {
        CommandError(code: error.kind == .unsupported ? .renderUnsupported : .renderFailed,
                     subject: "\(chart): \(error.template):\(error.line):\(error.column)", reason: error.message,
                     hint: error.kind == .failed ? "The chart refuses these values; give the values it asks for"
                         : error.kind == .missingDependency ? "Run `helm dependency build` on the chart, as Helm would fetch it from the network"
                         : error.kind == .unsupported ? "Render it with Helm for now; `bundle images` reads this chart's values instead"
                         : "Check the template at that place")
    }

    func validate() throws {
        if KubeVersion.parse(kubeVersion) == nil {
            throw ValidationError("--kube-version \(kubeVersion) is not a Kubernetes version such as 1.34.1 or v1.34.1+k0s.0.")
        }
    }

    func run() throws {
        try Output.reportingErrors(json: false) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: chart, isDirectory: &isFolder) else {
                throw CommandError(code: .unreadableInput, subject: chart, reason: "does not exist", hint: "Give a chart archive (.tgz) or folder")
            }
            let files = try (isFolder.boolValue ? ChartFiles(folder: chart) : ChartFiles(archive: chart)).renderFiles
            var texts: [String] = []
            for file in values {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw CommandError(code: .unreadableInput, subject: file, reason: "cannot be read", hint: "Check the path given to --values")
                }
                texts.append(text)
            }
            let release = ChartRender.Release(name: name, namespace: namespace, kubeVersion: KubeVersion.parse(kubeVersion) ?? ChartRender.defaultKubeVersion)
            let rendered: ChartRender.Output
            do { rendered = try ChartRender(files: files).renderChart(values: texts, release: release) } catch let error as TemplateError { throw Self.failure(error, chart: chart) }
            let sorted: (manifests: [ManifestSorter.Manifest], hooks: [ManifestSorter.Manifest])
            do { sorted = try ManifestSorter.sort(rendered.templates) } catch let error as TemplateError { throw Self.failure(error, chart: chart) }
            var text = includeCRDs ? rendered.crds.map { "---\n# Source: \($0.path)\n\($0.text)\n" }.joined() : ""
            text += ManifestSorter.printed(sorted)
            print(text, terminator: "")
        }
    }
}
