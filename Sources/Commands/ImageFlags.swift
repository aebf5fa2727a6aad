import ArgumentParser
import Builder
import Images
import OCI

/// The image options of `build`, `plan` and `images`.
struct ImageFlags: ParsableArguments {
    @Option(name: .customLong("image"), help: ArgumentHelp("Also bundle this image (repeatable), e.g. k0s's own images.", valueName: "ref"))
    var images: [String] = []

    @Option(name: .customLong("images-file"), help: ArgumentHelp("Also bundle the images listed in FILE, one per line (the format `k0s airgap list-images` prints; # comments).", valueName: "file"))
    var imagesFiles: [String] = []

    @Flag(name: .customLong("no-images"), help: "Bundle charts only: find and pull no images.")
    var noImages = false

    @Option(name: .customLong("platform"), help: ArgumentHelp("Image platform os/arch[/variant] (repeatable), or all. Default: this machine's.", valueName: "platform"))
    var platforms: [String] = []

    @Flag(name: .customLong("strict-images"), help: "Fail when a chart has image lines whose image cannot be determined.")
    var strictImages = false

    func validate() throws {
        for platform in platforms where platform != "all" && Platform(parsing: platform) == nil {
            throw ValidationError("--platform \(platform) is not os/arch[/variant] (e.g. linux/amd64, linux/arm64/v8) or all.")
        }
        if noImages, !images.isEmpty || !imagesFiles.isEmpty || strictImages || !platforms.isEmpty {
            throw ValidationError("--no-images contradicts --image, --images-file, --platform and --strict-images; give one or the other.")
        }
    }

    func options() throws -> ImageOptions {
        var options = ImageOptions()
        options.enabled = !noImages
        options.strict = strictImages
        if platforms.contains("all") {
            options.platforms = PlatformChoice(all: true, platforms: [])
        } else if !platforms.isEmpty {
            options.platforms = PlatformChoice(platforms: platforms.compactMap(Platform.init(parsing:)))
        }
        options.explicit = try ImageList.parse(arguments: images)
        for file in imagesFiles { options.explicit += try ImageList.read(file: file) }
        return options
    }
}
