import ArgumentParser

/// The `bundle` command: makes Helm charts usable in air-gapped k0s clusters.
public struct BundleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Make Helm charts from OCI registries usable in air-gapped k0s clusters.",
        version: BundleVersion.current,
        subcommands: [Build.self, Plan.self, Pull.self, Keygen.self, Install.self, Verify.self, Inspect.self])

    public init() {}
}

/// The tool's version, recorded in bundles and printed by `--version`.
public enum BundleVersion {
    public static let current = "0.1.0"
}
