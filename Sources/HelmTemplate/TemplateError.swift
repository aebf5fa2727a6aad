/// A template that cannot be parsed or run, at `template:line:column`, worded as Helm reports
/// it (`description`).
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The text is not a valid template.
        case parse
        /// Running it failed: a wrong type, a missing template, a function's error.
        case execute
        /// `fail` or `required` said so.
        case failed
        /// A limit for untrusted templates: depth, steps or output size.
        case limit
        /// A feature Helm has and this engine does not yet (a function, a Unicode script class,
        /// `import-values`): not the chart's fault; callers fall back rather than refuse.
        case unsupported
        /// Chart.yaml lists a dependency its charts/ folder does not hold (`helm dependency build`).
        case missingDependency
    }

    /// Which bound a `.limit` error hit (each has its own error code for callers).
    public enum Limit: String, Sendable {
        /// Steps of template execution (10 million a release).
        case steps
        /// Nested `template`/`include`/`tpl` calls (1000, Helm's).
        case depth
        /// Bytes written (16 MiB a release).
        case output
        /// `range` iterations (1 million a release).
        case iterations
        /// The input itself: YAML nodes of values, schema steps, subchart nesting.
        case input
    }

    public var kind: Kind
    public var limit: Limit?
    public var template: String
    public var line: Int
    public var column: Int
    public var message: String
    /// The action that failed as the template wrote it (`include "x" .`), where known.
    public var node: String?
    /// Raised by a template's text or its run (not by a values file, a schema or Chart.yaml):
    /// worded as Helm words template errors.
    public var inTemplate: Bool

    public init(_ kind: Kind, template: String, line: Int, column: Int, _ message: String, limit: Limit? = nil, node: String? = nil, inTemplate: Bool = false) {
        self.kind = kind
        self.limit = limit ?? (kind == .limit ? .input : nil)
        self.template = template
        self.line = line
        self.column = column
        self.message = message
        self.node = node
        self.inTemplate = inTemplate
    }

    /// As Helm words it, with Go's column (counted from 0): `template: T:L:C: executing "T"
    /// at <NODE>: …` for a template that failed to run, `execution error at (T:L:C): …` for
    /// what the chart refused (`fail`, `required`), `parse error at (T:L): …`; `T:L:C: …` for
    /// the engine's own limits and gaps, which Helm has not. Errors of a values file, a schema
    /// or Chart.yaml read `FILE:LINE:COLUMN: …`.
    public var description: String {
        let goColumn = max(column - 1, 0)
        guard inTemplate else { return "\(template):\(line):\(column): \(message)" }
        switch kind {
        case .parse: return "parse error at (\(template):\(line)): \(message)"
        case .failed: return "execution error at (\(template):\(line):\(goColumn)): \(message)"
        case .execute: return "template: \(template):\(line):\(goColumn): executing \"\(template)\"\(node.map { " at <\($0)>" } ?? ""): \(message)"
        case .limit, .unsupported, .missingDependency: return "\(template):\(line):\(goColumn): \(message)"
        }
    }
}
