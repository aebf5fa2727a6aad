import ArgumentParser
import BundleFormat
import Foundation
import Installer

/// `bundle verify`: check a bundle's signature and every entry, writing nothing.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle: the signature over bundle.json with trusted keys, then every entry against it.")

    @Argument(help: ArgumentHelp("The bundle.", valueName: "bundle"))
    var bundle: String

    @OptionGroup(title: "Trust")
    var trust: TrustOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: json, ok: false) {
            let verifier = try BundleVerifier(path: bundle, trusted: try trust.load())
            let count = try verifier.verifyEntries()
            if json {
                struct Report: Encodable { var ok: Bool; var bundle: String; var name: String; var sequence: Int64; var manifestDigest: String; var verifiedBy: String?; var entries: Int }
                print(try Output.json(Report(ok: true, bundle: bundle, name: verifier.manifest.name, sequence: verifier.manifest.sequence,
                                             manifestDigest: verifier.manifestDigest, verifiedBy: verifier.verifiedBy, entries: count)))
            } else {
                print("OK \(bundle): signature by \(verifier.verifiedBy ?? "?"), \(count) entries match bundle.json (\(verifier.manifestDigest))")
            }
        }
    }
}
