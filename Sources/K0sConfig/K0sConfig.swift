import Content
import Foundation
import Yams

/// A k0s config as k0s reads it: the helm extension's repositories and charts, validated as
/// strictly as k0s validates them, with every problem located by file, line and column.
///
/// Accepted inputs, detected by content: a k0s `ClusterConfig`, the short form (top-level
/// `repositories:` and `extensions.helm.charts:`), a k0sctl `Cluster` carrying the
/// ClusterConfig under `spec.k0s.config`, or a multi-document file holding one of these.
public struct K0sConfig {
    public enum Format: String, Sendable {
        case clusterConfig = "k0s ClusterConfig"
        case shortForm = "short form"
        case k0sctl = "k0sctl Cluster"
    }

    /// The file as named by the user.
    public let file: String
    /// The folder relative paths (caFile, certFile, keyfile) resolve against.
    public let directory: String
    public let text: String
    public let format: Format
    public let repositories: [RepositoryEntry]
    public let charts: [ChartEntry]
    /// Warnings and notes (errors are thrown).
    public let problems: [ConfigProblem]

    /// The helm section as parsed (for the rewrite), and the key path that leads to it.
    let helm: Node.Mapping
    let helmKey: Node?
    let helmPath: String
    /// For the short form, top-level repositories live outside the helm mapping.
    let shortFormRepositories: [Node]

    static let helmKeys = ["concurrencyLevel", "repositories", "charts"]
    static let repositoryKeys = ["name", "url", "caFile", "certFile", "keyfile", "username", "password", "insecure"]
    static let chartKeys = ["name", "chartname", "version", "values", "namespace", "timeout", "forceUpgrade", "order"]

    /// Reads and validates the config at `path`.
    public static func load(path: String) throws(ConfigError) -> K0sConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (check permissions)" : "does not exist"
            throw ConfigError(file: path, problems: [ConfigProblem(.error, .unreadable, at: nil, path: "", "\(path) \(reason)")])
        }
        guard data.count <= ConfigLimits.bytes else {
            throw ConfigError(file: path, problems: [ConfigProblem(.error, .configTooLarge, at: ConfigLocation(file: path, line: 1, column: 1), path: "",
                                                                  "is \(data.count) bytes; a config may be at most \(ConfigLimits.bytes)")])
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte order mark: valid YAML, dropped
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let at = ConfigLimits.firstInvalidUTF8(bytes)
            throw ConfigError(file: path, problems: [ConfigProblem(.error, .invalidYAML, at: ConfigLocation(file: path, line: at.line, column: at.column), path: "",
                                                                  "is not UTF-8 text (byte 0x\(String(at.byte, radix: 16)) here); save the file as UTF-8")])
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text: text, file: path, directory: directory)
    }

    static func yamlProblem(_ error: YamlError, file: String, text: String = "") -> ConfigProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigProblem(.error, .invalidYAML, at: ConfigLocation(file: file, line: mark.line, column: mark.column), path: "", "not valid YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigProblem(.error, .duplicateKey, at: ConfigLocation(file: file, line: context.mark.line, column: context.mark.column), path: "",
                                 "the key \(duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")) is given twice in this mapping; keep one")
        case .reader(let problem, let offset, _, _):
            // libyaml's reader gives a byte offset: turned into the line and column it is at.
            var line = 1, column = 1
            for byte in text.utf8.prefix(offset ?? 0) {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return ConfigProblem(.error, .invalidYAML, at: ConfigLocation(file: file, line: line, column: column), path: "", "not readable YAML: \(problem)")
        default:
            return ConfigProblem(.error, .invalidYAML, at: ConfigLocation(file: file, line: 1, column: 1), path: "", "not valid YAML: \(error)")
        }
    }

    // MARK: Entries

    static func repository(_ node: Node, path: String, index: Int, directory: String, reader: inout NodeReader) -> RepositoryEntry? {
        guard let fields = reader.fields(node, path: path, allowed: repositoryKeys, context: "a repository entry") else { return nil }
        let name = reader.string(fields, "name", path: path, required: true)
        let url = reader.string(fields, "url", path: path, required: true)
        let caFile = reader.string(fields, "caFile", path: path, required: false)
        let certFile = reader.string(fields, "certFile", path: path, required: false)
        let keyFile = reader.string(fields, "keyfile", path: path, required: false)
        let username = reader.string(fields, "username", path: path, required: false, nonEmpty: false)
        let password = reader.string(fields, "password", path: path, required: false, nonEmpty: false)
        let insecure = reader.bool(fields, "insecure", path: path) ?? false
        guard let name, let url else { return nil }

        var kind: RepositoryEntry.Kind
        let lower = url.lowercased()
        if lower.hasPrefix("oci://") {
            let rest = String(url.dropFirst("oci://".count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let registry = String(rest.split(separator: "/", maxSplits: 1).first ?? "")
            let prefix = rest.count > registry.count ? String(rest.dropFirst(registry.count + 1)) : ""
            guard ChartReference.isValidRegistry(registry), prefix.isEmpty || ChartReference.isValidRepository(prefix) else {
                reader.report(.error, .invalidRepositoryURL, fields["url"]?.value, "\(path).url", "\"\(url)\" is not a valid OCI registry URL; write oci://HOST[:PORT]")
                return nil
            }
            kind = .oci(registry: registry, pathPrefix: prefix)
            if !prefix.isEmpty {
                reader.report(.warning, .pathPrefixRepository, fields["url"]?.value, "\(path).url",
                              "k0s rejects an oci repository URL with a path (/\(prefix)); bundle matches charts under it, and the rewritten config will not contain this entry")
            }
        } else if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            guard URL(string: url)?.host != nil else {
                reader.report(.error, .invalidRepositoryURL, fields["url"]?.value, "\(path).url", "\"\(url)\" is not a valid URL")
                return nil
            }
            kind = .http(url: url)
        } else {
            reader.report(.error, .invalidRepositoryURL, fields["url"]?.value, "\(path).url",
                          "\"\(url)\" must start with oci://, https:// or http://")
            return nil
        }
        if insecure {
            reader.report(.warning, .insecure, fields["insecure"]?.value, "\(path).insecure",
                          "TLS verification is off for repository \"\(name)\"; anyone on the network path can impersonate it")
        }
        if let password, !password.isEmpty {
            let prefix = RegistryCredentials.variablePrefix(for: name)
            reader.report(.warning, .credentialsInConfig, fields["password"]?.value, "\(path).password",
                          "repository \"\(name)\" has its password written into the config; bundles never carry it, but the file is easily committed or shared: set \(prefix)_USERNAME and \(prefix)_PASSWORD, or use `docker login`, instead")
        }
        func resolve(_ file: String?) -> String? {
            guard let file else { return nil }
            // `~/` from HOME only (Foundation's expansion may ask the password database).
            let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            let expanded = file.hasPrefix("~/") ? home.map { $0 + file.dropFirst() } ?? file : file
            if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
            return ((directory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
        }
        return RepositoryEntry(
            name: name, url: url, kind: kind, caFile: caFile, certFile: certFile, keyFile: keyFile, username: username,
            password: password, insecure: insecure, resolvedCAFile: resolve(caFile), resolvedCertFile: resolve(certFile),
            resolvedKeyFile: resolve(keyFile),
            location: reader.location(node) ?? ConfigLocation(file: reader.file, line: 0, column: 0), index: index)
    }

    static func chart(_ node: Node, path: String, index: Int, format: Format, repositories: [RepositoryEntry], reader: inout NodeReader) -> ChartEntry? {
        guard let fields = reader.fields(node, path: path, allowed: chartKeys, context: "a chart entry") else { return nil }
        let name = reader.string(fields, "name", path: path, required: true)
        let chartname = reader.string(fields, "chartname", path: path, required: true)
        let version = reader.string(fields, "version", path: path, required: false)
        let namespace = reader.string(fields, "namespace", path: path, required: format != .shortForm)
        var valuesText: String?
        if let values = fields["values"] {
            if case .scalar = values.value {
                valuesText = reader.string(fields, "values", path: path, required: false, nonEmpty: false)
            } else {
                reader.report(.error, .wrongType, values.value, "\(path).values",
                              "\"values\" must be a YAML string holding the chart's values, found \(NodeReader.kind(of: values.value)); write `values: |` and indent the values under it")
            }
        }
        if let timeout = fields["timeout"], timeout.value.scalar == nil {
            reader.report(.error, .wrongType, timeout.value, "\(path).timeout", "\"timeout\" must be a duration like 10m or a number of seconds")
        }
        _ = reader.bool(fields, "forceUpgrade", path: path)
        _ = reader.int(fields, "order", path: path)

        if let name, !isValidReleaseName(name) {
            reader.report(.error, .invalidReleaseName, fields["name"]?.value, "\(path).name",
                          "\"\(name)\" is not a valid Helm release name: at most 53 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit")
        }
        if format == .shortForm, namespace == nil, let name {
            reader.report(.note, .defaultNamespace, node, "\(path).namespace", "chart \"\(name)\" has no namespace; it goes to \"default\"")
        }
        guard let name, let chartname else { return nil }

        let source: ChartSource
        if chartname.lowercased().hasPrefix("oci://") {
            let reference: ChartReference
            do {
                reference = try ChartReference(parsing: chartname)
            } catch {
                reader.report(.error, .invalidChartReference, fields["chartname"]?.value, "\(path).chartname", error.reason + ". " + error.hint)
                return nil
            }
            let repository = matchRepository(reference, in: repositories)
            source = .oci(reference, repository: repository?.name)
            if repository == nil {
                reader.report(.note, .systemTrustStore, fields["chartname"]?.value, "\(path).chartname",
                              "no repository entry matches \(reference.registry); its certificate is checked against the system trust store, without credentials unless the environment or a Docker config gives them")
            }
        } else if chartname.hasPrefix("/") {
            source = .localFile(chartname)
        } else {
            let parts = chartname.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                reader.report(.error, .invalidChartReference, fields["chartname"]?.value, "\(path).chartname",
                              "\"\(chartname)\" is not a chart reference: use oci://HOST[:PORT]/PATH/CHART, REPOSITORY/CHART, or an absolute path to a chart .tgz on the node")
                return nil
            }
            let repositoryName = String(parts[0])
            guard let repository = repositories.first(where: { $0.name == repositoryName }) else {
                let names = repositories.map(\.name)
                var message = "repository \"\(repositoryName)\" is not defined in repositories"
                if let close = NodeReader.suggestion(for: repositoryName, among: names) { message += "; did you mean \"\(close)\"?" }
                message += names.isEmpty ? " (there are none)" : " (defined: \(names.joined(separator: ", ")))"
                reader.report(.error, .undefinedRepository, fields["chartname"]?.value, "\(path).chartname", message)
                return nil
            }
            if case .oci = repository.kind {
                reader.report(.error, .invalidChartReference, fields["chartname"]?.value, "\(path).chartname",
                              "repository \"\(repositoryName)\" is an OCI registry; write the chart as oci://\(repository.url.dropFirst("oci://".count))/\(parts[1])")
                return nil
            }
            source = .repository(name: repositoryName, chart: String(parts[1]))
        }
        return ChartEntry(
            name: name, chartname: chartname, version: version, namespace: namespace, values: valuesText, source: source,
            location: reader.location(node) ?? ConfigLocation(file: reader.file, line: 0, column: 0), index: index)
    }

    /// Helm's release name rule (and k0s's schema): DNS-1123 subdomain, at most 53 characters.
    public static func isValidReleaseName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 53 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            let ok: (Character) -> Bool = { $0.isASCII && ($0.isNumber || ("a"..."z").contains($0)) }
            return ok(first) && ok(last) && label.allSatisfy { ok($0) || $0 == "-" }
        }
    }

    /// The repository entry whose registry (host and port) equals the chart's and whose path
    /// prefix, if any, covers the chart's path on whole segments; the longest prefix wins.
    public static func matchRepository(_ reference: ChartReference, in repositories: [RepositoryEntry]) -> RepositoryEntry? {
        var best: (RepositoryEntry, Int)?
        for repository in repositories {
            guard case .oci(let registry, let prefix) = repository.kind,
                  registry.lowercased() == reference.registry.lowercased()
            else { continue }
            let covers = prefix.isEmpty || reference.repository == prefix || reference.repository.hasPrefix(prefix + "/")
            guard covers else { continue }
            let length = prefix.isEmpty ? 0 : prefix.split(separator: "/").count
            if length > (best?.1 ?? -1) { best = (repository, length) }
        }
        return best?.0
    }

    public func repository(named name: String?) -> RepositoryEntry? {
        guard let name else { return nil }
        return repositories.first { $0.name == name }
    }

    /// Problems with the files a repository names (caFile, certFile, keyfile): each missing or
    /// unreadable one, naming the repository and the field. Checked when the repository is
    /// used, since a config may name files that exist only on the node.
    public func fileProblems(for repository: RepositoryEntry) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for (field, written, resolved) in [("caFile", repository.caFile, repository.resolvedCAFile),
                                           ("certFile", repository.certFile, repository.resolvedCertFile),
                                           ("keyfile", repository.keyFile, repository.resolvedKeyFile)] {
            guard let written, let resolved else { continue }
            if !FileManager.default.isReadableFile(atPath: resolved) {
                let why = FileManager.default.fileExists(atPath: resolved) ? "cannot be read (check permissions)" : "does not exist"
                let shown = written == resolved ? written : "\(written) (\(resolved))"
                problems.append(ConfigProblem(
                    .error, .unusableFile, at: repository.location, path: "repository \"\(repository.name)\".\(field)",
                    "\(field) \(shown) \(why); relative paths resolve against the config's folder \(directory)"))
            }
        }
        if repository.certFile != nil && repository.keyFile == nil {
            problems.append(ConfigProblem(.error, .missingKey, at: repository.location, path: "repository \"\(repository.name)\".keyfile",
                                          "certFile is given without keyfile; give the client certificate's private key too"))
        }
        return problems
    }
}
