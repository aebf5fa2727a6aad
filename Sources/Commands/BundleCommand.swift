import ArgumentParser
import Archive
import Builder
import Diagnostics
import Foundation
import HTTP

/// The `bundle` command: makes Helm charts usable in air-gapped k0s clusters.
public struct BundleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Make Helm charts usable in air-gapped k0s clusters: build signed bundles, install them offline.",
        discussion: "`bundle --version` prints the tool's version and the commit it was built from.",
        subcommands: [Build.self, Plan.self, ListImages.self, Pull.self, Keygen.self, Install.self, Push.self, Verify.self, Inspect.self,
                      Status.self, Uninstall.self, Diff.self, Template.self])

    public init() {}

    /// Runs the command line. `bundle --version` (the tool's version and commit) is taken
    /// before the parser sees the arguments, so that `--version` stays the chart's in `pull`.
    /// Every error, the parser's too, is printed the one way (`error: …`).
    /// `arguments`: the process's, program name first (CommandLine.arguments reads /proc, which
    /// a minimal root may lack: the executable passes what glibc gave it).
    public static func runWithVersion(arguments all: [String] = CommandLine.arguments) {
        // A write to a pipe whose reader has gone (a credential helper that exited, `| head`)
        // must be an EPIPE error the tool reports, never a silent death by signal.
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array((all.isEmpty ? CommandLine.arguments : all).dropFirst())
        if arguments == ["--version"] || arguments == ["version"] || arguments == ["--version", "--verbose"] || arguments == ["--version", "-v"] {
            print("bundle \(BuilderVersion.current) (commit \(BuildInfo.commit))")
            if arguments.count == 2 {
                // The libraries linked in, as they report themselves at run time.
                print("libcurl: \(LinkedCurl.version)")
                print("libarchive: \(LinkedArchive.version)")
            }
            return
        }
        if let unknown = CommandSuggestion.unknownCommand(in: arguments, known: subcommandNames) {
            Log.toStandardError("error: \(unknown)\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                // The parser says "Error:"; the tool says "error:" everywhere.
                Log.toStandardError((message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : Substring(message)) + "\n")
            }
            Foundation.exit(code.rawValue)
        }
    }

    static var subcommandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }
}

/// "did you mean" for a mistyped subcommand: the known name nearest in edit distance.
enum CommandSuggestion {
    /// The message for a first argument that names no subcommand; nil when it is fine.
    static func unknownCommand(in arguments: [String], known: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !known.contains(first) else { return nil }
        let nearest = known.map { ($0, distance(first, $0)) }.min { $0.1 < $1.1 }
        let hint = nearest.flatMap { $0.1 <= max(2, $0.0.count / 3) ? "; did you mean '\($0.0)'?" : nil } ?? "."
        return "unknown command '\(Escaped(String(first.prefix(60))))'\(hint) The commands: \(known.filter { $0 != "help" }.joined(separator: ", ")) (bundle --help)."
    }

    /// Levenshtein distance, over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
