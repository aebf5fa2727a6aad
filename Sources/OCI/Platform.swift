import Content
import Foundation
/// Image platforms (`os/arch[/variant]`), which of them a build bundles, and what an image
/// resolved to: the value types the image stages share.

extension Platform {
    /// The machine this runs on, as containerd names it (`uname -m` x86_64 is amd64).
    public static var host: Platform {
        var info = utsname()
        uname(&info)
        let machine = withUnsafeBytes(of: &info.machine) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        switch machine {
        case "x86_64", "amd64": return Platform(os: "linux", architecture: "amd64")
        case "aarch64", "arm64": return Platform(os: "linux", architecture: "arm64")
        case "armv7l": return Platform(os: "linux", architecture: "arm", variant: "v7")
        case "armv6l": return Platform(os: "linux", architecture: "arm", variant: "v6")
        default: return Platform(os: "linux", architecture: machine)
        }
    }

    /// Whether an index entry for `other` serves this platform, as containerd matches: same
    /// os and architecture, and the variant where this one names one (arm64's v8 is its default).
    public func accepts(_ other: Platform) -> Bool {
        guard os == other.os, architecture == other.architecture else { return false }
        guard let variant else { return true }
        let theirs = other.variant ?? (architecture == "arm64" ? "v8" : nil)
        return variant == theirs
    }
}

/// Which platforms of a multi-platform image a build takes.
public struct PlatformChoice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every platform the index lists.
    public var all: Bool
    public var platforms: [Platform]

    public init(all: Bool = false, platforms: [Platform] = [Platform.host]) {
        self.all = all
        self.platforms = platforms
    }

    public var description: String { all ? "all" : platforms.map(\.description).joined(separator: ",") }

    func takes(_ platform: Platform) -> Bool { all || platforms.contains { $0.accepts(platform) } }
}

/// An image as a build bundles it: the root descriptor exactly as the registry served it
/// (a multi-platform index keeps its digest), the child manifests of the chosen platforms,
/// and the config and layer blobs they name.
public struct ResolvedImage: Codable, Sendable, Equatable {
    public var root: Descriptor
    /// Platforms the image offers (an index's entries, or a single manifest's config).
    public var available: [String]
    /// Platforms bundled.
    public var selected: [String]
    /// Child manifests bundled (none for a single-manifest image).
    public var manifests: [Descriptor]
    /// Configs and layers of the bundled manifests, each once.
    public var blobs: [Descriptor]

    /// Every blob the bundle's OCI layout holds for this image: root, children, configs, layers.
    public var allBlobs: [Descriptor] { [root] + manifests + blobs }
    public var totalSize: Int64 { allBlobs.reduce(0) { $0 &+ $1.size } }
}
