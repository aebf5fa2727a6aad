import Foundation
import ArgumentParser
import Builder

/// The `bundle` command: makes Helm charts usable in air-gapped k0s clusters.
public struct BundleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Make Helm charts usable in air-gapped k0s clusters: build signed bundles, install them offline.",
        discussion: "`bundle --version` prints the tool's version and the commit it was built from.",
        subcommands: [Build.self, Plan.self, ListImages.self, Pull.self, Keygen.self, Install.self, Push.self, Verify.self, Inspect.self,
                      Status.self, Uninstall.self, Diff.self])

    public init() {}

    /// `bundle --version`: the tool's version and commit. Taken before the parser sees the
    /// arguments, so that `--version` stays the chart's in `pull` (a root flag would be parsed
    /// after the subcommand too).
    public static func runWithVersion() {
        // A write to a pipe whose reader has gone (a credential helper that exited, `| head`)
        // must be an EPIPE error the tool reports, never a silent death by signal.
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] || arguments == ["version"] {
            print("bundle \(BuilderVersion.current) (commit \(BuildInfo.commit))")
            return
        }
        main()
    }
}
