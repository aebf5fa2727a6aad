// swift-tools-version:6.0
// libFuzzer targets (scripts/libfuzz): each an executable whose LLVMFuzzerTestOneInput feeds
// one parser of untrusted input. Built apart from the main package, with -sanitize=fuzzer.
import PackageDescription

let package = Package(
    name: "bundle-fuzz",
    // scripts/libfuzz links .deps/bundle to the repository, so the identity is "bundle" in any clone.
    dependencies: [.package(path: ".deps/bundle")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzManifest", dependencies: ["FuzzDriver", .product(name: "BundleFormat", package: "bundle")]),
        .executableTarget(name: "FuzzVersion", dependencies: ["FuzzDriver", .product(name: "Content", package: "bundle"), .product(name: "OCI", package: "bundle")]),
        .executableTarget(name: "FuzzTar", dependencies: ["FuzzDriver", .product(name: "Archive", package: "bundle")]),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzDriver", .product(name: "K0sConfig", package: "bundle")]),
        .executableTarget(name: "FuzzTemplate", dependencies: ["FuzzDriver", .product(name: "HelmTemplate", package: "bundle")]),
    ],
    swiftLanguageModes: [.v6]
)
