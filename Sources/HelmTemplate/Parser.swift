/// Builds the node tree of one template file from its tokens, as Go's parser does: actions,
/// `if`/`else if`/`else`, `range`, `with`/`else with`, `define`, `template`, `block`,
/// `break`/`continue`; pipelines with declarations, commands and parenthesised pipelines.
/// `define`d (and `block`) templates are collected into `definitions`.
struct Parser {
    let name: String
    private let tokens: [Token]
    private var index = 0
    private var loopDepth = 0
    /// How deeply blocks and parentheses nest, bounded so that no template exhausts the stack.
    private var nesting = 0
    static let maxNesting = 500
    private(set) var definitions: [String: [Node]] = [:]

    init(tokens: [Token], name: String) {
        self.tokens = tokens
        self.name = name
    }

    /// The whole file.
    mutating func parse() throws(TemplateError) -> [Node] {
        let (nodes, end) = try list(stopAt: [])
        if let end { throw error("unexpected {{\(end)}}", at: current(offset: -1)) }
        return nodes
    }

    /// Nodes up to one of the keywords in `stopAt` (`end`, `else`), which is consumed with
    /// its opening delimiter and returned; nil at the end of the file.
    private mutating func list(stopAt: Set<String>) throws(TemplateError) -> ([Node], String?) {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxNesting { throw error("blocks nest deeper than \(Self.maxNesting)", at: position) }
        var nodes: [Node] = []
        while index < tokens.count {
            let token = tokens[index]
            if case .text(let text) = token.kind {
                nodes.append(.text(text))
                index += 1
                continue
            }
            index += 1  // the left delimiter
            if case .identifier(let word)? = peek, ["end", "else"].contains(word) {
                guard stopAt.contains(word) else { throw error("unexpected {{\(word)}}", at: tokens[index]) }
                index += 1
                return (nodes, word)
            }
            if let node = try action() { nodes.append(node) }
        }
        if !stopAt.isEmpty { throw error("unexpected EOF (missing {{end}})", at: tokens.last ?? Token(kind: .dot, line: 1, column: 1)) }
        return (nodes, nil)
    }

    /// One action after its `{{`.
    private mutating func action() throws(TemplateError) -> Node? {
        let start = position
        if case .identifier(let word)? = peek {
            switch word {
            case "if": index += 1; return try conditional(.ifKind)
            case "range": index += 1; return try conditional(.rangeKind)
            case "with": index += 1; return try conditional(.withKind)
            case "define": index += 1; try define(); return nil
            case "template": index += 1; return try templateCall(start)
            case "block": index += 1; return try block(start)
            case "break", "continue":
                index += 1
                guard loopDepth > 0 else { throw error("{{\(word)}} outside {{range}}", at: start) }
                try expectRightDelim()
                return word == "break" ? .breakLoop(start) : .continueLoop(start)
            default: break
            }
        }
        let pipe = try pipeline(allowDeclarations: true)
        try expectRightDelim()
        return .action(pipe)
    }

    enum ControlKind { case ifKind, rangeKind, withKind }

    private mutating func conditional(_ kind: ControlKind) throws(TemplateError) -> Node {
        let pipe = try pipeline(allowDeclarations: true)
        try expectRightDelim()
        if kind == .rangeKind { loopDepth += 1 }
        let (body, end) = try list(stopAt: ["end", "else"])
        if kind == .rangeKind { loopDepth -= 1 }
        var elseBranch: [Node]?
        if end == "else" {
            // `{{else if …}}` / `{{else with …}}`: a nested node that ends at the same {{end}}.
            if case .identifier(let word)? = peek, (word == "if" && kind == .ifKind) || (word == "with" && kind == .withKind) {
                index += 1
                elseBranch = [try conditional(kind)]
            } else {
                try expectRightDelim()
                let (nodes, _) = try list(stopAt: ["end"])
                elseBranch = nodes
                try expectRightDelim()
            }
        } else {
            try expectRightDelim()
        }
        switch kind {
        case .ifKind: return .ifNode(pipe, then: body, else: elseBranch)
        case .rangeKind: return .range(pipe, body: body, else: elseBranch)
        case .withKind: return .with(pipe, body: body, else: elseBranch)
        }
    }

    private mutating func define() throws(TemplateError) {
        let start = position
        guard case .string(let defined)? = peek else { throw error("define needs a template name in quotes", at: start) }
        index += 1
        try expectRightDelim()
        let (body, _) = try list(stopAt: ["end"])
        try expectRightDelim()
        definitions[defined] = body
    }

    private mutating func templateCall(_ start: Position) throws(TemplateError) -> Node {
        guard case .string(let called)? = peek else { throw error("template needs a template name in quotes", at: start) }
        index += 1
        var pipe: Pipeline?
        if !atRightDelim { pipe = try pipeline(allowDeclarations: false) }
        try expectRightDelim()
        return .template(name: called, pipe, start)
    }

    private mutating func block(_ start: Position) throws(TemplateError) -> Node {
        guard case .string(let defined)? = peek else { throw error("block needs a template name in quotes", at: start) }
        index += 1
        let pipe = try pipeline(allowDeclarations: false)
        try expectRightDelim()
        let (body, _) = try list(stopAt: ["end"])
        try expectRightDelim()
        if definitions[defined] == nil { definitions[defined] = body }
        return .template(name: defined, pipe, start)
    }

    // MARK: Pipelines

    mutating func pipeline(allowDeclarations: Bool) throws(TemplateError) -> Pipeline {
        let start = position
        var declarations: [String] = []
        var isAssignment = false
        if allowDeclarations, case .variable(let first)? = peek {
            // `$x :=`, `$x =`, `$i, $v :=`
            var lookahead = index + 1
            var names = [first]
            if lookahead < tokens.count, tokens[lookahead].kind == .comma, lookahead + 1 < tokens.count, case .variable(let second) = tokens[lookahead + 1].kind {
                names.append(second)
                lookahead += 2
            }
            if lookahead < tokens.count, tokens[lookahead].kind == .declare || tokens[lookahead].kind == .assign {
                isAssignment = tokens[lookahead].kind == .assign
                declarations = names
                index = lookahead + 1
            }
        }
        var commands: [Command] = []
        while true {
            commands.append(try command())
            guard peek == .pipe else { break }
            index += 1
        }
        return Pipeline(declarations: declarations, isAssignment: isAssignment, commands: commands, position: start)
    }

    private mutating func command() throws(TemplateError) -> Command {
        let start = position
        var arguments: [Argument] = []
        while let kind = peek, kind != .pipe, kind != .rightDelim, kind != .rightParen {
            arguments.append(try operand())
        }
        guard !arguments.isEmpty else { throw error("missing value for command", at: start) }
        return Command(arguments: arguments, position: start)
    }

    private mutating func operand() throws(TemplateError) -> Argument {
        let token = tokens[index]
        index += 1
        var term: Argument
        switch token.kind {
        case .dot: term = .dot
        case .field(let name): term = .field([name] + fieldChain())
        case .variable(let name): return .variable(name, fieldChain())
        case .identifier(let word):
            switch word {
            case "true": term = .bool(true)
            case "false": term = .bool(false)
            case "nil": term = .null
            default:
                // Go's parser knows the function map: a name that is no function is refused
                // even where it would never run.
                guard HelmFunctions.all[word] != nil || Self.builtins.contains(word) else {
                    throw TemplateError(.parse, template: name, line: token.line, column: token.column,
                                        "function \"\(word)\" not defined", inTemplate: true)
                }
                term = .identifier(word)
            }
        case .string(let text): term = .string(text)
        case .char(let ch): term = .int(Int(ch.value))
        case .number(let text): term = try number(text, at: token)
        case .leftParen:
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Self.maxNesting { throw error("parentheses nest deeper than \(Self.maxNesting)", at: token) }
            let inner = try pipeline(allowDeclarations: false)
            guard peek == .rightParen else { throw error("unclosed left paren", at: token) }
            index += 1
            let fields = fieldChain()
            return fields.isEmpty ? .pipeline(inner) : .chain(.pipeline(inner), fields)
        default:
            throw error("unexpected \(token.kind) in operand", at: token)
        }
        // Fields right after a term: a function's result's (`now.Unix`, Go's chain); a literal
        // or the dot has none.
        let chain = fieldChain()
        guard !chain.isEmpty else { return term }
        if case .identifier = term { return .chain(term, chain) }
        throw error("unexpected . after term \(GoFormat.quote(GoSource.text(of: [term])))", at: token)
    }

    /// `.A.B` directly after an operand (no white space between).
    private mutating func fieldChain() -> [String] {
        var names: [String] = []
        while index < tokens.count, case .field(let name) = tokens[index].kind, !tokens[index].spaced {
            names.append(name)
            index += 1
        }
        return names
    }

    private func number(_ text: String, at token: Token) throws(TemplateError) -> Argument {
        let clean = text.replacingEvery("_", with: "")
        if let value = Int(clean) { return .int(value) }
        for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] where clean.hasPrefix(prefix) || clean.hasPrefix("-" + prefix) {
            let negative = clean.hasPrefix("-")
            if let value = Int(clean.dropFirst(prefix.count + (negative ? 1 : 0)), radix: radix) { return .int(negative ? -value : value) }
        }
        if clean.count > 1, clean.hasPrefix("0"), clean.allSatisfy(\.isNumber), let value = Int(clean, radix: 8) { return .int(value) }
        if let value = Double(clean) { return .float(value) }
        throw error("bad number syntax: \"\(text)\"", at: token)
    }

    // MARK: Tokens

    private var peek: Token.Kind? { index < tokens.count ? tokens[index].kind : nil }
    private var atRightDelim: Bool { peek == .rightDelim }
    private var position: Position {
        let token = index < tokens.count ? tokens[index] : tokens.last
        return Position(line: token?.line ?? 1, column: token?.column ?? 1)
    }
    private func current(offset: Int) -> Token { tokens[max(0, min(tokens.count - 1, index + offset))] }

    private mutating func expectRightDelim() throws(TemplateError) {
        guard peek == .rightDelim else { throw error("unexpected \(peek.map { "\($0)" } ?? "EOF") in action; expected }}", at: position) }
        index += 1
    }

    /// The functions the executor itself runs (short-circuit `and`/`or`, `call`).
    static let builtins: Set<String> = ["and", "or", "call"]

    private func error(_ message: String, at token: Token) -> TemplateError {
        TemplateError(.parse, template: name, line: token.line, column: token.column, message, inTemplate: true)
    }

    private func error(_ message: String, at position: Position) -> TemplateError {
        TemplateError(.parse, template: name, line: position.line, column: position.column, message, inTemplate: true)
    }
}
