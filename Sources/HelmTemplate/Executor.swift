/// Runs parsed templates against data as Go's `text/template` executes them: a dot, a stack of
/// variables (`$` the data), control structures with their scopes, `template` calls, and the
/// functions of a `FunctionTable`. Untrusted input: every step, every nested call and every
/// byte of output is counted against `Limits`, so no template can run forever or fill memory.
final class Executor {
    /// A release's bounds (`TemplateSet.Limits`: the one place their defaults are).
    typealias Limits = TemplateSet.Limits

    private(set) var templates: [String: [Node]]
    let functions: FunctionTable
    let limits: Limits
    private(set) var steps = 0
    private(set) var iterations = 0
    private var depth = 0
    private var variables: [(name: String, value: Value)] = []
    private var output = ""
    private var outputBytes = 0
    /// The template being run, for errors.
    private var current: String

    enum Control: Error { case breakLoop, continueLoop }

    /// The file each `define` is in, so that an error inside one names its file.
    let definitionFiles: [String: String]

    init(templates: [String: [Node]], functions: FunctionTable, limits: Limits = Limits(), name: String, definitionFiles: [String: String] = [:]) {
        self.templates = templates
        self.definitionFiles = definitionFiles
        self.functions = functions
        self.limits = limits
        self.current = name
    }

    /// The text `nodes` produce with `data` as the dot and `$`.
    func run(_ nodes: [Node], data: Value) throws(TemplateError) -> String {
        variables = [("$", data)]
        output = ""
        outputBytes = 0
        do { try walk(nodes, dot: data) } catch let error as TemplateError { throw error } catch {
            throw TemplateError(.execute, template: current, line: 1, column: 1, "{{break}} or {{continue}} outside {{range}}", inTemplate: true)
        }
        return output
    }

    /// Runs a named template into a string (for `include`), with its own output.
    func include(_ name: String, dot: Value, at position: Position) throws(TemplateError) -> String {
        guard let body = templates[name] else { throw fail("no template \"\(name)\" associated with template \"\(current)\"", at: position) }
        let saved = (output, outputBytes, variables, current)
        output = ""
        variables = [("$", dot)]
        current = definitionFiles[name] ?? name
        defer { (output, outputBytes, variables, current) = saved }
        try enter(at: position)
        defer { depth -= 1 }
        do { try walk(body, dot: dot) } catch let error as TemplateError { throw error } catch {
            throw fail("{{break}} or {{continue}} outside {{range}}", at: position)
        }
        return output
    }

    /// `tpl`: `text` parsed as a template and run with `dot`, seeing every definition (and
    /// adding its own), with its own output; counted against the same limits.
    func renderInline(_ text: String, dot: Value, at position: Position) throws(TemplateError) -> String {
        var lexer = Lexer(text, name: current)
        var parser = Parser(tokens: try lexer.tokens(), name: current)
        let nodes = try parser.parse()
        templates.merge(parser.definitions) { _, new in new }
        let saved = (output, outputBytes, variables)
        output = ""
        variables = [("$", dot)]
        defer { (output, outputBytes, variables) = saved }
        try enter(at: position)
        defer { depth -= 1 }
        do { try walk(nodes, dot: dot) } catch let error as TemplateError { throw error } catch {
            throw fail("{{break}} or {{continue}} outside {{range}}", at: position)
        }
        return output
    }

    private func enter(at position: Position) throws(TemplateError) {
        depth += 1
        if depth > limits.depth {
            throw TemplateError(.limit, template: current, line: position.line, column: position.column,
                                "templates nest deeper than \(limits.depth) calls (a template that includes itself?)", limit: .depth, inTemplate: true)
        }
    }

    /// Counts `cost` steps (one for each action; more for a function that does more work,
    /// `FunctionCosts`) against the release's budget.
    func step(at position: Position, cost: Int = 1) throws(TemplateError) {
        steps += cost
        if steps > limits.steps {
            throw TemplateError(.limit, template: current, line: position.line, column: position.column, "the release's templates ran more than \(limits.steps) steps", limit: .steps, inTemplate: true)
        }
    }

    private func write(_ text: String) throws(TemplateError) {
        outputBytes += text.utf8.count
        if outputBytes > limits.outputBytes {
            throw TemplateError(.limit, template: current, line: 1, column: 1, "the release's templates wrote more than \(limits.outputBytes) bytes", limit: .output, inTemplate: true)
        }
        output += text
    }

    func fail(_ message: String, at position: Position, node: String? = nil) -> TemplateError {
        TemplateError(.execute, template: current, line: position.line, column: position.column, message, node: node, inTemplate: true)
    }

    // MARK: Nodes

    private func walk(_ nodes: [Node], dot: Value) throws {
        for node in nodes { try walk(node, dot: dot) }
    }

    private func walk(_ node: Node, dot: Value) throws {
        switch node {
        case .text(let text):
            try write(text)
        case .action(let pipe):
            try step(at: pipe.position)
            let value = try evaluate(pipe, dot: dot)
            if pipe.declarations.isEmpty { try write(value.printed) }
        case .ifNode(let pipe, let then, let otherwise):
            let mark = variables.count
            defer { variables.removeLast(variables.count - mark) }
            if try evaluate(pipe, dot: dot).isTruthy { try walk(then, dot: dot) } else if let otherwise { try walk(otherwise, dot: dot) }
        case .with(let pipe, let body, let otherwise):
            let mark = variables.count
            defer { variables.removeLast(variables.count - mark) }
            let value = try evaluate(pipe, dot: dot)
            if value.isTruthy { try walk(body, dot: value) } else if let otherwise { try walk(otherwise, dot: dot) }
        case .range(let pipe, let body, let otherwise):
            try range(pipe, body: body, otherwise: otherwise, dot: dot)
        case .template(let name, let pipe, let position):
            let value = try pipe.map { try evaluate($0, dot: dot) } ?? .null
            try write(try include(name, dot: value, at: position))
        case .breakLoop: throw Control.breakLoop
        case .continueLoop: throw Control.continueLoop
        }
    }

    private func range(_ pipe: Pipeline, body: [Node], otherwise: [Node]?, dot: Value) throws {
        let mark = variables.count
        defer { variables.removeLast(variables.count - mark) }
        var bare = pipe
        bare.declarations = []
        let value = try evaluate(bare, dot: dot)
        let count: Int
        let item: (Int) -> (Value, Value)
        switch value {
        case .list(let list): (count, item) = (list.count, { (.int($0), list[$0]) })
        case .map(let map) where map.type.isStruct: throw fail("range can't iterate over \(value.formatted)", at: pipe.position)
        case .map(let map):
            let keys = map.keys.sorted()
            (count, item) = (keys.count, { (.string(keys[$0]), map[keys[$0]] ?? .null) })
        case .int(let n), .int64(let n):
            guard pipe.declarations.count < 2 else { throw fail("can't use \(n) to iterate over more than one variable", at: pipe.position) }
            // Counted lazily, never built; each item of the range's own integer type.
            let make: @Sendable (Int) -> Value = if case .int64 = value { Value.int64 } else { Value.int }
            (count, item) = (max(n, 0), { (make($0), make($0)) })
        case .missing, .null: (count, item) = (0, { _ in (.null, .null) })
        default: throw fail("range can't iterate over \(value.printed)", at: pipe.position)
        }
        if count == 0 {
            if let otherwise { try walk(otherwise, dot: dot) }
            return
        }
        for index in 0..<count {
            let (key, element) = item(index)
            try step(at: pipe.position)
            iterations += 1
            if iterations > limits.iterations {
                throw TemplateError(.limit, template: current, line: pipe.position.line, column: pipe.position.column,
                                    "the release's templates ran more than \(limits.iterations) range iterations", limit: .iterations, inTemplate: true)
            }
            let inner = variables.count
            if pipe.declarations.count == 1 { variables.append((pipe.declarations[0], element)) }
            if pipe.declarations.count == 2 { variables.append((pipe.declarations[0], key)); variables.append((pipe.declarations[1], element)) }
            defer { variables.removeLast(variables.count - inner) }
            do { try walk(body, dot: element) } catch Control.breakLoop { break } catch Control.continueLoop { continue }
        }
    }

    // MARK: Pipelines

    func evaluate(_ pipe: Pipeline, dot: Value) throws(TemplateError) -> Value {
        var value: Value?
        for command in pipe.commands { value = try evaluate(command, dot: dot, piped: value) }
        let result = value ?? .missing
        if pipe.isAssignment {
            for name in pipe.declarations {
                guard let slot = variables.lastIndex(where: { $0.name == name }) else { throw fail("undefined variable: \(name)", at: pipe.position) }
                variables[slot].value = result
            }
        } else {
            for name in pipe.declarations { variables.append((name, result)) }
        }
        return result
    }

    private func evaluate(_ command: Command, dot: Value, piped: Value?) throws(TemplateError) -> Value {
        try step(at: command.position)
        guard let first = command.arguments.first else { return .missing }
        if case .null = first { throw fail("nil is not a command", at: command.position) }
        if case .identifier(let name) = first {
            return try call(name, command: command, dot: dot, piped: piped)
        }
        if piped != nil || command.arguments.count > 1 {
            // `.Capabilities.APIVersions.Has "apps/v1"`, `.Files.Get "f"`, `$v.Has "x"`,
            // `(now).Format "2006"`: a method of the value before it.
            if let (receiver, method) = try methodReceiver(first, dot: dot, at: command.position) {
                var arguments: [Value] = []
                for argument in command.arguments.dropFirst() { arguments.append(try value(of: argument, dot: dot, at: command.position)) }
                if let piped { arguments.append(piped) }
                do throws(FunctionError) {
                    if let result = try Methods.call(method, on: receiver, arguments) { return result }
                } catch {
                    throw methodFailure(method, error, at: command.position)
                }
            }
            throw fail("can't give argument to non-function \(describe(first))", at: command.position)
        }
        return try value(of: first, dot: dot, at: command.position)
    }

    private func call(_ name: String, command: Command, dot: Value, piped: Value?) throws(TemplateError) -> Value {
        let rest = Array(command.arguments.dropFirst())
        // and/or take their arguments lazily: the first that decides is returned.
        if name == "and" || name == "or" {
            let all = rest.count + (piped == nil ? 0 : 1)
            guard all >= 1 else { throw fail("wrong number of args for \(name): want at least 1 got 0", at: command.position) }
            var last = Value.missing
            for index in 0..<all {
                last = index < rest.count ? try value(of: rest[index], dot: dot, at: command.position) : (piped ?? .missing)
                if (name == "and") != last.isTruthy { return last }
            }
            return last
        }
        if name == "call" { return try callFunctionValue(rest, dot: dot, piped: piped, at: command.position) }
        guard let function = functions[name] else { throw fail("function \"\(name)\" not defined", at: command.position) }
        var arguments: [Value] = []
        for argument in rest { arguments.append(try value(of: argument, dot: dot, at: command.position)) }
        if let piped { arguments.append(piped) }
        do {
            arguments = try Signatures.check(name, values: arguments, sources: rest.map(Self.source) + (piped == nil ? [] : [.computed]))
        } catch {
            throw fail(error.message, at: command.position)
        }
        if let cost = FunctionCosts.steps[name] { try step(at: command.position, cost: cost) }
        do {
            let result = try function(arguments, CallContext(executor: self, dot: dot, position: command.position))
            // A value built up without being written (`$s = print $s $s`) counts against the output limit too.
            if case .string(let text) = result, text.utf8.count > limits.outputBytes {
                throw TemplateError(.limit, template: current, line: command.position.line, column: command.position.column,
                                    "\(name) made more than \(limits.outputBytes) bytes", limit: .output, inTemplate: true)
            }
            return result
        } catch let error as TemplateError {
            throw error
        } catch let error as FunctionError {
            // What the chart refused is its own words, as Helm reports it; anything else names the call.
            throw TemplateError(error.isFail ? .failed : error.isUnsupported ? .unsupported : .execute, template: current, line: command.position.line, column: command.position.column,
                                error.isFail ? error.message : "error calling \(name): \(error.message)", node: GoSource.text(of: command.arguments), inTemplate: true)
        } catch {
            throw fail("error calling \(name): \(error)", at: command.position)
        }
    }

    func value(of argument: Argument, dot: Value, at position: Position) throws(TemplateError) -> Value {
        switch argument {
        case .dot: return dot
        case .field(let names): return try fields(names, of: dot, at: position)
        case .variable(let name, let names):
            guard let found = variables.last(where: { $0.name == name }) else { throw fail("undefined variable: \(name)", at: position) }
            // A variable holds a pipeline's result, which Go unwraps: a nil one has no fields and no error.
            if Comparison.isNil(found.value), !names.isEmpty { return .missing }
            return try fields(names, of: found.value, at: position)
        case .identifier(let name):
            return try call(name, command: Command(arguments: [argument], position: position), dot: dot, piped: nil)
        case .chain(let inner, let names):
            // `(.a.missing).b` is nil, not an error (Go unwraps the parenthesised value first).
            let receiver = try value(of: inner, dot: dot, at: position)
            return Comparison.isNil(receiver) ? .missing : try fields(names, of: receiver, at: position)
        case .pipeline(let pipe):
            let mark = variables.count
            defer { variables.removeLast(variables.count - mark) }
            return try evaluate(pipe, dot: dot)
        case .string(let text): return .string(text)
        case .int(let number): return .int(number)
        case .float(let number): return .float(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    /// `.A.B` on a value: map entries (a missing key is `missing`, as Helm's missingkey=zero
    /// prints it); a field of nil is Go's "nil pointer evaluating" error.
    private func fields(_ names: [String], of start: Value, at position: Position) throws(TemplateError) -> Value {
        var value = start
        for name in names {
            switch value {
            case .map(let map):
                var found: Value?
                do throws(FunctionError) { found = try Methods.field(name, of: map) } catch { throw methodFailure(name, error, at: position) }
                guard let found else { throw fail("can't evaluate field \(name) in type \(map.type.rawValue)", at: position) }
                value = found
            case .missing, .null: throw fail("nil pointer evaluating interface {}.\(name)", at: position)
            case .time(let time):
                guard let result = Methods.property(name, of: time) else { throw fail("can't evaluate field \(name) in type time.Time", at: position) }
                value = result
            default: throw fail("can't evaluate field \(name) in type \(value.typeName)", at: position)
            }
        }
        return value
    }

    /// A method's error as Helm reports it (`error calling Table: "x" is not a table`); a gap of
    /// the engine (a file it leaves unread) as that.
    private func methodFailure(_ method: String, _ error: FunctionError, at position: Position) -> TemplateError {
        TemplateError(error.isUnsupported ? .unsupported : .execute, template: current, line: position.line, column: position.column,
                      error.isUnsupported ? error.message : "error calling \(method): \(error.message)", inTemplate: true)
    }

    /// The value a method is called on and the method's name, for an argument that ends in a
    /// name after a value (`.A.B.M`, `$x.M`, `(…).M`); nil for any other.
    private func methodReceiver(_ argument: Argument, dot: Value, at position: Position) throws(TemplateError) -> (Value, String)? {
        switch argument {
        case .field(let names) where names.count >= 2:
            return (try fields(Array(names.dropLast()), of: dot, at: position), names[names.count - 1])
        case .variable(let name, let names) where !names.isEmpty:
            return (try value(of: .variable(name, Array(names.dropLast())), dot: dot, at: position), names[names.count - 1])
        case .chain(let inner, let names) where !names.isEmpty:
            let receiver = names.count == 1 ? inner : .chain(inner, Array(names.dropLast()))
            return (try value(of: receiver, dot: dot, at: position), names[names.count - 1])
        default:
            return nil
        }
    }

    /// How Go sees an argument when it converts it to a parameter's type.
    static func source(_ argument: Argument) -> Signatures.Source {
        switch argument {
        case .string, .int, .float, .bool, .null: .literal(argument)
        case .dot, .field, .variable, .chain: .field
        case .identifier, .pipeline: .computed
        }
    }

    /// Go's `call`: a template's data never holds a function, so it names what it was given.
    private func callFunctionValue(_ rest: [Argument], dot: Value, piped: Value?, at position: Position) throws(TemplateError) -> Value {
        guard let first = rest.first else {
            if let piped, !Comparison.isNil(piped) { throw fail("error calling call: non-function \(piped.formatted) of type \(piped.typeName)", at: position, node: "call") }
            if piped != nil { throw fail("error calling call: call of nil", at: position, node: "call") }
            throw fail("wrong number of args for call: want at least 1 got 0", at: position)
        }
        let callee = try value(of: first, dot: dot, at: position)
        if Comparison.isNil(callee) { throw fail("error calling call: call of nil", at: position, node: GoSource.text(of: [.identifier("call")] + rest)) }
        throw fail("error calling call: non-function \(GoSource.text(of: first)) of type \(callee.typeName)", at: position, node: GoSource.text(of: [.identifier("call")] + rest))
    }

    private func describe(_ argument: Argument) -> String {
        switch argument {
        case .string(let text): return "\"\(text)\""
        case .int(let number): return String(number)
        case .field(let names): return "." + names.joined(separator: ".")
        default: return "\(argument)"
        }
    }
}
