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
    /// A repository entry to add (a mirror install points every chart at it).
    public var mirror: MirrorRepository?

    public init(chartPaths: [String: String] = [:], versions: [String: String] = [:], caFiles: [String: String] = [:]) {
        self.chartPaths = chartPaths
        self.versions = versions
        self.caFiles = caFiles
    }
}

/// The repository entry of a mirror, as k0s reads it: `url: oci://HOST[:PORT]` (no path), the
/// installed CA, `insecure: false` written out, and credentials only where given on the node.
public struct MirrorRepository: Sendable {
    public var name: String
    public var url: String
    public var caFile: String
    public var username: String?
    public var password: String?

    public init(name: String, url: String, caFile: String, username: String? = nil, password: String? = nil) {
        self.name = name
        self.url = url
        self.caFile = caFile
        self.username = username
        self.password = password
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
        let (repositoryNodes, kept) = offlineRepositories(placement, warnings: &warnings)
        let chartNodes = offlineCharts(placement)
        let helmPairs = offlineHelmPairs(repositories: repositoryNodes, charts: chartNodes)
        /// The helm section regenerated, for the short form and where editing lines is unsafe.
        func serialized() throws(ConfigError) -> String {
            do {
                return try Yams.serialize(node: .mapping(.init(helmPairs, .implicit, .block)), indent: 2, width: -1, allowUnicode: true)
            } catch {
                throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: helmPath, "the helm section could not be written: \(error)")])
            }
        }

        let output: String
        var reread: K0sConfig?
        switch format {
        case .shortForm:
            output = ConfigLines(text).native("apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec:\n  extensions:\n    helm:\n"
                + Self.indent(try serialized(), by: 6))
        case .clusterConfig, .k0sctl:
            // Keep the user's own lines (and comments) where the file's shape allows; else
            // regenerate the helm section.
            if placement.mirror == nil, let edited = surgical(placement, keep: kept), let parsed = try? K0sConfig.parse(text: edited, file: file, directory: directory),
               isFaithful(parsed, placement: placement, keep: kept)
            {
                output = edited
                reread = parsed
            } else {
                output = try splice(try serialized())
            }
        }

        // Read our own output back: it must load, and every values string must be byte-identical.
        let checked: K0sConfig
        if let reread {
            checked = reread
        } else {
            do {
                checked = try K0sConfig.parse(text: output, file: file + " (offline)", directory: directory)
            } catch {
                // Where the rewritten config fails (file (offline):line:column), and why.
                let inner = error.problems.first
                throw ConfigError(file: file, problems: [ConfigProblem(.error, inner?.code ?? .invalidYAML, at: inner?.location ?? ConfigLocation(file: file, line: 1, column: 1),
                                                                      path: inner?.path ?? helmPath,
                                                                      "the config rewritten for offline use does not load back (\(inner?.message ?? "\(error)")); this is a bug in bundle: report it with the config")])
            }
        }
        if checked.valuesStrings != valuesStrings || checked.charts.count != charts.count {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: helmPath, "internal error: the offline config changed a values string")])
        }
        return (output, warnings)
    }

    private static func key(_ text: String) -> Node { .scalar(.init(text, .implicit, .plain)) }
    private static func string(_ text: String, _ style: Node.Scalar.Style) -> Node { .scalar(.init(text, Tag(.str), style)) }

    /// The repository entries the offline config keeps (those of charts that stay online),
    /// without secrets and with `caFile` pointing at the installed certificate; and their names.
    private func offlineRepositories(_ placement: OfflinePlacement, warnings: inout [ConfigProblem]) -> ([Node], Set<String>) {
        let placedCharts = Set(placement.chartPaths.keys)
        let string = Self.string
        // Repositories still needed: those of charts that stay online.
        var needed = Set<String>()
        for chart in charts where !placedCharts.contains(chart.name) {
            switch chart.source {
            case .oci(_, let repository?): needed.insert(repository)
            case .repository(let name, _): needed.insert(name)
            default: break
            }
        }

        var repositoryNodes: [Node] = []
        var kept = Set<String>()
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
            kept.insert(entry.name)
        }
        if let mirror = placement.mirror {
            var pairs: [(Node, Node)] = [(Self.key("name"), string(mirror.name, .plain)), (Self.key("url"), string(mirror.url, .doubleQuoted)),
                                         (Self.key("caFile"), string(mirror.caFile, .plain)), (Self.key("insecure"), .scalar(.init("false", .implicit, .plain)))]
            if let username = mirror.username, let password = mirror.password {
                pairs += [(Self.key("username"), string(username, .doubleQuoted)), (Self.key("password"), string(password, .doubleQuoted))]
            }
            repositoryNodes.append(.mapping(.init(pairs, .implicit, .block)))
            kept.insert(mirror.name)
        }
        return (repositoryNodes, kept)
    }

    /// The chart entries, each placed one pointing at its archive on the node with its real version.
    private func offlineCharts(_ placement: OfflinePlacement) -> [Node] {
        let key = Self.key, string = Self.string
        var chartNodes: [Node] = []
        let chartList = helm.first { $0.key.scalar?.string.lowercased() == "charts" }?.value.sequence.map(Array.init) ?? []
        for (entry, node) in zip(charts, chartList) {
            guard case .mapping(let mapping) = node else { continue }
            guard let path = placement.chartPaths[entry.name] else {
                // Not placed (a local file): kept, with the namespace a ClusterConfig requires.
                if entry.namespace == nil {
                    chartNodes.append(.mapping(.init(Array(mapping) + [(key("namespace"), string("default", .plain))], .implicit, .block)))
                } else {
                    chartNodes.append(node)
                }
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
        return chartNodes
    }

    /// The helm section's pairs with the new repositories and charts, other keys as they were.
    private func offlineHelmPairs(repositories repositoryNodes: [Node], charts chartNodes: [Node]) -> [(Node, Node)] {
        let key = Self.key
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
        return helmPairs
    }

    /// The rewrite as edits to the original lines, or nil where that is not safe.
    private func surgical(_ placement: OfflinePlacement, keep: Set<String>) -> String? {
        var edit = SurgicalRewrite(text: text)
        func pair(_ mapping: Node.Mapping, _ key: String) -> (key: Node, value: Node)? {
            mapping.first { $0.key.scalar?.string.lowercased() == key.lowercased() }.map { ($0.key, $0.value) }
        }
        func plain(_ value: String) -> String {
            let safe = value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+".unicodeScalars.contains($0) }
            if safe, let first = value.first, first != "-" { return value }
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        guard case .sequence(let chartList)? = pair(helm, "charts")?.value, chartList.style != .flow else { return nil }
        for (entry, node) in zip(charts, chartList) {
            guard let path = placement.chartPaths[entry.name] else { continue }
            guard case .mapping(let mapping) = node, mapping.style != .flow, let chartname = pair(mapping, "chartname") else { return nil }
            guard edit.replace(chartname.value, with: plain(path)) else { return nil }
            if let version = placement.versions[entry.name] {
                if let existing = pair(mapping, "version") {
                    guard edit.replace(existing.value, with: "\"\(version)\"") else { return nil }
                } else {
                    guard edit.insert("version: \"\(version)\"", after: chartname.key) else { return nil }
                }
            }
        }
        if let repositoriesPair = pair(helm, "repositories") {
            guard case .sequence(let list) = repositoriesPair.value, list.style != .flow else { return nil }
            if keep.isEmpty {
                guard edit.delete(key: repositoriesPair.key, sequence: true) else { return nil }
            } else {
                for (entry, node) in zip(repositories, list) {
                    guard case .mapping(let mapping) = node, mapping.style != .flow else { return nil }
                    guard keep.contains(entry.name) else {
                        guard edit.delete(item: node) else { return nil }
                        continue
                    }
                    for (key, value) in mapping {
                        let name = key.scalar?.string.lowercased() ?? ""
                        if ["username", "password", "certfile", "keyfile"].contains(name) {
                            guard edit.delete(key: key) else { return nil }
                        } else if name == "cafile", let installed = placement.caFiles[entry.name] {
                            guard edit.replace(value, with: plain(installed)) else { return nil }
                        }
                    }
                }
            }
        }
        return edit.apply()
    }

    /// Whether an edited config says exactly what the rewrite means: placed charts local with
    /// their versions, the kept repositories only, without secrets, values untouched.
    private func isFaithful(_ reread: K0sConfig, placement: OfflinePlacement, keep: Set<String>) -> Bool {
        guard reread.format == format, reread.charts.count == charts.count,
              reread.valuesStrings == valuesStrings,
              Set(reread.repositories.map(\.name)) == keep
        else { return false }
        for (before, after) in zip(charts, reread.charts) {
            guard before.name == after.name, before.namespace == after.namespace else { return false }
            if let path = placement.chartPaths[before.name] {
                guard after.chartname == path, after.version == placement.versions[before.name] ?? before.version else { return false }
            } else {
                guard after.chartname == before.chartname, after.version == before.version else { return false }
            }
        }
        for repository in reread.repositories {
            guard repository.username == nil, repository.password == nil, repository.certFile == nil, repository.keyFile == nil else { return false }
            if let installed = placement.caFiles[repository.name], repository.caFile != nil, repository.caFile != installed { return false }
        }
        return true
    }

    /// Replaces the helm section's block in the original text, keeping every other byte.
    private func splice(_ serialized: String) throws(ConfigError) -> String {
        guard let helmKey, let mark = helmKey.mark else {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .noHelmSection, at: nil, path: helmPath, "no helm section to rewrite")])
        }
        var split = ConfigLines(text)
        var lines = split.lines
        let keyLine = mark.line - 1
        let keyIndent = mark.column - 1
        guard keyLine < lines.count else {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .noHelmSection, at: nil, path: helmPath, "internal error: helm key out of range")])
        }
        ConfigMerge.replaceBlock(&lines, keyLine: keyLine, keyIndent: keyIndent, with: serialized)
        split.lines = lines
        return split.joined()
    }

    static func indent(_ text: String, by count: Int) -> String {
        let pad = String(repeating: " ", count: count)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    /// Every chart's values string, for the byte-for-byte check.
    static func valuesStrings(in text: String) -> [String] {
        (try? K0sConfig.parse(text: text, file: "", directory: "/"))?.valuesStrings ?? []
    }

    /// Every chart's `values` string as parsed ("<none>" where absent), in order.
    var valuesStrings: [String] {
        let list = helm.first { $0.key.scalar?.string.lowercased() == "charts" }?.value.sequence.map(Array.init) ?? []
        return list.map { node in
            node.mapping?.first { $0.key.scalar?.string.lowercased() == "values" }?.value.scalar?.string ?? "<none>"
        }
    }
}
