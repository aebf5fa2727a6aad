import Foundation
import Synchronization

/// How much a command says on stderr besides its result and its errors, set once by the
/// command's `--quiet`, `--verbose` or `--debug`.
public enum Verbosity: Int, Sendable, Comparable {
    /// Errors only: no warnings, no progress (`--json` output still lists the warnings).
    case quiet
    /// Errors, warnings and progress.
    case normal
    /// Also what is fetched or sent, from where, with which trust.
    case verbose
    /// Also every HTTP request and response with their headers, secrets left out.
    case debug

    public static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
}

/// The process's one verbosity and the lines it lets through. Every line goes to stderr,
/// escaped (it carries registry and bundle text), whole, from any thread.
public enum Log {
    private static let level = Atomic<Int>(Verbosity.normal.rawValue)

    public static var verbosity: Verbosity {
        get { Verbosity(rawValue: level.load(ordering: .relaxed)) ?? .normal }
        set { level.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Whether lines of `verbosity` are printed.
    public static func shows(_ verbosity: Verbosity) -> Bool { self.verbosity >= verbosity }

    /// A `--verbose` line: "verbose: TEXT".
    public static func verbose(_ message: @autoclosure () -> String) {
        if shows(.verbose) { write("verbose: \(message())") }
    }

    /// A `--debug` line (or several): each prefixed "debug: ".
    public static func debug(_ message: @autoclosure () -> String) {
        guard shows(.debug) else { return }
        write(message().split(separator: "\n", omittingEmptySubsequences: false).map { "debug: \($0)" }.joined(separator: "\n"))
    }

    private static func write(_ line: String) {
        FileHandle.standardError.write(Data("\(Escaped(line, keepingLineBreaks: true))\n".utf8))
    }

    /// Header names whose values are secrets: shown as "(redacted, N bytes)".
    public static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-registry-auth"]

    /// `name: value`, with the value of a secret header left out.
    public static func header(_ name: String, _ value: String) -> String {
        secretHeaders.contains(name.lowercased()) ? "\(name): (redacted, \(value.utf8.count) bytes)" : "\(name): \(value)"
    }
}
