import Yams

/// Reading a config: YAML documents → the config document → its helm section → entries.
extension K0sConfig {
    /// Parses and validates config text; `directory` is where relative file paths resolve.
    public static func parse(text: String, file: String, directory: String) throws(ConfigError) -> K0sConfig {
        var reader = NodeReader(file: file)
        let (root, format) = try configDocument(in: try documents(text, file: file), file: file, reader: &reader)
        let section = helmSection(root, format: format, reader: &reader)
        var repositories: [RepositoryEntry] = []
        var charts: [ChartEntry] = []
        var helmMapping = Node.Mapping([])
        if let helmNode = section.node, let helm = reader.fields(helmNode, path: section.path, allowed: helmKeys, context: "the helm extension") {
            if case .mapping(let m) = helmNode { helmMapping = m }
            _ = reader.int(helm, "concurrencyLevel", path: section.path)
            repositories = Self.repositories(helm, section: section, directory: directory, reader: &reader)
            charts = Self.charts(helm, section: section, format: format, repositories: repositories, reader: &reader)
        }
        if reader.problems.contains(where: { $0.severity == .error }) {
            throw ConfigError(file: file, problems: reader.problems)
        }
        return K0sConfig(
            file: file, directory: directory, text: text, format: format, repositories: repositories, charts: charts,
            problems: reader.problems, helm: helmMapping, helmKey: section.key, helmPath: section.path,
            shortFormRepositories: section.topRepositories)
    }

    static func documents(_ text: String, file: String) throws(ConfigError) -> [Node] {
        if let problem = ConfigLimits.lineBreakProblem(text, file: file) { throw ConfigError(file: file, problems: [problem]) }
        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: text, encoding: .utf8)
            while let node = try parser.nextRoot() {
                documents.append(node)
                if let problem = ConfigLimits.check(node, file: file, count: documents.count) { throw ConfigError(file: file, problems: [problem]) }
            }
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigError(file: file, problems: [Self.yamlProblem(error, file: file, text: text)])
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: "", "not valid YAML: \(error)")])
        }
        return documents
    }

    /// Which document is the config, and in which form.
    static func configDocument(in documents: [Node], file: String, reader: inout NodeReader) throws(ConfigError) -> (Node, Format) {
        var candidates: [(Node, Format)] = []
        var others: [String] = []
        for document in documents {
            guard case .mapping(let root) = document else { continue }
            let apiVersion = root["apiVersion"]?.scalar?.string ?? ""
            let kind = root["kind"]?.scalar?.string ?? ""
            if apiVersion.hasPrefix("k0s.k0sproject.io/") && kind == "ClusterConfig" {
                candidates.append((document, .clusterConfig))
            } else if apiVersion.hasPrefix("k0sctl.k0sproject.io/") && kind == "Cluster" {
                candidates.append((document, .k0sctl))
            } else if apiVersion.isEmpty && kind.isEmpty && (root["repositories"] != nil || root["extensions"] != nil) {
                candidates.append((document, .shortForm))
            } else {
                others.append(kind.isEmpty ? "a document without apiVersion and kind" : "\(kind) \(apiVersion)")
            }
        }
        guard let first = candidates.first else {
            let found = others.isEmpty ? "nothing" : ConfigLimits.summary(others)
            throw ConfigError(file: file, problems: [ConfigProblem(
                .error, .notAConfig, at: ConfigLocation(file: file, line: 1, column: 1), path: "",
                "holds no k0s ClusterConfig (k0s.k0sproject.io/v1beta1), k0sctl Cluster (k0sctl.k0sproject.io/v1beta1) or short-form config with top-level repositories and extensions.helm.charts; found \(found)")])
        }
        if candidates.count > 1 {
            let lines = candidates.compactMap { $0.0.mark.map { "line \($0.line)" } }.joined(separator: ", ")
            reader.report(.error, .severalConfigs, candidates[1].0, "", "holds \(candidates.count) configs (\(lines)); give one config per file")
        }
        return first
    }

    /// Where the helm section is, and the short form's top-level repositories.
    struct HelmSection {
        var node: Node?
        var key: Node?
        var path = ""
        var topRepositories: [Node] = []
    }

    static func helmSection(_ root: Node, format: Format, reader: inout NodeReader) -> HelmSection {
        var section = HelmSection()
        switch format {
        case .clusterConfig, .k0sctl:
            let prefix: [String] = format == .k0sctl ? ["spec", "k0s", "config", "spec", "extensions", "helm"] : ["spec", "extensions", "helm"]
            var current: Node? = root
            for key in prefix {
                guard case .mapping(let mapping)? = current else {
                    current = nil
                    break
                }
                let pair = mapping.first { $0.key.scalar?.string.lowercased() == key.lowercased() }
                if key == "helm" { section.key = pair?.key }
                current = pair?.value
            }
            section.node = current
            section.path = prefix.joined(separator: ".")
            if section.node == nil {
                reader.report(.error, .noHelmSection, root, section.path, "the config has no \(section.path) section, so there are no charts to bundle")
            }
        case .shortForm:
            if let top = reader.fields(root, path: "", allowed: ["repositories", "extensions"], context: "the short form") {
                if let repositories = reader.sequence(top, "repositories", path: "") { section.topRepositories = repositories }
                if let extensions = top["extensions"], let ext = reader.fields(extensions.value, path: "extensions", allowed: ["helm"], context: "extensions") {
                    section.node = ext["helm"]?.value
                    section.key = ext["helm"]?.key
                }
            }
            section.path = "extensions.helm"
            if section.node == nil {
                reader.report(.error, .noHelmSection, root, section.path, "the short form needs extensions.helm.charts listing the charts to bundle")
            }
        }
        return section
    }

    static func repositories(_ helm: [String: NodeReader.Field], section: HelmSection, directory: String, reader: inout NodeReader) -> [RepositoryEntry] {
        var repositoryNodes: [(Node, String)] = section.topRepositories.enumerated().map { ($1, "repositories[\($0)]") }
        if let list = reader.sequence(helm, "repositories", path: section.path) {
            repositoryNodes += list.enumerated().map { ($1, "\(section.path).repositories[\($0)]") }
        }
        var repositories: [RepositoryEntry] = []
        var seen: [String: Node] = [:]
        for (index, (node, path)) in repositoryNodes.enumerated() {
            if let name = node.mapping?["name"]?.scalar?.string {
                if let first = seen[name] {
                    reader.report(.error, .duplicateName, node, "\(path).name", "repository \"\(name)\" is defined twice (first at \(reader.location(first).map(\.description) ?? "?"))")
                    continue
                }
                seen[name] = node
            }
            if let entry = Self.repository(node, path: path, index: index, directory: directory, reader: &reader) {
                repositories.append(entry)
            }
        }
        return repositories
    }

    static func charts(_ helm: [String: NodeReader.Field], section: HelmSection, format: Format, repositories: [RepositoryEntry],
                       reader: inout NodeReader) -> [ChartEntry] {
        var charts: [ChartEntry] = []
        var seen: [String: Node] = [:]
        for (index, node) in (reader.sequence(helm, "charts", path: section.path) ?? []).enumerated() {
            let path = "\(section.path).charts[\(index)]"
            if let name = node.mapping?["name"]?.scalar?.string {
                if let first = seen[name] {
                    reader.report(.error, .duplicateName, node, "\(path).name", "release name \"\(name)\" is used twice (first at \(reader.location(first).map(\.description) ?? "?")); k0s installs one release per name")
                }
                seen[name] = seen[name] ?? node
            }
            if let entry = Self.chart(node, path: path, index: index, format: format, repositories: repositories, reader: &reader) {
                charts.append(entry)
            }
        }
        return charts
    }
}
