/// A build that cannot produce a bundle, with every reason found (per chart, all at once).
public struct BuildError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case config, unsupportedChart, pullFailed, notInCache, unvendoredDependencies, certificate, signing, output, cacheCorrupt
    }

    public struct Problem: Sendable, CustomStringConvertible {
        public var code: Code
        /// The release, repository or file concerned.
        public var subject: String
        public var message: String
        public var description: String { "\(subject): \(message)" }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) {
        self.problems = problems
    }

    public init(_ code: Code, _ subject: String, _ message: String) {
        self.problems = [Problem(code: code, subject: subject, message: message)]
    }

    public var description: String {
        if problems.count == 1 { return problems[0].description }
        return "the bundle cannot be built (\(problems.count) problems):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
