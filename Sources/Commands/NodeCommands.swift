import ArgumentParser
import BundleFormat
import Diagnostics
import Foundation
import Installer

/// Where the node's files are, for the node-side commands that need no bundle.
struct NodeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Prefix of every path (as given to install).", valueName: "dir"))
    var root = "/"

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("k0s data dir (as given to install).", valueName: "dir"))
    var dataDir = NodeLayout.defaultDataDir

    /// What the node holds, under the standardized root.
    var state: NodeState { NodeState(root: URL(fileURLWithPath: root).standardizedFileURL.path, dataDir: dataDir) }
}

/// `bundle status`: what this node holds, and whether every file is still intact.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what is installed on this node: bundle, sequence, signer, when, charts, images, mirror, and whether every file is intact.")

    @OptionGroup var node: NodeOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        let status = node.state.status()
        if json {
            print(try Output.json(WithWarnings(result: status, warnings: Output.warnings())))
        } else if !status.installed {
            print("No bundle is installed (no record under \(node.root == "/" ? "" : node.root)\(node.dataDir)/bundle).")
        } else {
            func e(_ text: String?) -> String { Escaped(text ?? "-").description }
            print("bundle     \(e(status.name)), sequence \(status.sequence ?? 0), \(e(status.manifestDigest))")
            print("installed  \(e(status.installedAt)), signature by \(e(status.verifiedBy))\(status.mirror.map { ", from the mirror \(e($0))" } ?? "")")
            print("charts     \(status.charts.isEmpty ? "-" : e(status.charts.joined(separator: ", ")))")
            print("images     \(status.images.count)")
            for file in status.files { print("  \(file.state.padding(toLength: 8, withPad: " ", startingAt: 0))  \(e(file.path))") }
            print("config     \(e(status.configState)): \(e(status.config))\(status.configBackup.map { " (the node's own config before the install: \(Escaped($0)))" } ?? "")")
            let changedFiles = status.files.filter { $0.state != "intact" }.count
            if status.intact {
                print("Every file and the config are as installed.")
            } else {
                let said = [changedFiles > 0 ? "\(changedFiles) file\(changedFiles == 1 ? "" : "s") changed since the install (see above)" : nil,
                            status.configState != "intact" ? "the config is \(e(status.configState)) since the install" : nil].compactMap { $0 }.joined(separator: "; ")
                print(said.prefix(1).uppercased() + said.dropFirst() + ".")
            }
        }
        if status.installed, !status.intact { throw ExitCode(1) }
    }
}

/// `bundle uninstall`: remove what the installed bundle placed, put the config back.
struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove exactly what the installed bundle placed and restore the config backup.",
        discussion: "Files changed since the install are kept and named; the config is restored from CONFIG.bundle-backup, or removed if the install created it.")

    @OptionGroup var node: NodeOptions

    @Flag(name: .customLong("dry-run"), help: "Say what would be removed; change nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: json) {
            let report = try node.state.uninstall(dryRun: dryRun)
            if json {
                print(try Output.json(WithWarnings(result: report, warnings: Output.warnings())))
                return
            }
            print("\(dryRun ? "Would uninstall" : "Uninstalled") \(Escaped(report.name)):")
            for path in report.removed { print("  \(dryRun ? "would remove" : "removed")  \(Escaped(path))") }
            for path in report.kept { print("  kept (changed since the install)  \(Escaped(path))") }
            print("  config: \(report.config)")
            if !report.configNamesRemoved.isEmpty {
                print("  The kept config still names \(report.configNamesRemoved.count) removed chart file\(report.configNamesRemoved.count == 1 ? "" : "s"): \(report.configNamesRemoved.map { Escaped($0).description }.joined(separator: ", ")); k0s fails on \(report.configNamesRemoved.count == 1 ? "it" : "them") until the config is restored or edited.")
            }
            if let backup = report.configBackup {
                let config = String(backup.dropLast(".bundle-backup".count))
                print("  The node's own config from before the install is \(Escaped(backup)); restore it with: mv \(Escaped(backup)) \(Escaped(config))")
            } else if !report.configNamesRemoved.isEmpty {
                print("  Edit the config to remove those charts.")
            }
        }
    }
}

/// `bundle diff OLD NEW`: what changed between two bundles.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two bundles: charts and images added, removed and changed, and the config as a unified diff.",
        discussion: "Neither bundle is trusted (as with inspect). Exit status as diff(1): 0 when they hold the same, 1 when they differ, 2 when either cannot be read.")

    @Argument(help: ArgumentHelp("The older bundle.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The newer bundle.", valueName: "new"))
    var new: String

    @Flag(help: "Print the differences as JSON.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        var result: BundleDiff?
        // As diff(1): 0 the same, 1 different, 2 anything else.
        try Output.reportingErrors(json: json, exitStatus: 2) { result = try BundleDiff(old: old, new: new) }
        guard let diff = result else { return }
        if json {
            print(try Output.json(diff))
        } else {
            func show(_ title: String, _ section: BundleDiff.Section) {
                guard !section.isEmpty else { return }
                print(title)
                for c in section.added { print("  + \(Escaped(c.name))  \(Escaped(c.to ?? ""))") }
                for c in section.removed { print("  - \(Escaped(c.name))  \(Escaped(c.from ?? ""))") }
                for c in section.changed { print("  ~ \(Escaped(c.name))  \(Escaped(c.from ?? "")) -> \(Escaped(c.to ?? ""))") }
            }
            show("charts", diff.charts)
            show("images", diff.images)
            if !diff.config.isEmpty {
                print("config")
                for line in diff.config { print("  \(Escaped(line))") }
            }
            if diff.charts.isEmpty, diff.images.isEmpty, diff.config.isEmpty { print("The bundles hold the same charts, images and config.") }
        }
        if !diff.charts.isEmpty || !diff.images.isEmpty || !diff.config.isEmpty { throw ExitCode(1) }
    }
}
