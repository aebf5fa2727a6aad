import Diagnostics

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
        var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .note: return 2
            }
        }
        public static func < (a: Severity, b: Severity) -> Bool {
            a.rank < b.rank
        }
    }

    /// Stable identifiers; tests compare these, never the text.
    public enum Code: String, ErrorCodeSet {
        case unreadable, invalidYAML, notAConfig, severalConfigs, noHelmSection
        case unknownKey, duplicateKey, wrongType, missingKey, invalidReleaseName, duplicateName
        case invalidChartReference, undefinedRepository, invalidRepositoryURL, unusableFile
        case pathPrefixRepository, defaultNamespace, systemTrustStore, insecure, credentialsInConfig
        case droppedForOffline
        /// A config over the documented limits (size, documents, nesting, nodes).
        case configTooLarge

        public var errorClass: ErrorClass { self == .unreadable ? .local : .input }
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

    /// The one error shape of `--json`, with where it is and its severity.
    public var report: ErrorReport {
        ErrorReport(code: code.rawValue, errorClass: code.errorClass.rawValue, subject: location?.description ?? "", message: located, hint: "",
                    location: .init(file: location?.file, line: location?.line, column: location?.column, path: path.isEmpty ? nil : path),
                    severity: severity.rawValue)
    }
}

/// A config that cannot be used, with every problem found in it (not just the first).
public struct ConfigError: ToolError {
    public var file: String
    public var problems: [ConfigProblem]

    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    public var errors: [ConfigProblem] { problems.filter { $0.severity == .error } }

    /// The first error's code (`unknownKey`, …); `problems` has them all.
    public var errorCode: String { (errors.first ?? problems.first)?.code.rawValue ?? ConfigProblem.Code.invalidYAML.rawValue }
    public var errorClass: ErrorClass { (errors.first ?? problems.first)?.code.errorClass ?? .input }
    /// The first error's place (`k0s.yaml:23:11`), else the file.
    public var subject: String { errors.first?.location?.description ?? file }
    public var hint: String { "" }

    public var reason: String {
        let count = errors.count
        let header = "\(count) problem\(count == 1 ? "" : "s") to fix before k0s (or bundle) can use this config"
        return ([header] + problems.sorted { ($0.severity, $0.location?.line ?? 0) < ($1.severity, $1.location?.line ?? 0) }.map { "  \($0)" }).joined(separator: "\n")
    }

    /// The file, then every problem on a line of its own.
    public var description: String { "\(file): \(reason)" }
}
