import ArgumentParser
import Builder
import Content
import Diagnostics
import HTTP
import Foundation
import K0sConfig

/// `bundle plan`: read and validate a config, resolve every chart against its registry, check
/// its archive as a build does, and show what a build would bundle.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a build would bundle: each chart resolved against its registry.",
        discussion: """
            Reads CONFIG (a k0s ClusterConfig, the short form, or a k0sctl Cluster), validates it as \
            k0s would, resolves each chart's version and digests as a build does, downloads each \
            chart archive into the build cache (--cache-dir; a build reuses it) and applies the \
            build's checks to it (dependencies vendored), and finds the images each chart runs, \
            asking their registries for digests and platforms. Image blobs are never downloaded. \
            Exit status 0 only if a build would succeed. Credentials come from \
            BUNDLE_REPO_<NAME>_USERNAME / _PASSWORD, the repository entry, or a Docker/Helm config.json.
            """)

    @Argument(help: ArgumentHelp("The k0s config.", valueName: "config"))
    var config: String

    @OptionGroup(title: "Images")
    var imageFlags: ImageFlags

    @OptionGroup(title: "Images")
    var noImages: NoImagesFlag

    @OptionGroup var cache: CacheOption

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func validate() throws {
        try noImages.check(imageFlags)
    }

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        let loaded: K0sConfig
        do {
            loaded = try K0sConfig.load(path: config)
        } catch {
            Output.error(error.description)
            if json { print(try Output.json(PlanReport(config: config, format: nil, problems: error.problems, charts: [], error: error.report))) }
            throw ExitCode(error.errorClass.exitStatus)
        }
        let transport: any HTTPTransport
        do { transport = try HTTPTransports.standard() } catch { try Output.fail(error, json: json, ok: false) }
        Output.report(loaded.problems)
        var imageOptions = ImageOptions()
        try Output.reportingErrors(json: json) { imageOptions = try imageFlags.options(enabled: !noImages.noImages) }
        let planner = Planner(config: loaded, transport: transport, cache: BlobCache(root: cache.root), warn: Output.warn)
        let rows = loaded.charts.map { planner.plan($0) }
        let images = imageOptions.enabled ? planner.planImages(imageOptions, resolve: true) : nil
        let imagesFailed = images.map { !$0.problems.isEmpty || $0.images.contains { !$0.problems.isEmpty } } ?? false
        if json {
            var report = PlanReport(config: config, format: loaded.format.rawValue, problems: loaded.problems, charts: rows)
            report.images = images
            report.warnings = Output.warnings()
            if imagesFailed {
                report.ok = false
                report.error = report.error ?? images?.problems.first ?? images?.images.lazy.compactMap(\.problems.first).first
            }
            print(try Output.json(report))
        } else {
            print(Self.table(rows))
            if let images { Self.show(images) }
            let failed = rows.filter { !$0.problems.isEmpty }
            for row in failed {
                // A problem whose subject is the release says it once; another subject (a host) is named after it.
                for problem in row.problems { Output.error(problem.subject == row.release ? problem.message : "\(row.release): \(problem.message)") }
            }
            print(failed.isEmpty && imagesFailed
                  ? "\(rows.count) chart\(rows.count == 1 ? "" : "s") resolved, but images cannot be bundled (see errors above)."
                  : failed.isEmpty
                  ? "\(rows.count) chart\(rows.count == 1 ? "" : "s") resolved\(images.map { ", \($0.images.count) image\($0.images.count == 1 ? "" : "s")" } ?? ""); the plan is good."
                  : "\(failed.count) of \(rows.count) chart\(rows.count == 1 ? "" : "s") cannot be bundled (see errors above).")
        }
        if rows.contains(where: { !$0.problems.isEmpty }) || imagesFailed { throw ExitCode(1) }
    }

    /// The images table, then what was skipped, undetermined or failed.
    static func show(_ plan: ImagePlan) {
        print("\nImages for \(plan.platforms):")
        let header = ["IMAGE", "RELEASES", "DIGEST", "PLATFORMS", "FOUND IN"]
        let cells = plan.images.map { image in
            [image.reference, image.releases.isEmpty ? "-" : image.releases.joined(separator: ","),
             image.problems.isEmpty ? image.digest.map { String($0.prefix(19)) } ?? "-" : "FAILED",
             image.platforms.isEmpty ? "-" : image.platforms.joined(separator: ","),
             image.sources.first.map { $0 + (image.sources.count > 1 ? " (+\(image.sources.count - 1))" : "") } ?? "-"]
        }
        print(table(header: header, cells))
        for note in plan.skipped { print("  skipped \(note)") }
        if !plan.undetermined.isEmpty {
            Output.warn("could not determine the image of these template lines; add them with --image REF:\n" + plan.undetermined.map { "    \($0)" }.joined(separator: "\n"))
        }
        for problem in plan.problems { Output.error(problem.message) }
        for image in plan.images { for problem in image.problems { Output.error(problem.message) } }
    }

    static func table(_ rows: [PlannedChart]) -> String {
        let header = ["RELEASE", "CHART", "REPOSITORY", "TLS", "AUTH", "REQUESTED", "RESOLVED", "MANIFEST"]
        let cells = rows.map { row in
            [row.release, row.chart, row.repository ?? "-", row.tls, row.auth, row.requested,
             row.problems.isEmpty ? (row.resolved ?? "-") : "FAILED", row.manifestDigest.map { String($0.prefix(19)) } ?? "-"]
        }
        return table(header: header, cells)
    }

    /// Columns padded to their widest cell; untrusted text is escaped.
    static func table(header: [String], _ rows: [[String]]) -> String {
        let cells = rows.map { $0.map { Escaped($0).description } }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// What `bundle plan --json` prints.
struct PlanReport: Encodable {
    var config: String
    var format: String?
    var ok: Bool
    /// Every problem: the config's (errors, warnings, notes, with where each is), then each
    /// chart's failures (also under its row), in the one error shape.
    var problems: [ErrorReport]
    var charts: [PlannedChart]
    /// The images a build would bundle (absent with --no-images).
    var images: ImagePlan?
    /// What was printed as warnings on stderr.
    var warnings: [String] = []
    /// When the config cannot be used at all: its first error, in the shape every command uses.
    var error: ErrorReport?

    init(config: String, format: String?, problems: [ConfigProblem], charts: [PlannedChart], error: ErrorReport? = nil) {
        self.error = error ?? charts.lazy.compactMap(\.problems.first).first
        self.config = config
        self.format = format
        // Every problem in one list (the config's, then each chart's), as well as per chart.
        self.problems = problems.map(\.report) + charts.flatMap(\.problems)
        self.charts = charts
        self.ok = !problems.contains { $0.severity == .error } && charts.allSatisfy { $0.problems.isEmpty }
    }
}
