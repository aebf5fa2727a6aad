import ArgumentParser
import BundleFormat
import Content
import Diagnostics
import Foundation
import HTTP
import Installer
import OCI

/// `bundle install`: verify a bundle, then seed this node for offline k0s.
struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Verify a bundle with trusted keys, then put its charts, CA certificates and config in place.",
        discussion: """
            Nothing is written before the signature holds; entries are verified into a private \
            staging folder, then moved into place atomically; the previous config is kept as \
            CONFIG.bundle-backup; a record in DATA-DIR/bundle/installed.json is written last. \
            Installing the same bundle again changes nothing. A bundle with a lower sequence than \
            the installed one is refused unless --allow-downgrade; a bundle of another name than \
            the installed one unless --replace-bundle.
            """)

    @Argument(help: ArgumentHelp("The bundle.", valueName: "bundle"))
    var bundle: String

    @OptionGroup(title: "Trust")
    var trust: TrustOptions

    @Option(help: ArgumentHelp("Prefix for every path written (for tests and image builds).", valueName: "dir"))
    var root = "/"

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("k0s data dir: charts go to DIR/charts, certificates to DIR/bundle/certs, images to DIR/images/bundle-NAME.tar (default: the one the bundle was built for, see build --data-dir).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .customLong("config-out"), help: ArgumentHelp("Where the k0s config goes.", valueName: "file"))
    var configOut = "/etc/k0s/k0s.yaml"

    @Option(name: .customLong("config-mode"), help: "merge: keep the node's config and replace only spec.extensions.helm (default); replace: write the bundle's config whole.")
    var configMode: InstallOptions.ConfigMode = .merge

    @Flag(name: .customLong("dry-run"), help: "Verify and say what would change; change nothing.")
    var dryRun = false

    @Flag(name: .customLong("allow-downgrade"), help: "Install even if the bundle's sequence is not higher than the installed one.")
    var allowDowngrade = false

    @Flag(name: .customLong("replace-bundle"), help: "Install even if a bundle of another name is installed: it replaces that bundle, removing what it placed and this one does not.")
    var replaceBundle = false

    @Flag(name: .customLong("prune-charts"), help: "With --config-mode merge: drop the node's own chart and repository entries that the bundle does not name (kept by default; each is listed).")
    var pruneCharts = false

    @Flag(name: .customLong("no-images"), help: "Do not place the images tar (for controller-only nodes).")
    var noImages = false

    @Option(help: ArgumentHelp("Use this mirror (oci://HOST[:PORT][/PREFIX], seeded with `bundle push`) instead of placing charts and images.", valueName: "mirror"))
    var mirror: String?

    @Option(name: .customLong("mirror-ca"), help: ArgumentHelp("The mirror's CA certificate (PEM), installed under the data dir for k0s and containerd.", valueName: "file"))
    var mirrorCA: String?

    @Option(name: .customLong("mirror-username"), help: ArgumentHelp("User name k0s uses for the mirror (with --mirror-password-stdin).", valueName: "user"))
    var mirrorUsername: String?

    @Flag(name: .customLong("mirror-password-stdin"), help: "Read the mirror password for k0s from standard input.")
    var mirrorPasswordStdin = false

    @Flag(name: .customLong("verify-mirror"), help: "With --mirror: fail (before writing anything) unless the mirror, reached with --mirror-ca, serves the bundle's charts and pinned images (without it, a problem is a warning).")
    var verifyMirror = false

    @Option(name: .customLong("containerd-config-version"), help: "containerd's config version for the drop-in: 3 (k0s 1.36+, containerd 2) or 2 (k0s 1.35 and earlier).")
    var containerdConfigVersion = 3

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let mirror, let problem = MirrorTarget.problem(with: mirror) { throw ValidationError("--mirror \(mirror) \(problem).") }
        if mirror != nil, mirrorCA == nil { throw ValidationError("--mirror needs --mirror-ca: the CA certificate k0s and containerd trust for the mirror.") }
        if mirror == nil, mirrorCA != nil || mirrorUsername != nil || mirrorPasswordStdin || verifyMirror {
            throw ValidationError("--mirror-ca, --mirror-username, --mirror-password-stdin and --verify-mirror go with --mirror.")
        }
        if (mirrorUsername != nil) != mirrorPasswordStdin { throw ValidationError("--mirror-username and --mirror-password-stdin go together.") }
        if ![2, 3].contains(containerdConfigVersion) { throw ValidationError("--containerd-config-version is 2 or 3.") }
        if let dataDir, !NodeLayout.isValidDataDir(dataDir) { throw ValidationError("--data-dir must be \(NodeLayout.dataDirRule); use --root to prefix it.") }
        if !configOut.hasPrefix("/") { throw ValidationError("--config-out is an absolute path on the node (use --root to prefix it).") }
    }

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        var options = InstallOptions(bundle: bundle)
        options.root = URL(fileURLWithPath: root).standardizedFileURL.path
        options.dataDir = dataDir
        options.configOut = configOut
        options.allowDowngrade = allowDowngrade
        options.replaceBundle = replaceBundle
        options.pruneCharts = pruneCharts
        options.configMode = configMode
        options.source = .bundle(images: !noImages)
        if let mirror, let target = MirrorTarget(parsing: mirror), let mirrorCA {
            var install = MirrorInstall(target: target, caFile: mirrorCA)
            install.containerdConfigVersion = containerdConfigVersion
            if let mirrorUsername, mirrorPasswordStdin {
                let password = try PasswordInput.read(flag: "--mirror-password-stdin")
                install.username = mirrorUsername
                install.password = password
            }
            options.source = .mirror(install, images: !noImages)
        }
        try Output.reportingErrors(json: json) {
            let trusted = try trust.load()
            if case .mirror(let mirror, _) = options.source { try checkMirror(mirror, trusted: trusted) }
            let installer = Installer(options: options, trusted: trusted) { Output.warn($0) }
            var report = try dryRun ? installer.plan() : installer.install()
            report.warnings = Output.warnings()
            if json {
                print(try Output.json(report))
                return
            }
            Self.printMerge(report, dryRun: report.status == .dryRun)
            switch report.status {
            case .unchanged:
                print("\(report.name) (sequence \(report.sequence)) is already installed; nothing changed.")
            case .dryRun:
                print("Dry run: \(report.name) (sequence \(report.sequence)) verified; would change:")
                for file in report.files { print("  \(file.action)  \(file.path)") }
                if let diff = report.configDiff, !diff.isEmpty {
                    print("Config change:")
                    for line in diff { print(Escaped(line)) }
                }
            case .installed:
                print("Installed \(report.name) (sequence \(report.sequence), \(report.manifestDigest)), signature by \(report.verifiedBy ?? "?")\(report.mirror.map { ", charts and images from \($0)" } ?? "")")
                for file in report.files { print("  \(file.action.padding(toLength: 9, withPad: " ", startingAt: 0))  \(file.path)") }
                if let backup = report.backup { print("  previous config kept as \(backup)") }
            }
        }
    }
}

extension Install {
    /// The mirror asked, before anything is written, for what the bundle's config will name
    /// (signature checked first): a warning per problem, or with --verify-mirror an error.
    func checkMirror(_ mirror: MirrorInstall, trusted: [(key: VerificationKey, source: String)]) throws {
        let manifest = try BundleVerifier(path: bundle, trusted: trusted).manifest
        let credentials = mirror.username.flatMap { user in mirror.password.map { Credentials(username: user, password: $0) } }
        let tls = TLSSettings(caFile: mirror.caFile, source: "--mirror-ca", howToGiveCA: "--mirror-ca")
        var check = MirrorCheck(target: mirror.target, tls: tls, credentials: credentials)
        check.strict = verifyMirror
        let problems = check.problems(manifest)
        guard !problems.isEmpty else { return }
        if verifyMirror {
            throw CommandError(code: .mirrorUnusable, subject: mirror.target.description, reason: problems.joined(separator: "; "),
                               hint: "Push the bundle there (`bundle push`), or fix --mirror and --mirror-ca; nothing was written")
        }
        for problem in problems { Output.warn(problem + " (--verify-mirror makes this an error)") }
    }

    /// What the merge did to the node's own entries: each kept, replaced and pruned one.
    static func printMerge(_ report: InstallReport, dryRun: Bool) {
        let would = dryRun ? "would be " : ""
        for entry in report.configReplaced { print("config: \(Escaped(entry)) \(would)replaced by the bundle's") }
        for entry in report.configKept { print("config: \(Escaped(entry)) of the node \(would)kept (the bundle does not name it; --prune-charts drops it)") }
        for entry in report.configPruned { print("config: \(Escaped(entry)) of the node \(would)dropped (--prune-charts)") }
        for entry in report.configRetired { print("config: \(Escaped(entry)) of the previous bundle \(would)dropped (this bundle no longer carries it)") }
    }
}

extension InstallOptions.ConfigMode: ExpressibleByArgument {}
