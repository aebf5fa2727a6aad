/// Reads `bundle.json` strictly: the JSON through `StrictJSON`, then every field by name and
/// type, unknown keys refused, sizes within 0 ... 2^53, counts bounded; a problem names the
/// field (`files[3].size: expected an integer, got the number 1.5`).
struct ManifestReader {
    struct Problem: Error {
        var reason: String
    }

    /// The most any manifest may be: far above what `bundle build` writes for real configs.
    static let maxBytes = 16 << 20
    static let maxEntries = 200_000
    static let maxSize = Int64(1) << 53

    static func read(_ value: JSONValue) throws(Problem) -> BundleManifest {
        let root = try Object(value, path: "", allowed: ["schemaVersion", "signer", "builder", "name", "sequence", "created", "dataDir",
                                                         "config", "charts", "certificates", "files", "images"])
        let signer = try root.object("signer", allowed: ["algorithm", "keyID"]).map { s throws(Problem) in
            BundleManifest.Signer(algorithm: try s.string("algorithm"), keyID: try s.string("keyID"))
        }
        let configObject = try root.object("config", allowed: ["path", "source", "format"], required: true)
        guard let config = configObject else { throw Problem(reason: "config: missing") }
        var manifest = BundleManifest(
            builder: try root.string("builder"), name: try root.string("name"), sequence: try root.integer("sequence", in: 0...Int64.max),
            created: try root.string("created"), dataDir: try root.string("dataDir"),
            config: .init(path: try config.string("path"), source: try config.string("source"), format: try config.string("format")),
            charts: try root.array("charts").enumerated().map { i, v throws(Problem) in try chart(v, path: "charts[\(i)]") },
            certificates: try root.array("certificates").enumerated().map { i, v throws(Problem) in try certificate(v, path: "certificates[\(i)]") },
            files: try root.array("files").enumerated().map { i, v throws(Problem) in try file(v, path: "files[\(i)]") },
            images: try root.optionalArray("images")?.enumerated().map { i, v throws(Problem) in try image(v, path: "images[\(i)]") },
            signer: signer)
        manifest.schemaVersion = Int(try root.integer("schemaVersion", in: 0...1_000_000))
        return manifest
    }

    static func file(_ value: JSONValue, path: String) throws(Problem) -> BundleManifest.File {
        let o = try Object(value, path: path, allowed: ["path", "size", "sha256"])
        let sha = try o.string("sha256")
        guard sha.utf8.count == 64, sha.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw Problem(reason: "\(path).sha256: expected 64 lower-case hex digits")
        }
        return .init(path: try o.string("path"), size: try o.integer("size", in: 0...maxSize), sha256: sha)
    }

    static func chart(_ value: JSONValue, path: String) throws(Problem) -> BundleManifest.Chart {
        let o = try Object(value, path: path, allowed: ["path", "name", "version", "releases", "reference", "repository", "manifestDigest", "chartDigest", "provenance"])
        return .init(path: try o.string("path"), name: try o.string("name"), version: try o.string("version"), releases: try o.strings("releases"),
                     reference: try o.string("reference"), repository: try o.optionalString("repository"), manifestDigest: try o.optionalString("manifestDigest"),
                     chartDigest: try o.string("chartDigest"), provenance: try o.optionalString("provenance"))
    }

    static func certificate(_ value: JSONValue, path: String) throws(Problem) -> BundleManifest.Certificate {
        let o = try Object(value, path: path, allowed: ["path", "repository", "subjects", "notAfter"])
        return .init(path: try o.string("path"), repository: try o.string("repository"), subjects: try o.strings("subjects"), notAfter: try o.string("notAfter"))
    }

    static func image(_ value: JSONValue, path: String) throws(Problem) -> BundleManifest.Image {
        let o = try Object(value, path: path, allowed: ["reference", "names", "digest", "mediaType", "size", "platforms", "releases", "sources"])
        return .init(reference: try o.string("reference"), names: try o.strings("names"), digest: try o.string("digest"), mediaType: try o.string("mediaType"),
                     size: try o.integer("size", in: 0...maxSize), platforms: try o.strings("platforms"), releases: try o.strings("releases"),
                     sources: try o.strings("sources"))
    }

    /// One JSON object's fields, read by name.
    struct Object {
        let path: String
        let fields: [String: JSONValue]

        init(_ value: JSONValue, path: String, allowed: Set<String>) throws(Problem) {
            guard case .object(let pairs) = value else { throw Problem(reason: "\(path.isEmpty ? "the manifest" : path): expected an object, got \(value.kind)") }
            for pair in pairs where !allowed.contains(pair.key) {
                throw Problem(reason: "\(Self.join(path, pair.key)): unknown key (this tool knows \(allowed.sorted().joined(separator: ", ")))")
            }
            self.path = path
            self.fields = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }

        static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        func field(_ key: String) throws(Problem) -> JSONValue {
            guard let value = fields[key] else { throw Problem(reason: "\(Self.join(path, key)): missing") }
            return value
        }

        func string(_ key: String) throws(Problem) -> String {
            let value = try field(key)
            guard case .string(let text) = value else { throw Problem(reason: "\(Self.join(path, key)): expected a string, got \(value.kind)") }
            return text
        }

        func optionalString(_ key: String) throws(Problem) -> String? {
            guard let value = fields[key], value != .null else { return nil }
            return try string(key)
        }

        func integer(_ key: String, in range: ClosedRange<Int64>) throws(Problem) -> Int64 {
            let value = try field(key)
            guard case .number(let text) = value else { throw Problem(reason: "\(Self.join(path, key)): expected an integer, got \(value.kind)") }
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Problem(reason: "\(Self.join(path, key)): expected an integer, got \(text)")
            }
            guard let number = Int64(text), range.contains(number) else {
                throw Problem(reason: "\(Self.join(path, key)): \(text.hasPrefix("-") ? "negative" : "out of range") (\(text)); it must be \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        func array(_ key: String) throws(Problem) -> [JSONValue] {
            let value = try field(key)
            guard case .array(let items) = value else { throw Problem(reason: "\(Self.join(path, key)): expected an array, got \(value.kind)") }
            guard items.count <= ManifestReader.maxEntries else { throw Problem(reason: "\(Self.join(path, key)): more than \(ManifestReader.maxEntries) entries") }
            return items
        }

        func optionalArray(_ key: String) throws(Problem) -> [JSONValue]? {
            guard fields[key] != nil else { return nil }
            return try array(key)
        }

        func strings(_ key: String) throws(Problem) -> [String] {
            try array(key).enumerated().map { index, item throws(Problem) in
                guard case .string(let text) = item else { throw Problem(reason: "\(Self.join(path, key))[\(index)]: expected a string, got \(item.kind)") }
                return text
            }
        }

        func object(_ key: String, allowed: Set<String>, required: Bool = false) throws(Problem) -> Object? {
            guard let value = fields[key], value != .null else {
                if required { throw Problem(reason: "\(Self.join(path, key)): missing") }
                return nil
            }
            return try Object(value, path: Self.join(path, key), allowed: allowed)
        }
    }
}
