import Foundation
import Yams

/// Where the bundle puts things on the node, which the offline config must point at.
public struct OfflinePlacement: Sendable {
    /// Release name → absolute path of the chart archive on the node.
    public var chartPaths: [String: String]
    /// Release name → the chart's real, resolved version.
    public var versions: [String: String]
    /// Repository name → absolute path of its installed CA certificate on the node.
    public var caFiles: [String: String]

    public init(chartPaths: [String: String] = [:], versions: [String: String] = [:], caFiles: [String: String] = [:]) {
        self.chartPaths = chartPaths
        self.versions = versions
        self.caFiles = caFiles
    }
}

extension K0sConfig {
    /// The config rewritten so that k0s needs no network for the placed charts: their
    /// `chartname` is the local archive and `version` the real version; repositories no chart
    /// needs any more are removed; the remaining ones point `caFile` at the installed
    /// certificate and lose `username`, `password`, `certFile` and `keyfile` (a warning says
    /// so). Everything outside the helm section is kept byte for byte, the k0sctl wrapper
    /// included; inside it, keys keep their order and `values` strings their exact bytes, but
    /// comments within the helm section are not kept. The short form becomes a complete
    /// ClusterConfig.
    public func offlineConfig(_ placement: OfflinePlacement) throws(ConfigError) -> (text: String, warnings: [ConfigProblem]) {
        var warnings: [ConfigProblem] = []
        let placedCharts = Set(placement.chartPaths.keys)

        // Repositories still needed: those of charts that stay online.
        var needed = Set<String>()
        for chart in charts where !placedCharts.contains(chart.name) {
            switch chart.source {
            case .oci(_, let repository?): needed.insert(repository)
            case .repository(let name, _): needed.insert(name)
            default: break
            }
        }

        func key(_ text: String) -> Node { .scalar(.init(text, .implicit, .plain)) }
        func string(_ text: String, _ style: Node.Scalar.Style) -> Node { .scalar(.init(text, Tag(.str), style)) }

        var repositoryNodes: [Node] = []
        let allRepositoryNodes = shortFormRepositories + (helm.first { $0.key.scalar?.string.lowercased() == "repositories" }?.value.sequence.map(Array.init) ?? [])
        for (entry, node) in zip(repositories, allRepositoryNodes) {
            guard needed.contains(entry.name), case .mapping(let mapping) = node else { continue }
            if case .oci(_, let prefix) = entry.kind, !prefix.isEmpty {
                warnings.append(ConfigProblem(.warning, .droppedForOffline, at: entry.location, path: "repository \"\(entry.name)\"",
                                              "left out of the offline config: k0s rejects an oci repository URL with a path"))
                continue
            }
            var pairs: [(Node, Node)] = []
            var dropped: [String] = []
            for (k, v) in mapping {
                let name = k.scalar?.string.lowercased() ?? ""
                if ["username", "password", "certfile", "keyfile"].contains(name) {
                    dropped.append(k.scalar?.string ?? name)
                    continue
                }
                if name == "cafile", let installed = placement.caFiles[entry.name] {
                    pairs.append((k, string(installed, .plain)))
                    continue
                }
                pairs.append((k, v))
            }
            if !dropped.isEmpty {
                warnings.append(ConfigProblem(.warning, .droppedForOffline, at: entry.location, path: "repository \"\(entry.name)\"",
                                              "\(dropped.joined(separator: ", ")) left out of the offline config: secrets and client keys never go into a bundle; put them on the node yourself if k0s needs them"))
            }
            repositoryNodes.append(.mapping(.init(pairs, .implicit, .block)))
        }

        var chartNodes: [Node] = []
        let chartList = helm.first { $0.key.scalar?.string.lowercased() == "charts" }?.value.sequence.map(Array.init) ?? []
        for (entry, node) in zip(charts, chartList) {
            guard case .mapping(let mapping) = node else { continue }
            guard let path = placement.chartPaths[entry.name] else {
                chartNodes.append(node)
                continue
            }
            var pairs: [(Node, Node)] = []
            var wroteVersion = false
            for (k, v) in mapping {
                switch k.scalar?.string.lowercased() ?? "" {
                case "chartname":
                    pairs.append((k, string(path, .plain)))
                    if entry.version == nil, let version = placement.versions[entry.name] {
                        pairs.append((key("version"), string(version, .doubleQuoted)))
                        wroteVersion = true
                    }
                case "version":
                    pairs.append((k, string(placement.versions[entry.name] ?? v.scalar?.string ?? "", .doubleQuoted)))
                    wroteVersion = true
                default:
                    pairs.append((k, v))
                }
            }
            if !wroteVersion, let version = placement.versions[entry.name] {
                pairs.append((key("version"), string(version, .doubleQuoted)))
            }
            if entry.namespace == nil {
                pairs.append((key("namespace"), string("default", .plain)))
            }
            chartNodes.append(.mapping(.init(pairs, .implicit, .block)))
        }

        var helmPairs: [(Node, Node)] = []
        var wroteRepositories = false
        for (k, v) in helm {
            switch k.scalar?.string.lowercased() ?? "" {
            case "repositories":
                wroteRepositories = true
                if !repositoryNodes.isEmpty { helmPairs.append((k, .sequence(.init(repositoryNodes, .implicit, .block)))) }
            case "charts":
                helmPairs.append((k, .sequence(.init(chartNodes, .implicit, .block))))
            default:
                helmPairs.append((k, v))
            }
        }
        if !wroteRepositories, !repositoryNodes.isEmpty {
            helmPairs.insert((key("repositories"), .sequence(.init(repositoryNodes, .implicit, .block))), at: 0)
        }
        let serialized: String
        do {
            serialized = try Yams.serialize(node: .mapping(.init(helmPairs, .implicit, .block)), indent: 2, width: -1, allowUnicode: true)
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: helmPath, "the helm section could not be written: \(error)")])
        }

        let output: String
        switch format {
        case .shortForm:
            output = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec:\n  extensions:\n    helm:\n"
                + Self.indent(serialized, by: 6)
        case .clusterConfig, .k0sctl:
            output = try splice(serialized)
        }

        // Read our own output back: it must load, and every values string must be byte-identical.
        let reread: K0sConfig
        do {
            reread = try K0sConfig.parse(text: output, file: file + " (offline)", directory: directory)
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: helmPath, "internal error: the offline config does not load back: \(error)")])
        }
        let before = Self.valuesStrings(in: text)
        let after = Self.valuesStrings(in: output)
        if before != after || reread.charts.count != charts.count {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: helmPath, "internal error: the offline config changed a values string")])
        }
        return (output, warnings)
    }

    /// Replaces the helm section's block in the original text, keeping every other byte.
    private func splice(_ serialized: String) throws(ConfigError) -> String {
        guard let helmKey, let mark = helmKey.mark else {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .noHelmSection, at: nil, path: helmPath, "no helm section to rewrite")])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let keyLine = mark.line - 1
        let keyIndent = mark.column - 1
        guard keyLine < lines.count else {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .noHelmSection, at: nil, path: helmPath, "internal error: helm key out of range")])
        }
        // The block: following lines indented deeper than the key (blank lines inside included,
        // trailing blank lines left where they are).
        var last = keyLine
        var index = keyLine + 1
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { index += 1; continue }
            let indent = line.prefix { $0 == " " }.count
            if indent <= keyIndent { break }
            last = index
            index += 1
        }
        let keyText = lines[keyLine]
        let scalars = Array(keyText.unicodeScalars)
        var colon = keyIndent
        while colon < scalars.count, scalars[colon] != ":" { colon += 1 }
        let head = String(String.UnicodeScalarView(scalars[..<min(colon + 1, scalars.count)]))
        let block = Self.indent(serialized, by: keyIndent + 2)
        let replacement = [head] + block.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        lines.replaceSubrange(keyLine...last, with: replacement)
        return lines.joined(separator: "\n")
    }

    static func indent(_ text: String, by count: Int) -> String {
        let pad = String(repeating: " ", count: count)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    /// Every chart's values string, for the byte-for-byte check.
    static func valuesStrings(in text: String) -> [String] {
        guard let config = try? K0sConfig.parse(text: text, file: "", directory: "/") else { return [] }
        let list = config.helm.first { $0.key.scalar?.string.lowercased() == "charts" }?.value.sequence.map(Array.init) ?? []
        return list.map { node in
            node.mapping?.first { $0.key.scalar?.string.lowercased() == "values" }?.value.scalar?.string ?? "<none>"
        }
    }
}
