/// Where a node starts, for errors (`template:line:column`).
struct Position: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// The parsed form of a template, as Go's `text/template/parse` builds it.
indirect enum Node: Sendable {
    case text(String)
    /// `{{ pipeline }}`: its value is printed unless the pipeline declares variables.
    case action(Pipeline)
    case ifNode(Pipeline, then: [Node], else: [Node]?)
    case range(Pipeline, body: [Node], else: [Node]?)
    case with(Pipeline, body: [Node], else: [Node]?)
    /// `{{ template "name" pipeline }}` (and a `block`, once its definition is recorded).
    case template(name: String, Pipeline?, Position)
    case breakLoop(Position)
    case continueLoop(Position)
}

/// `$x := cmd | cmd arg` and friends: declared (or assigned) variables and commands.
struct Pipeline: Sendable {
    var declarations: [String]
    /// `=` rather than `:=`.
    var isAssignment: Bool
    var commands: [Command]
    var position: Position
}

/// One command of a pipeline: a function with its arguments, or a single operand.
struct Command: Sendable {
    var arguments: [Argument]
    var position: Position
}

/// An operand or a function name.
indirect enum Argument: Sendable {
    case dot
    case field([String])                       // .A.B
    case variable(String, [String])            // $x.A.B
    case identifier(String)                    // a function
    case chain(Argument, [String])             // (pipeline).A.B
    case pipeline(Pipeline)                    // ( … )
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case null
}
