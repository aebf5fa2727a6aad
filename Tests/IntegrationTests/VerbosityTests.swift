import Foundation
import Testing

/// `--quiet`, `--verbose` and `--debug` on every command: quiet leaves errors only (the
/// warnings stay in `--json`), verbose names what is fetched and with which trust, debug shows
/// the HTTP exchanges with every credential left out.
@Suite(.needsTestEnvironment) struct VerbosityTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    static let commands: [[String]] = [
        ["pull"], ["plan"], ["images"], ["build"], ["keygen"], ["verify"], ["inspect"], ["install"],
        ["push"], ["status"], ["uninstall"], ["diff"],
    ]

    @Test(arguments: commands) func everyCommandHasThem(_ command: [String]) throws {
        let help = try env.bundle(command + ["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        for flag in ["-q, --quiet", "-v, --verbose", "--debug"] {
            #expect(help.stdout.contains(flag), "bundle \(command[0]) --help lacks \(flag)")
        }
    }

    @Test func quietAndVerboseTogetherAreAUsageError() throws {
        let both = try env.bundle(["pull", "oci://\(env.registry("anonymous"))/charts/app", "--quiet", "--verbose"])
        #expect(both.status == 64 && both.stderr.contains("--quiet cannot be combined") && both.stderr.contains("bundle pull"), "\(both.stderr)")
    }

    @Test func quietLeavesErrorsOnlyAndJSONKeepsTheWarnings() throws {
        let folder = env.scratch()
        let anonymous = env.registry("anonymous")
        let quiet = try env.bundle(["pull", "oci://\(anonymous)/charts/app", "--insecure-skip-tls-verify", "-d", folder, "--quiet", "--json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let warnings = quiet.json?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("TLS verification is disabled for \(anonymous)") }, "\(quiet.stdout)")

        let failed = try env.bundle(["pull", "oci://\(anonymous)/charts/none", "--ca-file", env.file.caFile, "-d", folder, "--quiet"])
        #expect(failed.status == 1 && failed.stderr.hasPrefix("error: \(anonymous)"), "\(failed.stderr)")
    }

    @Test func verboseSaysWhatIsFetchedAndWithWhichTrust() throws {
        let mtls = env.registry("mtls")
        let run = try env.bundle(["pull", "oci://\(mtls)/charts/app", "-d", env.scratch(), "--ca-file", env.file.caFile,
                                  "--cert-file", env.file.clientCert, "--key-file", env.file.clientKey, "--verbose"])
        #expect(run.status == 0, "\(run.stderr)")
        let blob = run.stderr.split(separator: "\n").first { $0.hasPrefix("verbose: GET https://\(mtls)/v2/charts/app/blobs/sha256:") }
        #expect(blob?.contains("HTTP 200") == true && blob?.contains("trusting caFile \(env.file.caFile)") == true
                && blob?.contains("client certificate \(env.file.clientCert)") == true, "\(run.stderr)")
        #expect(!run.stderr.contains("debug:"))
    }

    @Test(arguments: ["basic", "token"]) func debugShowsExchangesWithoutSecrets(_ registry: String) throws {
        let host = env.registry(registry)
        let run = try env.bundle(["pull", "oci://\(host)/charts/app", "-d", env.scratch(), "--ca-file", env.file.caFile,
                                  "--username", env.file.username, "--password-stdin", "--debug"], stdin: env.file.password + "\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("debug: > GET https://\(host)/v2/charts/app/manifests/"), "\(run.stderr)")
        #expect(run.stderr.contains("debug: < HTTP 200") && run.stderr.contains("debug: < docker-content-digest: sha256:"))
        #expect(run.stderr.contains("debug: > Authorization: (redacted, "), "\(run.stderr)")
        // Neither the password, nor the Basic form of it, nor a bearer token.
        let basic = Data("\(env.file.username):\(env.file.password)".utf8).base64EncodedString()
        for secret in [env.file.password, basic, "Bearer ey", "Authorization: Basic", "Authorization: Bearer"] {
            #expect(!run.stderr.contains(secret), "debug output holds \(secret)")
        }
    }
}

/// Usage errors show the subcommand's own usage; `pull --help` has one `--version`, the chart's.
@Suite(.needsTestEnvironment) struct UsageTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    @Test(arguments: [["pull"], ["install", "b.tar.gz"], ["push", "b.tar.gz"], ["build", "--no-such-flag", "k0s.yaml"]])
    func usageErrorsShowTheSubcommandsUsage(_ arguments: [String]) throws {
        let run = try env.bundle(arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("Usage: bundle \(arguments[0]) ") && run.stderr.contains("'bundle \(arguments[0]) --help'"), "\(run.stderr)")
    }

    @Test func pullHelpListsOneVersionAndTheToolsIsOnTheRoot() throws {
        let help = try env.bundle(["pull", "--help"])
        let options = help.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--version") }
        #expect(options.count == 1 && options[0].contains("<version>"), "\(help.stdout)")
        let root = try env.bundle(["--version"])
        #expect(root.status == 0 && root.stdout.hasPrefix("bundle ") && root.stdout.contains("(commit "), "\(root.stdout)")
    }
}

/// On a terminal, a large transfer shows one line rewritten in place, fitted to the terminal's
/// width: never wrapped into stacked lines, whatever the width.
@Suite(.needsTestEnvironment) struct ProgressLineTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    /// Runs `bundle ARGUMENTS` on a pseudo-terminal of `columns` columns (util-linux `script`).
    func onTerminal(_ arguments: [String], columns: Int) throws -> (status: Int32, output: String) {
        let command = (["stty", "cols", "\(columns)", ";", env.executable] + arguments.map { "'\($0)'" }).joined(separator: " ")
        return try env.tool(["script", "-qefc", command, "/dev/null"])
    }

    @Test(arguments: [30, 60, 120]) func aLargePullFitsTheTerminal(_ columns: Int) throws {
        let run = try onTerminal(["pull", "oci://\(env.registry("anonymous"))/charts/large", "--ca-file", env.file.caFile, "-d", env.scratch()], columns: columns)
        #expect(run.status == 0, "\(run.output)")
        // Each rewrite is "\r\e[K" and the line; what precedes the final result is progress.
        let updates = run.output.components(separatedBy: "\r\u{1B}[K").dropFirst().map { $0.components(separatedBy: "\r\n")[0] }
        #expect(!updates.isEmpty && updates.contains { $0.contains("9.5/9.5 MiB") }, "no progress line: \(run.output.debugDescription)")
        for update in updates {
            #expect(update.count <= columns - 1 && !update.contains("\n"), "\(update.count) columns at width \(columns): \(update)")
        }
        #expect(run.output.contains("Pulled oci://\(env.registry("anonymous"))/charts/large:1.0.0"))
    }

    @Test func noBarWithoutATerminalOrWithJSON() throws {
        let plain = try env.bundle(["pull", "oci://\(env.registry("anonymous"))/charts/large", "--ca-file", env.file.caFile, "-d", env.scratch()])
        #expect(plain.status == 0 && !plain.stderr.contains("\u{1B}[K") && !plain.stderr.contains("MiB/s"), "\(plain.stderr)")
        let json = try onTerminal(["pull", "oci://\(env.registry("anonymous"))/charts/large", "--ca-file", env.file.caFile, "-d", env.scratch(), "--json"], columns: 80)
        #expect(json.status == 0 && !json.output.contains("\u{1B}[K"), "\(json.output)")
    }
}
