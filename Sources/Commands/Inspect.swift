import ArgumentParser
import BundleFormat
import Foundation
import Installer

/// `bundle inspect`: what a bundle holds, without installing (and without trusting it).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a bundle holds: charts, certificates, signer, name, sequence (not verified; see verify).")

    @Argument(help: ArgumentHelp("The bundle.", valueName: "bundle"))
    var bundle: String

    @Flag(help: "Print bundle.json as JSON, with the manifest digest.")
    var json = false

    func run() throws {
        try Output.reportingErrors(json: json) {
            try show(try BundleVerifier(path: bundle, trusted: nil))
        }
    }

    func show(_ verifier: BundleVerifier) throws {
        let m = verifier.manifest
        if json {
            struct Report: Encodable { var manifestDigest: String; var verified: Bool; var manifest: BundleManifest }
            print(try Output.json(Report(manifestDigest: verifier.manifestDigest, verified: false, manifest: m)))
            return
        }
        print("bundle     \(m.name), sequence \(m.sequence), created \(m.created) by \(m.builder)")
        print("manifest   \(verifier.manifestDigest)")
        print("signer     \(m.signer.map { "\($0.algorithm) \($0.keyID)" } ?? "none (unsigned)")  (as the bundle claims; `bundle verify --trust` checks it)")
        print("data dir   \(m.dataDir); config \(m.config.path) from \(m.config.source) (\(m.config.format))")
        print("charts")
        for chart in m.charts {
            print("  \(chart.path)  \(chart.name) \(chart.version)  \(chart.chartDigest)")
            print("    from \(chart.reference)\(chart.repository.map { " (repository \($0))" } ?? ""), releases: \(chart.releases.joined(separator: ", "))\(chart.provenance.map { ", provenance \($0)" } ?? "")")
        }
        print("certificates")
        if m.certificates.isEmpty { print("  none") }
        for certificate in m.certificates {
            print("  \(certificate.path)  repository \(certificate.repository), expires \(certificate.notAfter)")
            for subject in certificate.subjects { print("    \(subject)") }
        }
        // The manifest is not trusted here: sizes are summed without trapping on overflow.
        let total = m.files.reduce((sum: Int64(0), overflow: false)) { partial, file in
            let next = partial.sum.addingReportingOverflow(file.size)
            return (next.partialValue, partial.overflow || next.overflow || file.size < 0)
        }
        print("files      \(m.files.count), \(total.overflow ? "an impossible total of" : "\(total.sum)") bytes\(total.overflow ? " (sizes overflow or are negative: the manifest is not one bundle build writes)" : "")")
    }
}
