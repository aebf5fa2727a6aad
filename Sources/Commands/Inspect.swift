import ArgumentParser
import BundleFormat
import Diagnostics
import Foundation
import Installer

/// `bundle inspect`: what a bundle holds, without installing (and without trusting it).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a bundle holds: charts, certificates, images, signer, name, sequence (not verified; see verify).")

    @Argument(help: ArgumentHelp("The bundle.", valueName: "bundle"))
    var bundle: String

    @Flag(help: "Print bundle.json as JSON, with the manifest digest.")
    var json = false

    @Flag(help: "Print the bundled config as written (for a k0sctl bundle, the whole rewritten Cluster file, for running k0sctl inside the air gap).")
    var config = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: json) {
            let verifier = try BundleVerifier(path: bundle, trusted: nil)
            if config { return try showConfig(verifier) }
            try show(verifier)
        }
    }

    /// The config entry's bytes as the build wrote them (its digest checked, like every entry).
    func showConfig(_ verifier: BundleVerifier) throws {
        let folder = NSTemporaryDirectory() + "bundle-inspect-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = verifier.manifest.config.path
        let staged = try verifier.stage(into: folder) { $0.path == path }
        guard let file = staged[path], let data = FileManager.default.contents(atPath: file) else {
            throw BundleError(.entryMissing, "\(bundle): \(path)", reason: "cannot be read back", hint: "Check free space in \(NSTemporaryDirectory()).")
        }
        try? FileHandle.standardOutput.write(contentsOf: data)
    }

    func show(_ verifier: BundleVerifier) throws {
        let m = verifier.manifest
        if json {
            struct Report: Encodable { var manifestDigest: String; var verified: Bool; var manifest: BundleManifest }
            print(try Output.json(Report(manifestDigest: verifier.manifestDigest, verified: false, manifest: m)))
            return
        }
        // Nothing here is trusted: every text from the manifest is shown escaped.
        func e(_ text: String) -> String { Escaped(text).description }
        print("bundle     \(e(m.name)), sequence \(m.sequence), created \(e(m.created)) by \(e(m.builder))")
        print("manifest   \(verifier.manifestDigest)")
        print("signer     \(m.signer.map { "\(e($0.algorithm)) \(e($0.keyID))" } ?? "none (unsigned)")  (as the bundle claims; `bundle verify --trust` checks it)")
        print("data dir   \(e(m.dataDir)); config \(e(m.config.path)) from \(e(m.config.source)) (\(e(m.config.format)))")
        print("charts")
        for chart in m.charts {
            print("  \(e(chart.path))  \(e(chart.name)) \(e(chart.version))  \(e(chart.chartDigest))")
            print("    from \(e(chart.reference))\(chart.repository.map { " (repository \(e($0)))" } ?? ""), releases: \(e(chart.releases.joined(separator: ", ")))\(chart.provenance.map { ", provenance \(e($0))" } ?? "")")
        }
        print("certificates")
        if m.certificates.isEmpty { print("  none") }
        for certificate in m.certificates {
            print("  \(e(certificate.path))  repository \(e(certificate.repository)), expires \(e(certificate.notAfter))")
            for subject in certificate.subjects { print("    \(e(subject))") }
        }
        if let images = m.images {
            print("images")
            for image in images {
                print("  \(e(image.reference))  \(e(image.digest))  \(e(image.platforms.joined(separator: ",")))  \(image.size) bytes")
                print("    releases: \(image.releases.isEmpty ? "-" : e(image.releases.joined(separator: ", "))); found in \(e(image.sources.prefix(3).joined(separator: ", ")))")
            }
        }
        // The manifest is not trusted here: sizes are summed without trapping on overflow.
        let total = m.files.reduce((sum: Int64(0), overflow: false)) { partial, file in
            let next = partial.sum.addingReportingOverflow(file.size)
            return (next.partialValue, partial.overflow || next.overflow || file.size < 0)
        }
        print("files      \(m.files.count), \(total.overflow ? "an impossible total of" : "\(total.sum)") bytes\(total.overflow ? " (sizes overflow or are negative: the manifest is not one bundle build writes)" : "")")
    }
}
