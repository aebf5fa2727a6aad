import Archive
import ArgumentParser
import BundleFormat
import Builder
import FileSystem
import Foundation
import K0sConfig

/// `bundle build`: one signed, reproducible bundle from a k0s config.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build one signed, reproducible bundle of the charts a k0s config lists.",
        discussion: """
            Pulls every oci:// chart of CONFIG (verified, through a cache), checks that each is \
            complete for an air gap (dependencies vendored) and each CA file usable, rewrites the \
            config for offline use, finds the images the charts run (values, templates, annotations, \
            --image) and pulls them for --platform, and writes a tar archive: bundle.json, \
            bundle.json.sig, charts/, certs/, images/ (one OCI image layout), k0s.yaml. The signing key comes from --sign-key, or from BUNDLE_SIGN_KEY (the PEM \
            text) or BUNDLE_SIGN_KEY_FILE. SOURCE_DATE_EPOCH fixes timestamps: the same inputs and \
            key give the same bytes.
            """)

    @Argument(help: ArgumentHelp("The k0s config.", valueName: "config"))
    var config: String

    @Option(name: .customLong("sign-key"), help: ArgumentHelp("PEM private key (Ed25519 or ECDSA P-256).", valueName: "file"))
    var signKey: String?

    @Flag(help: "Build without a signature (bundle install will refuse it).")
    var unsigned = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The bundle to write (default: NAME.bundle.tar.gz or .tar.zst).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("gzip or zstd.", valueName: "kind"))
    var compression: ArchiveWriter.Compression = .gzip

    @Option(help: ArgumentHelp("Compression level (gzip 0-9, zstd 1-19). Default: gzip 0 (charts are compressed already), zstd's default.", valueName: "n"))
    var level: Int?

    @Option(help: "Downloads at once (charts, image manifests and blobs).")
    var concurrency = 4

    @OptionGroup var cache: CacheOption

    @Flag(help: "Use only the cache; fail if a chart is not in it.")
    var offline = false

    @Option(parsing: .unconditional, help: "The bundle's sequence number (default: SOURCE_DATE_EPOCH, else now).")
    var sequence: Int64?

    @Option(help: "The bundle's name (default: the config file's name).")
    var name: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("k0s data dir on the nodes, for the rewritten paths.", valueName: "dir"))
    var dataDir = NodeLayout.defaultDataDir

    @Option(name: .customLong("max-download"), help: ArgumentHelp("The most this build may download, e.g. 200G (default 100G).", valueName: "size"))
    var maxDownload: String?

    @OptionGroup(title: "Images")
    var imageFlags: ImageFlags

    @OptionGroup(title: "Images")
    var noImages: NoImagesFlag

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        try noImages.check(imageFlags)
        if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be between 1 and 64.") }
        if let level, compression == .gzip ? !(0...9).contains(level) : !(1...19).contains(level) {
            throw ValidationError("--level for \(compression.rawValue) must be \(compression == .gzip ? "0 to 9" : "1 to 19").")
        }
        if signKey != nil && unsigned { throw ValidationError("--sign-key and --unsigned contradict each other; give one.") }
        if !NodeLayout.isValidDataDir(dataDir) { throw ValidationError("--data-dir must be \(NodeLayout.dataDirRule).") }
        if let sequence, sequence < 0 { throw ValidationError("--sequence must be 0 or more (it only ever grows between bundles).") }
        if config == "-" { throw ValidationError("the config must be a file: reading it from standard input is not supported (relative caFile paths need its folder).") }
        if let output {
            let zst = output.hasSuffix(".zst"), gz = output.hasSuffix(".gz") || output.hasSuffix(".tgz")
            if compression == .gzip && zst || compression == .zstd && gz {
                throw ValidationError("-o \(output) names \(zst ? "zstd" : "gzip") but --compression is \(compression.rawValue); make them agree.")
            }
        }
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], (Int64(text) ?? -1) < 0 {
            throw ValidationError("SOURCE_DATE_EPOCH=\"\(text.prefix(40))\" is not a Unix time (whole seconds, 0 or more); fix or unset it.")
        }
        if let maxDownload, FreeSpace.parse(maxDownload) == nil {
            throw ValidationError("--max-download \(maxDownload) is not a size: write bytes, or a number with K, M, G or T (binary multiples).")
        }
        if let name, !BundleManifest.isValidName(name) {
            throw ValidationError("--name must be 1 to 128 of A-Z a-z 0-9 . _ - (it names files on the nodes).")
        }
    }

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var key: SigningKey?
        try Output.reportingErrors(json: json) {
            key = try SigningKey.resolve(flag: signKey, environment: environment)
            if key == nil, !unsigned {
                throw CommandError(code: .noSigningKey, subject: config, reason: "no signing key",
                                   hint: "Give --sign-key KEY (make one with `bundle keygen --out signing`), or set BUNDLE_SIGN_KEY / BUNDLE_SIGN_KEY_FILE; --unsigned builds a bundle that nodes will refuse to install")
            }
        }

        let epoch = environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }
        let base = name ?? ((config as NSString).lastPathComponent as NSString).deletingPathExtension
        var target = output ?? "\(base).bundle.tar.\(compression == .gzip ? "gz" : "zst")"
        // Before any download: only a regular file (or a link to one) is ever replaced.
        try Output.reportingErrors(json: json) { target = try OutputPath.prepare(target, option: "-o", missingFolder: .create) }
        var options = BuildOptions(configPath: config, output: target, cacheDir: cache.root)
        options.compression = compression
        options.level = level
        options.concurrency = concurrency
        options.offline = offline
        options.sequence = sequence
        options.name = name
        options.sourceDateEpoch = epoch
        options.dataDir = dataDir
        if let limit = maxDownload.flatMap(FreeSpace.parse) { options.maxDownload = limit }
        try Output.reportingErrors(json: json) { options.images = try imageFlags.options(enabled: !noImages.noImages) }

        let display = ProgressDisplay(quiet: json)
        if display.showsTransfers { options.transferProgress = { display.transfer($0) } }
        let builder = Builder(options: options) { display.show($0) }
        var built: BuildResult?
        try Output.reportingErrors(json: json) {
            defer { display.finish() }
            built = try builder.build(signingKey: key)
        }
        guard let result = built else { return }
        for warning in result.warnings { Output.warn(warning) }
        if json {
            print(try Output.json(BuildReport(result)))
        } else {
            let downloaded = result.charts.filter { !$0.cached }.count
            let what = "\(result.manifest.charts.count) chart\(result.manifest.charts.count == 1 ? "" : "s") for \(result.charts.count) release\(result.charts.count == 1 ? "" : "s"), \(result.manifest.certificates.count) CA certificate\(result.manifest.certificates.count == 1 ? "" : "s"), sequence \(result.manifest.sequence)"
            if result.upToDate {
                print("\(result.output) is up to date (\(result.size) bytes, the same bundle as before): \(what); nothing written.")
            } else {
                print("Built \(result.output) (\(result.size) bytes): \(what)")
            }
            print("  \(downloaded) chart\(downloaded == 1 ? "" : "s") downloaded, \(result.charts.count - downloaded) from the cache")
            if let images = result.manifest.images {
                let bytes = result.manifest.files.filter { BundleManifest.isImageEntry($0.path) }.reduce(Int64(0)) { $0 + $1.size }
                print("  \(images.count) image\(images.count == 1 ? "" : "s") for \(options.images.platforms) (\(bytes) bytes in one OCI layout)")
                for image in images { print("    \(image.reference)  \(image.digest.prefix(19))  \(image.platforms.joined(separator: ","))") }
            } else if options.images.enabled {
                print("  no images found")
            }
            for note in result.imagesSkipped { print("  skipped \(note)") }
            print(result.signed ? "  signed by \(result.keyID ?? "?")" : "  UNSIGNED: bundle install will refuse it")
        }
    }
}

extension ArchiveWriter.Compression: ExpressibleByArgument {}

/// What `bundle build --json` prints.
struct BuildReport: Encodable {
    var output: String
    var size: Int64
    var name: String
    var sequence: Int64
    var signed: Bool
    var keyID: String?
    var upToDate: Bool
    var charts: [Chart]
    var certificates: [String]
    var images: [BundleManifest.Image]
    var imagesSkipped: [String]
    var warnings: [String]

    struct Chart: Encodable {
        var release: String
        var reference: String
        var version: String
        var path: String
        var size: Int64
        var cached: Bool
    }

    init(_ result: BuildResult) {
        output = result.output
        size = result.size
        name = result.manifest.name
        sequence = result.manifest.sequence
        signed = result.signed
        keyID = result.keyID
        upToDate = result.upToDate
        charts = result.charts.map { Chart(release: $0.release, reference: $0.reference, version: $0.version, path: $0.path, size: $0.size, cached: $0.cached) }
        certificates = result.manifest.certificates.map(\.path)
        images = result.manifest.images ?? []
        imagesSkipped = result.imagesSkipped
        warnings = Output.warnings(including: result.warnings)
    }
}
