/// A set of template files parsed together, as Helm parses a chart's templates: every file's
/// `define`s are visible to every other, and each file can be rendered by its name. No I/O and
/// no environment: a template sees only the data it is given, within `Limits`.
public struct TemplateSet: Sendable {
    /// Bounds for untrusted templates, for a whole release: steps, nesting of template calls
    /// (Helm's 1000), output size, `range` iterations; defaults no real chart reaches.
    public struct Limits: Sendable {
        public var steps: Int
        public var depth: Int
        public var outputBytes: Int
        public var iterations: Int

        public init(steps: Int = 10_000_000, depth: Int = 1000, outputBytes: Int = 16 << 20, iterations: Int = 1_000_000) {
            self.steps = steps
            self.depth = depth
            self.outputBytes = outputBytes
            self.iterations = iterations
        }
    }

    let files: [String: [Node]]
    /// Every file as a template of its own name too (`include (print $.Template.BasePath
    /// "/configmap.yaml") .`), with the definitions, a later one winning.
    let templates: [String: [Node]]
    /// The file each definition is in.
    let definitionFiles: [String: String]
    public let limits: Limits

    /// Parses `files` (name → text); the first error names its file, line and column.
    public init(files: [String: String], limits: Limits = Limits()) throws(TemplateError) {
        var parsed: [String: [Node]] = [:]
        var definitions: [String: [Node]] = [:]
        var definitionFiles: [String: String] = [:]
        for name in files.keys.sorted() {
            var lexer = Lexer(files[name] ?? "", name: name)
            var parser = Parser(tokens: try lexer.tokens(), name: name)
            parsed[name] = try parser.parse()
            // As Helm parses files in order, a later definition of a name replaces an earlier one.
            definitions.merge(parser.definitions) { _, new in new }
            for defined in parser.definitions.keys { definitionFiles[defined] = name }
        }
        self.definitionFiles = definitionFiles
        self.files = parsed
        self.templates = parsed.merging(definitions) { _, defined in defined }
        self.limits = limits
    }

    /// The names of the parsed files.
    public var names: [String] { files.keys.sorted() }

    /// The text the file `name` renders to with `data` as the dot. A missing value prints
    /// `<no value>` (Helm removes those afterwards).
    public func render(_ name: String, data: Value) throws(TemplateError) -> String {
        try DeepStack.run { () throws(TemplateError) -> String in
            var left = limits
            return try render(name, data: data, left: &left)
        }
    }

    /// Renders `name` within what `left` leaves of a release's budget, and takes what it used
    /// from `left` (a release's templates share one budget).
    public func render(_ name: String, data: Value, left: inout Limits) throws(TemplateError) -> String {
        guard let nodes = files[name] else {
            throw TemplateError(.execute, template: name, line: 1, column: 1, "no template \"\(name)\" in this set")
        }
        let executor = Executor(templates: templates, functions: HelmFunctions.all, limits: left, name: name, definitionFiles: definitionFiles)
        let text = try executor.run(nodes, data: data)
        left.steps -= executor.steps
        left.iterations -= executor.iterations
        left.outputBytes -= text.utf8.count
        return text
    }
}
