import Archive
import Foundation
import Yams

/// What a chart archive says about itself: its Chart.yaml and the subcharts vendored under
/// `charts/`, read with libarchive without unpacking.
struct ChartContents {
    struct Dependency {
        var name: String
        var version: String?
        var repository: String?
    }

    var name: String
    var version: String
    var dependencies: [Dependency]
    /// Names found under `charts/`: folders (`charts/x/`) and archives (`charts/x-1.0.0.tgz`).
    var vendored: [String]

    init(archive path: String) throws {
        let reader = try ArchiveReader(path: path)
        var chartYAML: Data?
        var vendored: [String] = []
        var parsed: ChartFile?
        while let entry = try reader.next() {
            let parts = entry.path.split(separator: "/").map(String.init)
            guard parts.count >= 2 else { continue }
            if parts.count == 2, parts[1] == "Chart.yaml", entry.kind == .regular {
                chartYAML = try reader.readAll(limit: 1 << 20)
                parsed = try chartYAML.flatMap { String(data: $0, encoding: .utf8) }.map { try YAMLDecoder(encoding: .utf8).decode(ChartFile.self, from: $0) }
                // `helm package` writes Chart.yaml first; without dependencies nothing else matters,
                // so a large chart is not decompressed to its end.
                if parsed?.dependencies?.isEmpty ?? true { break }
            } else if parts.count >= 3, parts[1] == "charts" {
                if parts.count == 3, parts[2].hasSuffix(".tgz") {
                    vendored.append(String(parts[2].dropLast(4)))
                } else if parts.count >= 4 {
                    vendored.append(parts[2])
                }
            }
        }
        guard chartYAML != nil, let decoded = parsed else {
            throw ArchiveError(.notAChartArchive, archive: path, reason: "holds no NAME/Chart.yaml, so it is not a Helm chart")
        }
        name = decoded.name
        version = decoded.version
        dependencies = (decoded.dependencies ?? []).map { Dependency(name: $0.name, version: $0.version, repository: $0.repository) }
        self.vendored = Array(Set(vendored)).sorted()
    }

    struct ChartFile: Decodable {
        struct Dep: Decodable { var name: String; var version: String?; var repository: String? }
        var name: String
        var version: String
        var dependencies: [Dep]?
    }

    /// Dependencies with nothing of their name under `charts/` (Helm would fetch them).
    var missingDependencies: [Dependency] {
        dependencies.filter { dependency in
            !vendored.contains { $0 == dependency.name || ($0.hasPrefix(dependency.name + "-") && $0.dropFirst(dependency.name.count + 1).first?.isNumber == true) }
        }
    }
}
