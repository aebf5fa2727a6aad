import ArgumentParser
import Builder
import Foundation
import HTTP
import K0sConfig

/// `bundle images`: the images a build of CONFIG would bundle, in the format
/// `k0s airgap list-images` prints, so that lists can be compared, edited and fed back with
/// `--images-file`.
struct ListImages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "List the images a build would bundle: one reference per line, or --json with where each was found.",
        discussion: """
            Resolves each chart of CONFIG as `plan` does, reads its archive (values merged with the \
            release's, templates, annotations, vendored subcharts) and prints every image found, \
            plus those named with --image and --images-file, normalised as containerd names them. \
            Template lines whose image could not be determined are reported on standard error.
            """)

    @Argument(help: ArgumentHelp("The k0s config.", valueName: "config"))
    var config: String

    @OptionGroup(title: "Images")
    var imageFlags: ImageFlags

    @OptionGroup var cache: CacheOption

    @Flag(help: "Print the images as JSON, with releases and sources.")
    var json = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        var found: ImagePlan?
        var chartProblems: [String] = []
        try Output.reportingErrors(json: json) {
            let loaded = try K0sConfig.load(path: config)
            Output.report(loaded.problems)
            let planner = Planner(config: loaded, transport: try HTTPTransports.standard(), cache: BlobCache(root: cache.root), warn: Output.warn)
            for chart in loaded.charts {
                let row = planner.plan(chart)
                chartProblems += row.problems.map { "\(row.release): \($0.message)" }
            }
            found = planner.planImages(try imageFlags.options(), resolve: false)
        }
        guard let plan = found else { return }
        for problem in chartProblems { Output.error(problem) }
        if json {
            print(try Output.json(WithWarnings(result: ImagesReport(ok: chartProblems.isEmpty && plan.problems.isEmpty, plan: plan), warnings: Output.warnings())))
        } else {
            for image in plan.images { print(image.reference) }
            if !plan.undetermined.isEmpty {
                Output.warn("could not determine the image of these template lines; add them with --image REF:\n" + plan.undetermined.map { "    \($0)" }.joined(separator: "\n"))
            }
            for problem in plan.problems { Output.error(problem.message) }
        }
        if !chartProblems.isEmpty || !plan.problems.isEmpty { throw ExitCode(1) }
    }
}

/// What `bundle images --json` prints.
struct ImagesReport: Encodable {
    var ok: Bool
    var plan: ImagePlan

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case ok, images, undetermined, skipped, problems }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(plan.images.map { Entry(reference: $0.reference, releases: $0.releases, sources: $0.sources) }, forKey: .images)
        try c.encode(plan.undetermined, forKey: .undetermined)
        try c.encode(plan.skipped, forKey: .skipped)
        try c.encode(plan.problems, forKey: .problems)
    }

    struct Entry: Encodable {
        var reference: String
        var releases: [String]
        var sources: [String]
    }
}
