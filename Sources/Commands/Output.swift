import ArgumentParser
import Builder
import Diagnostics
import Foundation
import K0sConfig

/// A command's JSON result with the warnings it printed, as `warnings[]` beside its own keys.
struct WithWarnings<Result: Encodable>: Encodable {
    var result: Result
    var warnings: [String]

    private enum Keys: String, CodingKey { case warnings }

    func encode(to encoder: any Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(warnings, forKey: .warnings)
    }
}

/// Printing for commands: results to stdout, warnings and errors to stderr.
enum Output {
    /// The one way a warning goes out: printed once (unless `--quiet`) and kept for `--json`
    /// (`Log.warning`, which escapes it: messages carry text from bundles, registries, charts
    /// and configs, and an escape sequence must not act on the terminal).
    static func warn(_ message: String) {
        Log.warning(message)
    }

    /// The warnings for a command's `--json`: `own` (a result's own list), then every other
    /// warning raised in this process (the command's, its transports': TLS verification off,
    /// retries), each once.
    static func warnings(including own: [String] = []) -> [String] {
        var seen = Set(own)
        return own + Log.raisedWarnings.filter { seen.insert($0).inserted }
    }

    /// A config's warnings (printed once and kept for `--json`) and notes (printed, unless
    /// `--quiet`): the one way every command that reads a config reports them.
    static func report(_ problems: [ConfigProblem]) {
        for problem in problems where problem.severity == .warning { warn(problem.located) }
        if Log.shows(.normal) {
            for problem in problems where problem.severity == .note { Log.toStandardError("note: \(Escaped(problem.located, keepingLineBreaks: true))\n") }
        }
    }

    static func error(_ message: String) {
        Log.toStandardError("error: \(Escaped(message, keepingLineBreaks: true))\n")
    }

    /// JSON with sorted keys and unescaped slashes, so output is stable and readable.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// What every command prints on stdout for an error under `--json`; `extra` adds a
    /// command's own keys (verify's `ok`, plan's rows).
    struct Failure: Encodable {
        var error: ErrorReport
        var ok: Bool?
        /// Every problem, when there are several (a build reports all it found at once).
        var problems: [ErrorReport]?
    }

    /// Runs `body`, reporting any error the tool raises the one way every command does: the
    /// message on stderr, with `json` the error object on stdout, and the exit status of the
    /// error's class. Usage errors (ArgumentParser's) pass through to the parser.
    /// `exitStatus` replaces the class's status for commands that follow diff(1) (`diff`,
    /// `status`: 1 means "differs", so a failure is 2).
    static func reportingErrors(json: Bool, ok: Bool? = nil, exitStatus: Int32? = nil, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as any ToolError {
            try fail(error, json: json, ok: ok, exitStatus: exitStatus)
        }
    }

    /// Reports `error` and exits with its class's status (or `exitStatus`).
    static func fail(_ error: any ToolError, json: Bool, ok: Bool? = nil, exitStatus: Int32? = nil) throws -> Never {
        self.error(error.message)
        // Every problem, in the one shape: a config's (with where each is), or a build's several.
        let problems = (error as? ConfigError).map { $0.problems.map(\.report) }
            ?? (error as? BuildError).flatMap { $0.problems.count > 1 ? $0.problems.map(\.report) : nil }
        if json { print(try Output.json(Failure(error: error.report, ok: ok, problems: problems))) }
        throw ExitCode(exitStatus ?? error.errorClass.exitStatus)
    }
}

/// An error a command finds itself (a missing key, a file that exists), in the one shape.
struct CommandError: CodedError {
    enum Code: String, ErrorCodeSet {
        /// `build` without a signing key.
        case noSigningKey
        /// `keygen` would overwrite a key.
        case keyExists
        /// `install --mirror --verify-mirror`: the mirror does not serve what the bundle needs.
        case mirrorUnusable
        /// A file given to a command (a chart, a values file) cannot be read.
        case unreadableInput

        var errorClass: ErrorClass { self == .mirrorUnusable ? .remote : .input }
    }

    var code: Code
    var subject: String
    var reason: String
    var hint: String
}
