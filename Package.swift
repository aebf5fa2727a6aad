// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bundle",
    products: [
        .executable(name: "bundle", targets: ["bundle"]),
        // For the libFuzzer targets in Fuzz/ (scripts/libfuzz), which build against them.
        .library(name: "BundleFormat", targets: ["BundleFormat"]),
        .library(name: "Content", targets: ["Content"]),
        .library(name: "OCI", targets: ["OCI"]),
        .library(name: "Archive", targets: ["Archive"]),
        .library(name: "K0sConfig", targets: ["K0sConfig"]),
        .library(name: "HelmTemplate", targets: ["HelmTemplate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // System libraries, each with a shim of typed C functions (libcurl's setopt is variadic).
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),

        // Diagnostics: the one error model (code, subject, reason, hint, class) every module adopts.
        .target(name: "Diagnostics"),
        // FileSystem: the one durable-file writer (temporary name, fsync, rename, fsync of the folder).
        .target(name: "FileSystem", dependencies: ["Diagnostics"]),
        // Content: how registry content is named and reached, as plain data (digests, descriptors, chart
        // references, credentials, TLS settings, the errors that name them); no I/O, no libcurl.
        .target(name: "Content", dependencies: ["Diagnostics", .product(name: "Crypto", package: "swift-crypto")]),
        // HTTP: the only module that touches libcurl.
        .target(
            name: "HTTP",
            dependencies: ["CCurl", "Content", "Diagnostics", "FileSystem", .product(name: "Crypto", package: "swift-crypto")]),
        // Archive: the only module that touches libarchive.
        .target(name: "Archive", dependencies: ["CArchive", "Diagnostics", "FileSystem"]),
        // OCI: references, auth, manifests, blobs, tags, Helm media types and version rules.
        .target(
            name: "OCI",
            dependencies: ["Content", "HTTP", "Diagnostics", "FileSystem", .product(name: "Crypto", package: "swift-crypto")]),
        // ChartRepository: classic Helm repositories (index.yaml over HTTP(S)).
        .target(name: "ChartRepository", dependencies: ["Content", "HTTP", "OCI", "Diagnostics", "FileSystem", "Yams", .product(name: "Crypto", package: "swift-crypto")]),
        // HelmTemplate: Go's text/template as Helm runs it (lexer, parser, executor, functions); no I/O.
        .target(
            name: "HelmTemplate",
            dependencies: [
                "Yams", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ]),
        // Images: finding a release's images (rendered, or read from values and templates; annotations, lists), image references.
        .target(name: "Images", dependencies: ["Archive", "Content", "Diagnostics", "HelmTemplate", "OCI", "Yams"]),
        // BundleFormat: bundle.json, signing keys and signatures, and a bundle read back with its
        // signature and every entry verified (BundleVerifier: install, push, verify, inspect, diff).
        .target(name: "BundleFormat", dependencies: ["Archive", "Content", "Diagnostics", .product(name: "Crypto", package: "swift-crypto")]),
        // K0sConfig: read k0s configs as k0s does, match charts to repositories, rewrite for offline use
        // (no network: it names registries and their trust, it does not reach them).
        .target(name: "K0sConfig", dependencies: ["Content", "Diagnostics", "Yams"]),
        // Builder: config -> verified pulls (parallel, cached) -> one signed, reproducible bundle.
        .target(
            name: "Builder",
            dependencies: [
                "K0sConfig", "Content", "OCI", "HTTP", "Archive", "BundleFormat", "ChartRepository", "Diagnostics", "FileSystem", "HelmTemplate", "Images", "Yams",
                .product(name: "X509", package: "swift-certificates"),
            ]),
        // Installer: bundle -> verified node state (verify, inspect, install).
        .target(name: "Installer", dependencies: ["Archive", "BundleFormat", "Content", "K0sConfig", "Diagnostics", "FileSystem", .product(name: "Crypto", package: "swift-crypto")]),
        // Pusher: bundle -> an in-network registry (charts and images, digests unchanged).
        .target(name: "Pusher", dependencies: ["BundleFormat", "Content", "OCI", "HTTP", "Diagnostics", "FileSystem"]),
        // Commands: one file per subcommand.
        .target(
            name: "Commands",
            dependencies: [
                "Content", "OCI", "HTTP", "Archive", "K0sConfig", "BundleFormat", "Builder", "Installer", "ChartRepository", "Images", "Pusher", "HelmTemplate",
                "Diagnostics", "FileSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // CStartup: sets SWIFT_ROOT before the Swift runtime starts where there is no /proc (static binary).
        .target(name: "CStartup"),
        .executableTarget(name: "bundle", dependencies: ["Commands", "CStartup"]),
        // render-bench: the engine's side of scripts/bench_render, timed in-process as Helm's is (not shipped).
        .executableTarget(name: "render-bench", dependencies: ["HelmTemplate", "Images"], path: "Benchmarks/RenderBench"),

        // TestSupport: what the unit suites share (one scripted transport and registry table).
        .target(name: "TestSupport", dependencies: ["Archive", "Builder", "Content", "HTTP", "OCI"], path: "Tests/TestSupport"),
        .testTarget(name: "ContentTests", dependencies: ["Content"]),
        .testTarget(name: "OCITests", dependencies: ["Content", "OCI", "HTTP", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["Content", "HTTP", "TestSupport"]),
        .testTarget(
            name: "HelmTemplateTests",
            dependencies: ["HelmTemplate", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1")]),
        .testTarget(name: "BundleFormatTests", dependencies: ["BundleFormat"]),
        .testTarget(name: "K0sConfigTests", dependencies: ["Content", "K0sConfig", "Yams"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Archive", "HelmTemplate"]),
        .testTarget(name: "FileSystemTests", dependencies: ["FileSystem", "Diagnostics"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "Diagnostics", "TestSupport"]),
        .testTarget(name: "ChartRepositoryTests", dependencies: ["ChartRepository", "Content", "HTTP", "OCI", "TestSupport"]),
        .testTarget(name: "InstallerTests", dependencies: ["Installer", "Builder", "BundleFormat", "K0sConfig", "TestSupport"]),
        .testTarget(name: "PusherTests", dependencies: ["Pusher", "Content", "HTTP", "OCI"]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands"]),
        .testTarget(
            name: "BuilderTests",
            dependencies: [
                "Builder", "Archive", "Content", "HTTP", "OCI", "BundleFormat", "K0sConfig", "Diagnostics", "HelmTemplate", "Images", "TestSupport",
            ]),
        .testTarget(
            name: "DiagnosticsTests",
            dependencies: ["Content", "Diagnostics", "FileSystem", "HTTP", "OCI", "Archive", "BundleFormat", "K0sConfig", "Builder", "Commands", "Images", "Pusher"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Content", "OCI", "HTTP", "Archive"]),
    ],
    swiftLanguageModes: [.v6]
)
