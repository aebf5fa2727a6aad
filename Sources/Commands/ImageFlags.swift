import ArgumentParser
import Builder
import Content
import HelmTemplate
import Images
import OCI

/// The image options of `build`, `plan` and `images` (`--no-images` is `NoImagesFlag`: it
/// makes no sense for `images`).
struct ImageFlags: ParsableArguments {
    @Option(name: .customLong("image"), help: ArgumentHelp("Add this image to those the charts run (repeatable), e.g. k0s's own images.", valueName: "ref"))
    var images: [String] = []

    @Option(name: .customLong("images-file"), help: ArgumentHelp("Add the images listed in FILE, one per line (the format `k0s airgap list-images` prints; # comments).", valueName: "file"))
    var imagesFiles: [String] = []

    @Option(name: .customLong("platform"), help: ArgumentHelp("Image platform os/arch[/variant] (repeatable), or all. Default: this machine's.", valueName: "platform"))
    var platforms: [String] = []

    @Flag(name: .customLong("strict-images"), help: "Fail when an image cannot be determined, or a release cannot be rendered and its values were read instead.")
    var strictImages = false

    @Flag(name: .customLong("no-render"), help: "Read each release's images from its values and templates without rendering it (the engine is not run).")
    var noRender = false

    @Option(name: .customLong("kube-version"), help: ArgumentHelp("The cluster's Kubernetes version for charts that ask (.Capabilities); default 1.36.0, Helm's.", valueName: "version"))
    var kubeVersion: String?

    func validate() throws {
        if let kubeVersion, KubeVersion.parse(kubeVersion) == nil {
            throw ValidationError("--kube-version \(kubeVersion) is not a Kubernetes version such as 1.34.1 or v1.34.1+k0s.0.")
        }
        for platform in platforms where platform != "all" && Platform(parsing: platform) == nil {
            throw ValidationError("--platform \(platform) is not os/arch[/variant] (e.g. linux/amd64, linux/arm64/v8) or all.")
        }
    }

    /// Whether any image flag was given (which `--no-images` contradicts).
    var isSet: Bool { !images.isEmpty || !imagesFiles.isEmpty || strictImages || !platforms.isEmpty || noRender || kubeVersion != nil }

    func options(enabled: Bool = true) throws -> ImageOptions {
        var options = ImageOptions()
        options.enabled = enabled
        options.strict = strictImages
        options.render = !noRender
        options.kubeVersion = kubeVersion.flatMap(KubeVersion.parse)
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

/// `--no-images` for `build` and `plan`: charts only.
struct NoImagesFlag: ParsableArguments {
    @Flag(name: .customLong("no-images"), help: "Charts only: find and pull no images.")
    var noImages = false

    /// Refuses image flags given with `--no-images`.
    func check(_ flags: ImageFlags) throws {
        if noImages, flags.isSet {
            throw ValidationError("--no-images contradicts --image, --images-file, --platform, --strict-images, --no-render and --kube-version; give one or the other.")
        }
    }
}

/// `--cache-dir` of the commands that fetch charts into the build cache (`build`, `plan`, `images`).
struct CacheOption: ParsableArguments {
    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Blob cache (default: $BUNDLE_CACHE_DIR, $XDG_CACHE_HOME/bundle or ~/.cache/bundle).", valueName: "dir"))
    var cacheDir: String?

    var root: String { cacheDir ?? BlobCache.defaultRoot() }
}
