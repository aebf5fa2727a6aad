import Archive
import ArgumentParser
import Diagnostics
import Foundation
import HelmTemplate

/// `bundle template`: a chart rendered as `helm template` renders it, with the tool's own engine.
struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a chart's templates as `helm template` does (the tool's own engine, no Helm needed).",
        discussion: """
            CHART is a chart archive (.tgz) or folder. Values: the chart's values.yaml, then each \
            --values file over it in order. Prints every rendered template as a YAML document \
            with a `# Source:` line (partials and NOTES.txt are not printed). Templates are \
            untrusted: no I/O, no environment, bounded steps, depth and output. Vendored \
            subcharts are not rendered yet.
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

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: false) {
            let files = try ChartSource.files(chart)
            var texts: [String] = []
            for file in values {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw CommandError(code: .unreadableInput, subject: file, reason: "cannot be read", hint: "Check the path given to --values")
                }
                texts.append(text)
            }
            let release = ChartRender.Release(name: name, namespace: namespace, kubeVersion: kubeVersion.hasPrefix("v") ? String(kubeVersion.dropFirst()) : kubeVersion)
            let rendered: [String: String]
            do { rendered = try ChartRender(files: files).render(values: texts, release: release) } catch let error as TemplateError {
                throw CommandError(code: .renderFailed, subject: "\(chart): \(error.template):\(error.line):\(error.column)", reason: error.message,
                                   hint: error.kind == .failed ? "The chart refuses these values; give the values it asks for" : "Check the template at that place")
            }
            for path in rendered.keys.sorted() {
                for document in Self.documents(rendered[path] ?? "") { print("---\n# Source: \(path)\n" + document) }
            }
        }
    }

    /// A file's YAML documents, as `helm template` prints them: split at `---` lines, empty ones left out.
    static func documents(_ text: String) -> [String] {
        var documents: [String] = [], current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") {
                documents.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        documents.append(current.joined(separator: "\n"))
        return documents.map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}

/// A chart's text files in memory, from a `.tgz` (the top folder stripped) or a folder, within
/// limits (a chart is untrusted input): Chart.yaml, values.yaml and templates/.
enum ChartSource {
    static let maxFileBytes: Int64 = 4 << 20

    static func files(_ path: String) throws -> [String: String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CommandError(code: .unreadableInput, subject: path, reason: "does not exist", hint: "Give a chart archive (.tgz) or folder")
        }
        var files: [String: String] = [:]
        if isFolder.boolValue {
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                guard wanted(relative), let data = FileManager.default.contents(atPath: path + "/" + relative), data.count <= maxFileBytes else { continue }
                files[relative] = String(decoding: data, as: UTF8.self)
            }
        } else {
            let reader = try ArchiveReader(path: path)
            while let entry = try reader.next() {
                guard entry.kind == .regular else { continue }
                let relative = entry.path.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                guard wanted(relative) else { continue }
                files[relative] = String(decoding: try reader.readAll(limit: maxFileBytes), as: UTF8.self)
            }
        }
        guard files["Chart.yaml"] != nil else {
            throw CommandError(code: .unreadableInput, subject: path, reason: "holds no Chart.yaml", hint: "Give a chart archive (.tgz) or folder")
        }
        return files
    }

    static func wanted(_ relative: String) -> Bool {
        relative == "Chart.yaml" || relative == "values.yaml" || (relative.hasPrefix("templates/") && !relative.hasSuffix("/"))
    }
}
