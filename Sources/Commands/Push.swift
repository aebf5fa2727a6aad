import ArgumentParser
import Builder
import BundleFormat
import Content
import Foundation
import HTTP
import K0sConfig
import OCI
import Pusher

/// `bundle push`: seed an in-network registry from a verified bundle.
struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Verify a bundle, then push its charts and images into a registry (a mirror inside the air gap).",
        discussion: """
            The signature and every entry are verified before a byte is sent. Charts go to \
            PREFIX/<their repository path>:<version> with the manifest, config and layers they were \
            served with (digests unchanged); images to PREFIX/<source host>/<path> (a port's : as _) \
            with their tag and served digest. Blobs the mirror has are skipped, blobs in another \
            repository of the mirror are mounted: pushing the same bundle again uploads nothing. \
            Credentials: --username with --password-stdin, BUNDLE_MIRROR_USERNAME and \
            BUNDLE_MIRROR_PASSWORD, or a Docker/Helm config.json.
            """)

    @Argument(help: ArgumentHelp("The bundle.", valueName: "bundle"))
    var bundle: String

    @Argument(help: ArgumentHelp("The mirror: oci://HOST[:PORT][/PREFIX].", valueName: "mirror"))
    var mirror: String

    @OptionGroup(title: "Trust")
    var trust: TrustOptions

    @OptionGroup(title: "Mirror")
    var registry: RegistryOptions

    @Option(help: "Artifacts pushed at once.")
    var concurrency = 4

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be between 1 and 64.") }
    }

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: json) {
            guard let target = MirrorTarget(parsing: mirror) else {
                throw PushError(.invalidTarget, mirror, reason: MirrorTarget.problem(with: mirror) ?? "is not oci://HOST[:PORT][/PREFIX]",
                                hint: "Write the mirror as oci://registry.corp:5000/mirror.")
            }
            var options = PushOptions(bundle: bundle, target: target, tls: registry.tls)
            options.plainHTTP = registry.plainHTTP
            options.concurrency = concurrency
            if let given = try registry.credentials() {
                options.credentials = given
                options.credentialSource = "--username"
            } else if let found = Self.credentials(for: target.registry) {
                (options.credentials, options.credentialSource) = (found.credentials, found.source)
            }
            // One line per artifact; on a terminal a bar over all the bytes still to settle.
            let display = ProgressDisplay(quiet: json)
            let subject = "push to \(target.registry)"
            if display.showsTransfers {
                options.progress = { done, total in
                    if total >= TransferProgress.threshold { display.transfer(TransferProgress(subject: subject, bytes: done, total: total)) }
                }
            }
            let pusher = Pusher(options: options, trusted: try trust.load()) { display.report($0) }
            defer { display.finish() }
            var report = try pusher.push()
            for warning in report.warnings { Output.warn(warning) }
            report.warnings = Output.warnings(including: report.warnings)
            if json {
                print(try Output.json(report))
            } else {
                print("Pushed \(report.pushed.count) artifact\(report.pushed.count == 1 ? "" : "s") of \(bundle) to \(report.mirror): \(report.uploaded) bytes uploaded")
            }
        }
    }

    /// BUNDLE_MIRROR_USERNAME/_PASSWORD, else a Docker/Helm config.json entry for the host.
    static func credentials(for host: String) -> (credentials: Credentials, source: String)? {
        RegistryCredentials().mirror(host: host).map { ($0.credentials, $0.source) }
    }
}
