import Diagnostics

/// A build that cannot produce a bundle, with every reason found (per chart, all at once).
/// A problem that came from another module (a registry, TLS, an archive) keeps that error's
/// code and class, so `--json` says `certificateUntrusted`, not a generic build failure.
public struct BuildError: ToolError {
    public enum Code: String, ErrorCodeSet {
        case config, unsupportedChart, pullFailed, notInCache, unvendoredDependencies, certificate, output, cacheCorrupt
        /// A blob this build downloaded cannot be read back from the cache folder.
        case cacheUnreadable
        /// A chart's images cannot be found (its archive's values or templates cannot be read).
        case imagesUnreadable
        /// `--strict-images`: template lines whose image could not be determined.
        case imagesUndetermined
        /// A release does not render (Helm would refuse it too): `fail`, `required`, a template error.
        case renderFailed
        /// `--strict-images`: a release uses a feature the template engine lacks (its values were read instead).
        case renderUnsupported
        /// A release's templates ran more than 10 million steps, or nested `include`/`tpl` deeper than 1000.
        case renderStepLimit, renderDepthLimit
        /// A release's templates wrote more than 16 MiB, or ran more than 1 million `range` iterations.
        case renderOutputLimit, renderIterationLimit
        /// A chart's input is too large to render: values' YAML nodes, its schema, subchart nesting.
        case renderInputLimit
        /// The build would download more than `--max-download`.
        case downloadTooLarge
        /// The cache or the output's file system has too little free space for the build.
        case notEnoughSpace

        public var errorClass: ErrorClass {
            switch self {
            case .config, .unsupportedChart, .notInCache, .unvendoredDependencies, .certificate, .imagesUnreadable, .imagesUndetermined, .renderFailed, .renderUnsupported, .renderStepLimit, .renderDepthLimit,
                 .renderOutputLimit, .renderIterationLimit, .renderInputLimit, .downloadTooLarge: return .input
            case .pullFailed: return .remote
            case .output, .cacheUnreadable, .notEnoughSpace: return .local
            case .cacheCorrupt: return .integrity
            }
        }
    }

    public struct Problem: Sendable, CustomStringConvertible {
        public var code: String
        public var errorClass: ErrorClass
        /// The release, repository or file concerned.
        public var subject: String
        public var message: String
        public var hint: String

        public init(code: Code, subject: String, message: String, hint: String = "") {
            self.init(code: code.rawValue, errorClass: code.errorClass, subject: subject, message: message, hint: hint)
        }

        init(code: String, errorClass: ErrorClass, subject: String, message: String, hint: String) {
            self.code = code
            self.errorClass = errorClass
            self.subject = subject
            self.message = message
            self.hint = hint
        }

        /// Another module's error, about `subject` (a release, say), with its own code kept.
        public init(wrapping error: any Error, subject: String) {
            if let error = error as? BuildError, let first = error.problems.first, error.problems.count == 1 {
                self = first
                return
            }
            guard let error = error as? any ToolError else {
                self.init(code: .pullFailed, subject: subject, message: "\(error)")
                return
            }
            self.init(code: error.errorCode, errorClass: error.errorClass, subject: subject,
                      message: error.subject.isEmpty || error.subject == subject ? error.reason : "\(error.subject): \(error.reason)", hint: error.hint)
        }

        /// The same problem, said of another subject (the releases a blob belongs to).
        public func about(_ subject: String) -> Problem {
            var problem = self
            problem.subject = subject
            return problem
        }

        /// The shape `--json` prints.
        public var report: ErrorReport {
            ErrorReport(code: code, errorClass: errorClass.rawValue, subject: subject, message: description, hint: hint)
        }

        public var description: String { hint.isEmpty ? "\(subject): \(message)" : "\(subject): \(message). \(hint)" }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) {
        self.problems = problems
    }

    public init(_ code: Code, _ subject: String, _ message: String, hint: String = "") {
        self.problems = [Problem(code: code, subject: subject, message: message, hint: hint)]
    }

    public var errorCode: String { problems.first?.code ?? Code.pullFailed.rawValue }
    public var errorClass: ErrorClass { problems.first?.errorClass ?? .remote }
    public var subject: String { problems.count == 1 ? problems[0].subject : "" }
    public var reason: String {
        if problems.count == 1 { return problems[0].message }
        return "the bundle cannot be built (\(problems.count) problems):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
    public var hint: String { problems.count == 1 ? problems[0].hint : "" }
}
