/// A template that cannot be parsed or run, at `template:line:column`, as Helm reports it
/// (`template: NAME:LINE:COL: executing "NAME" at <…>: …` in Go; here the place and the reason).
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

    public init(_ kind: Kind, template: String, line: Int, column: Int, _ message: String, limit: Limit? = nil) {
        self.kind = kind
        self.limit = limit ?? (kind == .limit ? .input : nil)
        self.template = template
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(template):\(line):\(column): \(message)" }
}
