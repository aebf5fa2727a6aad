import ArgumentParser
import Builder

/// The `bundle` command: makes Helm charts usable in air-gapped k0s clusters.
public struct BundleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Make Helm charts usable in air-gapped k0s clusters: build signed bundles, install them offline.",
        version: BuilderVersion.current,
        subcommands: [Build.self, Plan.self, ListImages.self, Pull.self, Keygen.self, Install.self, Push.self, Verify.self, Inspect.self, Status.self, Uninstall.self])

    public init() {}
}
