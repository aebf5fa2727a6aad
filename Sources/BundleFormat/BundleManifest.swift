import Content
import Foundation

/// `bundle.json`: what a bundle holds. Signed as exact bytes; every other entry of the
/// archive is listed in `files` with its size and sha256, and nothing unlisted may appear.
public struct BundleManifest: Codable, Sendable, Equatable {
    /// The version of this format; readers refuse versions they do not know.
    public static let currentSchemaVersion = 1
    public static let manifestPath = "bundle.json"
    public static let signaturePath = "bundle.json.sig"

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        /// The entry's content digest; bundle.json writes it as bare hex under `sha256`, as
        /// bundles always have, so bundles built before still read and verify.
        public var digest: Digest
        /// Lower-case hex sha256 (`digest`'s hex), as bundle.json writes it.
        public var sha256: String { digest.hex }

        public init(path: String, size: Int64, sha256: String) {
            self.path = path
            self.size = size
            self.digest = Digest(sha256Hex: sha256)
        }

        enum CodingKeys: String, CodingKey { case path, size, sha256 }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(path: try container.decode(String.self, forKey: .path), size: try container.decode(Int64.self, forKey: .size),
                      sha256: try container.decode(String.self, forKey: .sha256))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(size, forKey: .size)
            try container.encode(sha256, forKey: .sha256)
        }
    }

    public struct Chart: Codable, Sendable, Equatable {
        /// The archive entry, e.g. `charts/app-1.2.3.tgz`.
        public var path: String
        public var name: String
        public var version: String
        /// Release names in the config that use this chart.
        public var releases: [String]
        /// The reference as written in the config (`oci://…`).
        public var reference: String
        /// The repository entry whose TLS settings and credentials were used, if any.
        public var repository: String?
        /// The OCI manifest's digest; absent for charts from classic repositories.
        public var manifestDigest: String?
        public var chartDigest: String
        /// The provenance file's entry, when the chart has one.
        public var provenance: String?
        public init(path: String, name: String, version: String, releases: [String], reference: String, repository: String?, manifestDigest: String?, chartDigest: String, provenance: String?) {
            self.path = path
            self.name = name
            self.version = version
            self.releases = releases
            self.reference = reference
            self.repository = repository
            self.manifestDigest = manifestDigest
            self.chartDigest = chartDigest
            self.provenance = provenance
        }
    }

    public struct Certificate: Codable, Sendable, Equatable {
        public var path: String
        /// The repository entry whose caFile this is.
        public var repository: String
        public var subjects: [String]
        /// The earliest notAfter of the certificates in the file, RFC 3339.
        public var notAfter: String
        public init(path: String, repository: String, subjects: [String], notAfter: String) {
            self.path = path
            self.repository = repository
            self.subjects = subjects
            self.notAfter = notAfter
        }
    }

    public struct Config: Codable, Sendable, Equatable {
        /// The archive entry of the rewritten config.
        public var path: String
        /// The config file the bundle was built from (its name only).
        public var source: String
        public var format: String
        public init(path: String, source: String, format: String) {
            self.path = path
            self.source = source
            self.format = format
        }
    }

    /// A container image the bundle's OCI layout (entries under `images/`) holds.
    public struct Image: Codable, Sendable, Equatable {
        /// The full normalised reference (`docker.io/library/redis:7.2`).
        public var reference: String
        /// The names `images/index.json` gives the root (tag form, and digest form where pinned).
        public var names: [String]
        /// The root manifest or index, exactly as the registry served it.
        public var digest: String
        public var mediaType: String
        /// Bytes of every blob of the image in the bundle (shared blobs counted in each image).
        public var size: Int64
        /// Platforms bundled (empty when a single manifest's config names none).
        public var platforms: [String]
        /// Releases whose charts run it (empty for images named only with --image).
        public var releases: [String]
        /// Where it was found: values paths, template lines, annotations, --image, list files.
        public var sources: [String]
        public init(reference: String, names: [String], digest: String, mediaType: String, size: Int64, platforms: [String], releases: [String], sources: [String]) {
            self.reference = reference
            self.names = names
            self.digest = digest
            self.mediaType = mediaType
            self.size = size
            self.platforms = platforms
            self.releases = releases
            self.sources = sources
        }
    }

    /// The folder of the bundle's OCI image layout.
    public static let imagesFolder = "images"
    /// The folder of the charts' OCI manifests and configs, by digest (for `push`; not placed).
    public static let ociFolder = "oci"

    /// Whether an entry holds a chart's OCI manifest or config (`oci/…`).
    public static func isChartOCIEntry(_ path: String) -> Bool { path.hasPrefix(ociFolder + "/") }

    /// Which key signed it (nil for an unsigned bundle): informational, since trust comes only
    /// from the keys an installer is given.
    public struct Signer: Codable, Sendable, Equatable {
        public var algorithm: String
        public var keyID: String
        public init(algorithm: String, keyID: String) {
            self.algorithm = algorithm
            self.keyID = keyID
        }
    }

    public var schemaVersion: Int
    public var signer: Signer?
    /// `bundle <version>`.
    public var builder: String
    public var name: String
    /// Increases with each build; an installer refuses to go back to a lower one.
    public var sequence: Int64
    /// RFC 3339; from SOURCE_DATE_EPOCH, else the epoch, so that builds are reproducible.
    public var created: String
    /// The node layout the config was rewritten for.
    public var dataDir: String
    public var config: Config
    public var charts: [Chart]
    public var certificates: [Certificate]
    public var files: [File]
    /// The images of `images/` (absent from bundles without images).
    public var images: [Image]?

    public init(builder: String, name: String, sequence: Int64, created: String, dataDir: String, config: Config, charts: [Chart], certificates: [Certificate], files: [File], images: [Image]? = nil, signer: Signer? = nil) {
        self.schemaVersion = Self.currentSchemaVersion
        self.signer = signer
        self.builder = builder
        self.name = name
        self.sequence = sequence
        self.created = created
        self.dataDir = dataDir
        self.config = config
        self.charts = charts
        self.certificates = certificates
        self.files = files
        self.images = images
    }

    /// A bundle name: 1 to 128 of `[A-Za-z0-9._-]`, not starting with a dot (it names the
    /// images tar and appears in the record on every node).
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...128).contains(bytes.count) && bytes.first != 0x2E && bytes.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }

    /// Whether an entry belongs to the OCI image layout (`images/…`).
    public static func isImageEntry(_ path: String) -> Bool { path.hasPrefix(imagesFolder + "/") }

    /// The canonical bytes: sorted keys, unescaped slashes, two-space indent, final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Parses bundle.json strictly (`StrictJSON`, `ManifestReader`): the schema version first,
    /// then every field by name and type, each problem naming the field.
    public static func decode(_ data: Data, source: String) throws(BundleError) -> BundleManifest {
        let subject = "\(source): bundle.json"
        guard data.count <= ManifestReader.maxBytes else {
            throw BundleError(.manifestInvalid, subject, reason: "is \(data.count) bytes, more than the \(ManifestReader.maxBytes) a manifest may be", hint: "Do not install this bundle.")
        }
        let value: JSONValue
        do {
            value = try StrictJSON.parse(Array(data))
        } catch {
            throw BundleError(.manifestInvalid, subject, reason: "is not valid JSON at \(error.description)", hint: "Is this a bundle made by `bundle build`? Do not install it.")
        }
        guard case .object(let pairs) = value, let version = pairs.first(where: { $0.key == "schemaVersion" })?.value else {
            throw BundleError(.manifestInvalid, subject, reason: "is not a bundle manifest (no schemaVersion)", hint: "Is this a bundle made by `bundle build`?")
        }
        guard case .number(let text) = version, let number = Int(text) else {
            throw BundleError(.manifestInvalid, subject, reason: "schemaVersion: expected an integer, got \(version.kind)", hint: "Is this a bundle made by `bundle build`?")
        }
        guard number == currentSchemaVersion else {
            throw BundleError(.unknownSchema, subject, reason: "has schemaVersion \(number); this bundle tool reads version \(currentSchemaVersion)",
                              hint: "Install a bundle tool that knows schema \(number), or rebuild the bundle with this one.")
        }
        do {
            return try ManifestReader.read(value)
        } catch {
            throw BundleError(.manifestInvalid, subject, reason: error.reason, hint: "The bundle is damaged or was not made by `bundle build`; do not install it.")
        }
    }
}
