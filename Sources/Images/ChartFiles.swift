import Archive
import Foundation
import HelmTemplate
import Yams

/// The files of a chart that say which images it runs: Chart.yaml, values.yaml, templates,
/// the other files its templates may read, and its vendored subcharts (folders or archives
/// under `charts/`), read from the chart archive or folder, within limits (untrusted input).
public struct ChartFiles: Sendable {
    public struct Dependency: Sendable {
        public var name: String
        public var alias: String?
        public var condition: String?
        public var tags: [String]
        /// The key of the subchart's values in the parent's.
        public var key: String { alias ?? name }
    }

    public var name: String
    public var version: String
    public var appVersion: String?
    public var annotations: [String: String]
    public var dependencies: [Dependency]
    /// values.yaml's text ("" when there is none).
    public var valuesText: String
    /// Template files, path relative to the chart (`templates/deployment.yaml`), sorted.
    public var templates: [(path: String, text: String)]
    public var subcharts: [ChartFiles]
    /// Every file of the chart as text, a subchart's under `charts/NAME/` (what a render reads).
    public var renderFiles: [String: String]

    static let maxFileBytes: Int64 = 4 << 20
    static let maxTotalBytes: Int64 = 64 << 20
    static let maxDepth = 8

    /// Reads the chart archive at `path`.
    public init(archive path: String) throws {
        let reader = try ArchiveReader(path: path)
        var budget = Self.maxTotalBytes
        let files = try Self.read(reader, budget: &budget)
        try self.init(files: files, archive: path, depth: 0, budget: &budget)
    }

    /// Reads the chart folder at `path` (regular files only; links are not followed).
    public init(folder path: String) throws {
        var files: [String: Data] = [:]
        var budget = Self.maxTotalBytes
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            let full = path + "/" + relative
            guard let type = try? FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType, type == .typeRegular else { continue }
            guard let handle = FileHandle(forReadingAtPath: full) else { continue }
            let data = handle.readData(ofLength: Int(Self.maxFileBytes) + 1)
            try? handle.close()
            if !Self.isEssential(relative), data.count > Self.maxFileBytes || Int64(data.count) > budget {
                files[relative] = Data(ChartRender.omittedFile.utf8)
                continue
            }
            guard data.count <= Self.maxFileBytes else {
                throw ArchiveError(.archiveEntryTooLarge, archive: path, entry: relative, reason: "is larger than \(Self.maxFileBytes) bytes")
            }
            budget -= Int64(data.count)
            guard budget >= 0 else {
                throw ArchiveError(.archiveEntryTooLarge, archive: path, entry: relative, reason: "the chart's files add up to more than \(Self.maxTotalBytes) bytes")
            }
            files[relative] = data
        }
        try self.init(files: files, archive: path, depth: 0, budget: &budget)
    }

    /// A file as the render reads it. A file only `.Files` reads whose bytes are not UTF-8 (a
    /// binary) is `ChartRender.binaryFile`: the engine's strings are text, so its bytes could
    /// not come out as Helm's do (`.Files.Get | b64enc` of a keystore). Random bytes fail the
    /// check within a few bytes, where decoding them with replacement characters cost more than
    /// the rest of the read.
    static func text(of data: Data, at path: String) -> String {
        guard !isEssential(path) else { return String(decoding: data, as: UTF8.self) }
        return String(validating: data, as: UTF8.self) ?? ChartRender.binaryFile
    }

    /// Whether a file is one the chart's templates and values are made of (the rest are only
    /// `.Files`, which a large one may be left out of).
    static func isEssential(_ inner: String) -> Bool {
        inner == "Chart.yaml" || inner == "values.yaml" || inner == "values.schema.json" || inner.hasPrefix("templates/") || inner.hasPrefix("charts/")
    }

    /// Every regular file, by path inside the chart's top folder. A file only `.Files` reads
    /// that is larger than a file may be, or past the chart's total, is left out: its path
    /// maps to `ChartRender.omittedFile`, so a template reading it says so.
    static func read(_ reader: ArchiveReader, budget: inout Int64) throws -> [String: Data] {
        var files: [String: Data] = [:]
        while let entry = try reader.next() {
            guard entry.kind == .regular, let slash = entry.path.firstIndex(of: "/") else { continue }
            let inner = String(entry.path[entry.path.index(after: slash)...])
            if !isEssential(inner), entry.size > Self.maxFileBytes || entry.size > budget {
                files[inner] = Data(ChartRender.omittedFile.utf8)
                continue
            }
            let data = try reader.readAll(limit: Self.maxFileBytes)
            budget -= Int64(data.count)
            guard budget >= 0 else {
                throw ArchiveError(.archiveEntryTooLarge, archive: reader.path, entry: entry.path, reason: "the chart's files add up to more than \(Self.maxTotalBytes) bytes")
            }
            files[inner] = data
        }
        return files
    }

    init(files: [String: Data], archive: String, depth: Int, budget: inout Int64) throws {
        guard let chartData = files["Chart.yaml"], let chartText = String(data: chartData, encoding: .utf8) else {
            throw ArchiveError(.notAChartArchive, archive: archive, reason: "holds no Chart.yaml")
        }
        let chart = try Values(yaml: chartText)
        name = chart["name"]?.text ?? ""
        version = chart["version"]?.text ?? ""
        appVersion = chart["appVersion"]?.text
        var annotations: [String: String] = [:]
        if case .map(let pairs)? = chart["annotations"] {
            for (key, value) in pairs { if let text = value.text { annotations[key] = text } }
        }
        self.annotations = annotations
        var dependencies: [Dependency] = []
        if case .list(let items)? = chart["dependencies"] {
            for item in items {
                guard let name = item["name"]?.text else { continue }
                var tags: [String] = []
                if case .list(let list)? = item["tags"] { tags = list.compactMap(\.text) }
                dependencies.append(Dependency(name: name, alias: item["alias"]?.text, condition: item["condition"]?.text, tags: tags))
            }
        }
        self.dependencies = dependencies
        valuesText = files["values.yaml"].flatMap { String(data: $0, encoding: .utf8) } ?? ""
        templates = files.compactMap { path, data in
            guard path.hasPrefix("templates/"), let text = String(data: data, encoding: .utf8) else { return nil }
            return (path: path, text: text)
        }.sorted { $0.path < $1.path }
        subcharts = depth < Self.maxDepth ? try Self.subcharts(in: files, archive: archive, depth: depth, budget: &budget) : []
        var renderFiles: [String: String] = [:]
        for (path, data) in files where !path.hasPrefix("charts/") { renderFiles[path] = Self.text(of: data, at: path) }
        for sub in subcharts {
            for (path, text) in sub.renderFiles { renderFiles["charts/\(sub.name)/\(path)"] = text }
        }
        self.renderFiles = renderFiles
    }

    /// Vendored subcharts: `charts/NAME/…` folders and `charts/NAME-VERSION.tgz` archives.
    static func subcharts(in files: [String: Data], archive: String, depth: Int, budget: inout Int64) throws -> [ChartFiles] {
        var folders: [String: [String: Data]] = [:]
        var result: [ChartFiles] = []
        for (path, data) in files.sorted(by: { $0.key < $1.key }) where path.hasPrefix("charts/") {
            let rest = path.dropFirst("charts/".count)
            if let slash = rest.firstIndex(of: "/") {
                folders[String(rest[..<slash]), default: [:]][String(rest[rest.index(after: slash)...])] = data
            } else if rest.hasSuffix(".tgz") {
                let name = "\(archive): \(path)"
                let inner = try read(ArchiveReader(data: data, name: name), budget: &budget)
                result.append(try ChartFiles(files: inner, archive: name, depth: depth + 1, budget: &budget))
            }
        }
        for (folder, inner) in folders.sorted(by: { $0.key < $1.key }) where inner["Chart.yaml"] != nil {
            result.append(try ChartFiles(files: inner, archive: "\(archive): charts/\(folder)", depth: depth + 1, budget: &budget))
        }
        return result
    }
}
