/// Image fields in a chart's merged values, in the shapes charts use: `image: "repo:tag"`,
/// `image: {repository, tag}`, `image: {registry, repository, tag, digest}` (digest wins
/// over tag, a bare hex digest gets `sha256:`), `global.imageRegistry` over `registry`, an
/// empty tag meaning the chart's appVersion, nested anywhere. A block under a map with
/// `enabled: false` is skipped, and said so.
struct ValuesScan {
    struct Hit {
        /// The dotted key path of the block (`controller.image`).
        var path: String
        var reference: ImageReference?
        /// Why it was not taken (disabled, incomplete, not a reference).
        var skipped: String?
    }

    let appVersion: String?
    let globalRegistry: String?
    private(set) var hits: [Hit] = []
    private var visited = 0
    static let maxNodes = 200_000

    /// `subchartKeys`: top-level keys that hold subcharts' values, scanned with the subchart.
    init(values: Values, appVersion: String?, subchartKeys: Set<String> = []) {
        self.appVersion = appVersion
        let global = values["global"]
        self.globalRegistry = (global?["imageRegistry"]?.text).flatMap { $0.isEmpty ? nil : $0 }
        var own = values
        if case .map(let pairs) = values { own = .map(pairs.filter { !subchartKeys.contains($0.key) }) }
        walk(own, path: [], disabledBy: nil, depth: 0)
    }

    private mutating func walk(_ node: Values, path: [String], disabledBy: String?, depth: Int) {
        visited += 1
        guard depth < Values.maxDepth, visited < Self.maxNodes else { return }
        switch node {
        case .map(let pairs):
            var disabled = disabledBy
            if disabled == nil, node["enabled"] == .bool(false) {
                disabled = (path + ["enabled"]).joined(separator: ".") + " is false"
            }
            for (key, value) in pairs {
                let childPath = path + [key]
                if Self.isImageKey(key) || (value.isMap && value["repository"] != nil && (value["tag"] != nil || value["digest"] != nil)) {
                    if let hit = image(value, path: childPath.joined(separator: "."), disabledBy: disabled) {
                        hits.append(hit)
                        continue
                    }
                }
                walk(value, path: childPath, disabledBy: disabled, depth: depth + 1)
            }
        case .list(let items):
            for (index, item) in items.enumerated() {
                var indexed = path
                let last = indexed.popLast() ?? ""
                indexed.append("\(last)[\(index)]")
                walk(item, path: indexed, disabledBy: disabledBy, depth: depth + 1)
            }
        default:
            return
        }
    }

    static func isImageKey(_ key: String) -> Bool {
        key == "image" || (key.count > 5 && key.hasSuffix("Image"))
    }

    /// The image a value describes, nil when it is not an image block at all.
    func image(_ value: Values, path: String, disabledBy: String?) -> Hit? {
        var text: String
        switch value {
        case .string(let s):
            guard !s.isEmpty, !s.contains("{{") else { return nil }
            text = s
        case .map:
            guard let repository = value["repository"]?.text else {
                if value["repository"] != nil || value["registry"] != nil || value["tag"] != nil {
                    return Hit(path: path, reference: nil, skipped: "its repository is empty, so the image comes from a template helper")
                }
                return nil
            }
            guard !repository.isEmpty, !repository.contains("{{") else {
                return Hit(path: path, reference: nil, skipped: "its repository is empty, so the image comes from a template helper")
            }
            text = repository
            if let registry = globalRegistry ?? value["registry"]?.text, !registry.isEmpty, !repository.hasPrefix(registry + "/") {
                text = registry + "/" + repository
            }
            if var digest = value["digest"]?.text, !digest.isEmpty {
                if !digest.hasPrefix("sha256:"), digest.utf8.count == 64 { digest = "sha256:" + digest }
                text += "@" + digest
            } else if let tag = value["tag"]?.text, !tag.isEmpty {
                text += (tag.hasPrefix("@") ? "" : ":") + tag
            } else if let appVersion, !appVersion.isEmpty {
                text += ":" + appVersion
            }
        default:
            return nil
        }
        if let disabledBy { return Hit(path: path, reference: try? ImageReference(parsing: text), skipped: disabledBy) }
        do {
            return Hit(path: path, reference: try ImageReference(parsing: text), skipped: nil)
        } catch {
            return Hit(path: path, reference: nil, skipped: "\"\(text)\" \(error.reason)")
        }
    }
}
