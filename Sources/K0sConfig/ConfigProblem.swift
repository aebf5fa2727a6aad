/// A place in a config file, for messages: `k0s.yaml:23:11`.
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One thing wrong with (or worth knowing about) a config, with where it is.
public struct ConfigProblem: Sendable, CustomStringConvertible, Hashable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// Stable identifiers; tests compare these, never the text.
    public enum Code: String, Sendable {
        case unreadable, invalidYAML, notAConfig, severalConfigs, noHelmSection
        case unknownKey, duplicateKey, wrongType, missingKey, invalidReleaseName, duplicateName
        case invalidChartReference, undefinedRepository, invalidRepositoryURL, unusableFile
        case pathPrefixRepository, defaultNamespace, systemTrustStore, insecure, credentialsInConfig
        case droppedForOffline
    }

    public var severity: Severity
    public var code: Code
    public var location: ConfigLocation?
    /// Key path in the document, like `spec.extensions.helm.charts[1].chart`.
    public var path: String
    public var message: String

    public init(_ severity: Severity, _ code: Code, at location: ConfigLocation?, path: String, _ message: String) {
        self.severity = severity
        self.code = code
        self.location = location
        self.path = path
        self.message = message
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(brief)"
    }

    /// The key path and message, without place and severity (for callers that add their own).
    public var brief: String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    /// Place, key path and message, without severity.
    public var located: String {
        (location.map { "\($0): " } ?? "") + brief
    }
}

/// A config that cannot be used, with every problem found in it (not just the first).
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [ConfigProblem]

    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    public var errors: [ConfigProblem] { problems.filter { $0.severity == .error } }

    public var description: String {
        let count = errors.count
        let header = "\(file): \(count) problem\(count == 1 ? "" : "s") to fix before k0s (or bundle) can use this config"
        return ([header] + problems.sorted { ($0.severity, $0.location?.line ?? 0) < ($1.severity, $1.location?.line ?? 0) }.map { "  \($0)" }).joined(separator: "\n")
    }
}
