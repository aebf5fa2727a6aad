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
        toStandardError("\(Escaped(line, keepingLineBreaks: true))\n")
    }

    /// The one way text reaches stderr: a reader that has gone (`2>&1 | head`) makes the write
    /// fail with EPIPE (SIGPIPE is ignored), which is dropped, never a trap.
    public static func toStandardError(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    private static let raised = Mutex<(seen: Set<String>, list: [String])>(([], []))

    /// A warning: printed once on stderr ("warning: TEXT", unless `--quiet`) and kept for the
    /// command's `--json` (`raisedWarnings`). The same text raised again (by another worker's
    /// transport, say) is neither printed nor kept twice.
    public static func warning(_ message: String) {
        let new = raised.withLock { state in
            guard state.seen.insert(message).inserted else { return false }
            state.list.append(message)
            return true
        }
        if new, shows(.normal) { write("warning: \(message)") }
    }

    /// Every warning raised so far, in order.
    public static var raisedWarnings: [String] { raised.withLock { $0.list } }

    /// Header names whose values are secrets: shown as "(redacted, N bytes)".
    public static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-registry-auth"]

    /// `name: value`, with the value of a secret header left out, and a redirect's query values
    /// too (a signed storage URL is a credential until it expires).
    public static func header(_ name: String, _ value: String) -> String {
        if secretHeaders.contains(name.lowercased()) { return "\(name): (redacted, \(value.utf8.count) bytes)" }
        return name.lowercased() == "location" ? "\(name): \(redactingQuery(value))" : "\(name): \(value)"
    }

    /// Query parameters of the registry API itself, whose values are shown.
    static let plainQueryKeys: Set<String> = ["service", "scope", "n", "last", "digest", "mount", "from", "account"]

    /// `url` with the value of every query parameter but the registry API's own replaced by
    /// "(redacted)": S3, GCS and Azure signed URLs carry their signature there.
    public static func redactingQuery(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let equals = item.firstIndex(of: "=") else { return String(item) }
            let key = item[..<equals]
            return plainQueryKeys.contains(key.lowercased()) ? String(item) : "\(key)=(redacted)"
        }
        return String(url[...mark]) + query.joined(separator: "&")
    }
}
