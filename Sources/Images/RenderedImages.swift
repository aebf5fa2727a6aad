import Diagnostics
import HelmTemplate

/// The images of one release as `helm template` renders it: every `image` of the containers,
/// init containers and ephemeral containers of every document Helm would install (workloads,
/// pods, the pod templates of custom resources, hooks), Helm test hooks and hooks of unknown
/// types left out (an install does not run them), plus the images the chart's annotations
/// declare but do not render.
public struct RenderedImages: Sendable {
    public private(set) var images: [FoundImage] = []
    /// `CHART/templates/FILE: "text" is not an image reference`: rendered images that are not valid.
    public private(set) var undetermined: [String] = []
    /// What was rendered or declared but not taken, with the reason.
    public private(set) var skipped: [String] = []

    /// The keys under which pod specs list containers.
    static let containerKeys: Set<String> = ["containers", "initContainers", "ephemeralContainers"]

    /// Renders `chart` with the release's values; a chart Helm would refuse throws its
    /// `TemplateError` (kind `.unsupported` where the engine lacks a feature the chart uses).
    public init(chart: ChartFiles, releaseValues: String?, release: ChartRender.Release) throws {
        // A binary file's bytes say nothing of the images a chart runs: read as empty here (a
        // keystore for a Secret), not a gap that would leave the render for the values; only
        // `bundle template`, which prints them, refuses it.
        let files = chart.renderFiles.mapValues { $0 == ChartRender.binaryFile ? "" : $0 }
        // A k0s config's values: the first document, as k0s reads them.
        let output = try ChartRender(files: files).renderChart(values: releaseValues.map { [$0] } ?? [], documents: .first, release: release)
        skipped += output.disabledSubcharts.map { "\(chart.name) subchart \($0)" }
        let sorted = try ManifestSorter.sort(output.templates)
        for manifest in sorted.manifests + sorted.hooks {
            let values: Values
            do { values = try Values(yaml: manifest.content) } catch {
                throw TemplateError(.parse, template: manifest.path, line: 1, column: 1, "YAML parse error on \(manifest.path): \(error)")
            }
            var containers: [Values] = []
            Self.collectContainers(values, into: &containers, depth: 0)
            for container in containers {
                let text = container["image"]?.text ?? ""
                if manifest.isTestHook {
                    skipped.append("\(manifest.path) (\(text)): a Helm test hook (helm test runs it, an install does not)")
                    continue
                }
                do { add(try ImageReference(parsing: text), from: manifest.path) } catch {
                    undetermined.append("\(manifest.path): image \"\(Escaped(text))\" \(error.reason)")
                }
                for (flag, reference) in Self.operandImages(of: container) { add(reference, from: "\(manifest.path) (\(flag))") }
            }
        }
        try addDeclared(chart, releaseValues: releaseValues)
    }

    /// Images the annotations list that the render did not run: taken unless the values say
    /// their block is off, or an image of the same repository was rendered (with its own tag).
    private mutating func addDeclared(_ chart: ChartFiles, releaseValues: String?) throws {
        guard Self.declaresImages(chart) else { return }  // no annotation: nothing to read the values for
        let declared = try ChartImages(chart: chart, releaseValues: releaseValues)
        let rendered = Set(images.map(\.reference.name))
        for image in declared.images {
            let annotations = image.sources.filter { $0.contains(" annotation ") }
            guard let source = annotations.first else { continue }
            if rendered.contains(image.reference.name), !images.contains(where: { $0.reference == image.reference }) {
                skipped.append("\(source) (\(image.reference)): the release renders another tag of it")
            } else {
                add(image.reference, from: source)
            }
        }
        skipped += declared.skipped.filter { $0.contains(" annotation ") }
    }

    /// Whether the chart or a subchart lists images in an annotation.
    static func declaresImages(_ chart: ChartFiles) -> Bool {
        ChartImages.annotationKeys.contains { chart.annotations[$0] != nil } || chart.subcharts.contains(where: declaresImages)
    }

    /// Every container of every container list in `value` (pod specs anywhere), in document order.
    static func collectContainers(_ value: Values, into found: inout [Values], depth: Int) {
        guard depth < 64 else { return }
        switch value {
        case .map(let pairs):
            for (key, item) in pairs {
                if containerKeys.contains(key), case .list(let containers) = item { found += containers }
                collectContainers(item, into: &found, depth: depth + 1)
            }
        case .list(let items):
            for item in items { collectContainers(item, into: &found, depth: depth + 1) }
        default:
            return
        }
    }

    /// Images an operator is told to run as arguments (`--acme-http01-solver-image=REF`, as
    /// cert-manager's controller is): a `--…image…=` flag of the container whose value names a
    /// tag or a digest. The operator starts those pods itself, so the render has no pod spec.
    static func operandImages(of container: Values) -> [(flag: String, reference: ImageReference)] {
        var found: [(String, ImageReference)] = []
        for field in ["args", "command"] {
            guard case .list(let words)? = container[field] else { continue }
            for case .string(let word) in words {
                guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { continue }
                let flag = String(word[..<equals])
                guard flag.lowercased().contains("image"), let reference = try? ImageReference(parsing: String(word[word.index(after: equals)...])),
                      !reference.tagDefaulted else { continue }
                found.append((flag, reference))
            }
        }
        return found
    }

    private mutating func add(_ reference: ImageReference, from source: String) {
        if let index = images.firstIndex(where: { $0.reference == reference }) {
            if !images[index].sources.contains(source) { images[index].sources.append(source) }
        } else {
            images.append(FoundImage(reference: reference, sources: [source]))
        }
    }
}
