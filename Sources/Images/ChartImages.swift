import Foundation
import Diagnostics
import HelmTemplate
import Yams

/// An image a release runs, with every place it was found.
public struct FoundImage: Sendable, Equatable {
    public var reference: ImageReference
    /// Where: `values app.image`, `app/templates/job.yaml:12`, `annotation artifacthub.io/images`.
    public var sources: [String]

    public init(reference: ImageReference, sources: [String]) {
        self.reference = reference
        self.sources = sources
    }
}

/// The images of one release of a chart, found in its values (the chart's merged with the
/// release's, subcharts under their keys), its templates' literal references and its
/// annotations; with what could not be determined and what was skipped, and why.
public struct ChartImages: Sendable {
    public private(set) var images: [FoundImage] = []
    /// `chart/templates/file.yaml:LINE: the line`: image lines whose image is unknown.
    public private(set) var undetermined: [String] = []
    /// What was found but not taken, with the reason (disabled, a test hook, a subchart off).
    public private(set) var skipped: [String] = []

    /// The annotations that list a chart's images (Artifact Hub's, Helm's proposal, Bitnami's).
    static let annotationKeys = ["artifacthub.io/images", "helm.sh/images", "images"]

    /// `releaseValues`: the release's `values` string from the k0s config, if any.
    public init(chart: ChartFiles, releaseValues: String?) throws {
        var values = try Self.read(chart.valuesText, as: "\(chart.name)/values.yaml") { try Values(valuesFile: $0) }
        if let releaseValues, !releaseValues.isEmpty {
            values = values.merged(with: try Self.read(releaseValues, as: "the release's values") { try Values(yaml: $0) })
        }
        scan(chart, values: values, label: chart.name, depth: 0)
    }

    /// Values read by `read`; an error names the values and the line Yams gives, and what to do.
    private static func read(_ text: String, as file: String, _ read: (String) throws -> Values) throws -> Values {
        do {
            return try read(text)
        } catch let error as ImageError {
            throw error
        } catch {
            let place = PlainYAML.mark(of: error).map { "\(file):\($0.line)" } ?? file
            throw ImageError(.imageListInvalid, place, reason: "cannot be read as values: \(error)",
                             hint: "Fix the YAML there, or name the release's images with --image.")
        }
    }

    private mutating func scan(_ chart: ChartFiles, values: Values, label: String, depth: Int) {
        let subchartKeys = Set(chart.dependencies.map(\.key) + chart.subcharts.map(\.name))
        let valuesScan = ValuesScan(values: values, appVersion: Self.defaultTag(chart), subchartKeys: subchartKeys)
        for hit in valuesScan.hits {
            let source = "\(label) values \(hit.path)"
            if let skippedBecause = hit.skipped {
                skipped.append("\(source)\(hit.reference.map { " (\($0))" } ?? ""): \(skippedBecause)")
            } else if let reference = hit.reference {
                add(reference, from: source)
            }
        }
        var blocks: [String: TemplateScan.Block] = [:]
        for hit in valuesScan.hits {
            blocks[hit.path] = hit.reference == nil ? .incomplete : hit.skipped == nil ? .found : .disabled
        }
        let templates = TemplateScan(chart: label, templates: chart.templates, blocks: blocks)
        for literal in templates.literals { add(literal.reference, from: literal.location) }
        undetermined += templates.undetermined
        skipped += templates.skipped + templates.invalid
        // An annotation lists every image a chart may run (Bitnami's lists the exporters of
        // disabled metrics too): one whose values block is disabled, and none enabled, is skipped.
        let taken = Set(valuesScan.hits.filter { $0.skipped == nil }.compactMap { $0.reference?.name })
        var disabled: [String: String] = [:]
        for hit in valuesScan.hits where hit.skipped != nil { if let name = hit.reference?.name { disabled[name] = hit.path } }
        for key in Self.annotationKeys {
            guard let text = chart.annotations[key] else { continue }
            for reference in Self.annotationImages(text, key: key, chart: label, skipped: &skipped) {
                if !taken.contains(reference.name), let path = disabled[reference.name] {
                    skipped.append("\(label) annotation \(key) (\(reference)): its values block \(path) is disabled")
                    continue
                }
                add(reference, from: "\(label) annotation \(key)")
            }
        }
        guard depth < ChartFiles.maxDepth else { return }
        for sub in chart.subcharts {
            let dependency = chart.dependencies.first { $0.name == sub.name }
            let key = dependency?.key ?? sub.name
            if let dependency, let off = Self.disabledReason(dependency, values: values) {
                skipped.append("\(label) subchart \(key): \(off)")
                continue
            }
            var subValues = (try? Values(valuesFile: sub.valuesText)) ?? .map([])
            if let own = values[key], own.isMap { subValues = subValues.merged(with: own) }
            if let global = values["global"], global.isMap {
                subValues = subValues.setting("global", to: (subValues["global"] ?? .map([])).merged(with: global))
            }
            scan(sub, values: subValues, label: "\(label)/charts/\(key)", depth: depth + 1)
        }
    }

    private mutating func add(_ reference: ImageReference, from source: String) {
        if let index = images.firstIndex(where: { $0.reference == reference }) {
            if !images[index].sources.contains(source) { images[index].sources.append(source) }
        } else {
            images.append(FoundImage(reference: reference, sources: [source]))
        }
    }

    /// The tag an empty `tag` stands for: the chart's appVersion, with a `v` in front where the
    /// templates write `printf "v%s" .Chart.AppVersion` (kube-state-metrics, metrics-server).
    static func defaultTag(_ chart: ChartFiles) -> String? {
        guard let appVersion = chart.appVersion, !appVersion.isEmpty else { return nil }
        guard !appVersion.hasPrefix("v") else { return appVersion }
        // Only the helper idiom `default (printf "v%s" .Chart.AppVersion) .Values.…tag`; a "v" in
        // front of appVersion elsewhere (a label, another image) says nothing about the tag.
        let prefixed = chart.templates.contains { t in t.text.contains("(printf \"v%s\" .Chart.AppVersion) .Values.") }
        return prefixed ? "v" + appVersion : appVersion
    }

    /// Why a dependency is off: its `condition` (the first path that is a bool decides) or,
    /// without one, its `tags` all false; nil when it is on.
    static func disabledReason(_ dependency: ChartFiles.Dependency, values: Values) -> String? {
        if let condition = dependency.condition {
            for path in condition.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if case .bool(let on)? = values.value(at: path) { return on ? nil : "its condition \(path) is false" }
            }
        }
        guard !dependency.tags.isEmpty else { return nil }
        let settings = dependency.tags.compactMap { tag -> Bool? in
            if case .bool(let on)? = values.value(at: "tags.\(tag)") { return on }
            return nil
        }
        if settings.contains(true) || settings.isEmpty { return nil }
        return "its tags (\(dependency.tags.joined(separator: ", "))) are false"
    }

    /// The `image` fields of an annotation holding a YAML list (`- name: x\n  image: y`).
    static func annotationImages(_ text: String, key: String, chart: String, skipped: inout [String]) -> [ImageReference] {
        guard let values = try? Values(yaml: text), case .list(let items) = values else {
            skipped.append("\(chart) annotation \(key): not a YAML list of {name, image}")
            return []
        }
        var references: [ImageReference] = []
        for item in items {
            guard let image = item["image"]?.text ?? item.text else { continue }
            do {
                references.append(try ImageReference(parsing: image))
            } catch {
                skipped.append("\(chart) annotation \(key): \"\(Escaped(image))\" \(error.reason)")
            }
        }
        return references
    }
}
