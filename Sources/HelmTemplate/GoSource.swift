/// A parsed argument written back as Go's `parse` package prints a node (`.Values.x`, `$v.a`,
/// `print 1`), for errors that name what a template passed.
enum GoSource {
    static func text(of argument: Argument) -> String {
        switch argument {
        case .dot: return "."
        case .field(let names): return "." + names.joined(separator: ".")
        case .variable(let name, let names): return ([name] + names).joined(separator: ".")
        case .identifier(let name): return name
        case .chain(let inner, let names): return "(" + text(of: inner) + ")." + names.joined(separator: ".")
        case .pipeline(let pipeline): return text(of: pipeline)
        case .string(let value): return GoFormat.quote(value)
        case .int(let value): return String(value)
        case .float(let value): return GoFloat.format(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "nil"
        }
    }

    /// A command's words (`include "x" .`).
    static func text(of arguments: [Argument]) -> String { arguments.map { text(of: $0) }.joined(separator: " ") }

    static func text(of pipeline: Pipeline) -> String {
        let commands = pipeline.commands.map { $0.arguments.map { text(of: $0) }.joined(separator: " ") }.joined(separator: " | ")
        guard !pipeline.declarations.isEmpty else { return commands }
        return pipeline.declarations.joined(separator: ", ") + (pipeline.isAssignment ? " = " : " := ") + commands
    }
}
