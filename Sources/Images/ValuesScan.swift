/// Image fields in a chart's merged values, in the shapes charts use: `image: "repo:tag"`,
/// `image: {repository, tag}`, `image: {registry, repository, tag, digest}` (digest wins
/// over tag, a bare hex digest gets `sha256:`), `global.imageRegistry` (or
/// `global.image.registry`) over `registry`, an
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
    /// cert-manager's convention: `imageRegistry` and `imageNamespace` at the root.
    let rootRegistry: String?
    let imageNamespace: String?
    private(set) var hits: [Hit] = []
    private var visited = 0
    static let maxNodes = 200_000

    /// `subchartKeys`: top-level keys that hold subcharts' values, scanned with the subchart.
    init(values: Values, appVersion: String?, subchartKeys: Set<String> = []) {
        self.appVersion = appVersion
        let global = values["global"]
        // Bitnami's `global.imageRegistry`, ingress-nginx's `global.image.registry`.
        self.globalRegistry = (global?["imageRegistry"]?.text ?? global?["image"]?["registry"]?.text).flatMap { $0.isEmpty ? nil : $0 }
        self.rootRegistry = (values["imageRegistry"]?.text).flatMap { $0.isEmpty ? nil : $0 }
        self.imageNamespace = (values["imageNamespace"]?.text).flatMap { $0.isEmpty ? nil : $0 }
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
            // The repository, or ingress-nginx's `image:` inside the block, or cert-manager's
            // `name` under a root `imageRegistry` and `imageNamespace`.
            var repository = value["repository"]?.text ?? value["image"]?.text
            if repository?.isEmpty ?? true, let name = value["name"]?.text, !name.isEmpty, let namespace = imageNamespace {
                repository = namespace + "/" + name
            }
            guard let repository, !repository.isEmpty, !repository.contains("{{") else {
                if value["repository"] != nil || value["registry"] != nil || value["tag"] != nil {
                    return Hit(path: path, reference: nil, skipped: "its repository is empty, so the image comes from a template helper")
                }
                return nil
            }
            text = repository
            let registry = globalRegistry ?? value["registry"]?.text ?? (value["repository"]?.text?.isEmpty == false ? nil : rootRegistry)
            if let registry, !registry.isEmpty, !repository.hasPrefix(registry + "/") {
                text = registry + "/" + repository
            }
            // A digest is what is pulled; an explicit tag beside it is kept as a second name
            // (`tag@digest`, as ingress-nginx writes it), appVersion is not.
            let explicitTag = (value["tag"]?.text).flatMap { $0.isEmpty ? nil : $0 }
            if var digest = value["digest"]?.text ?? value["sha"]?.text, !digest.isEmpty {
                if !digest.hasPrefix("sha256:"), digest.utf8.count == 64 { digest = "sha256:" + digest }
                text += (explicitTag.map { ":" + $0 } ?? "") + "@" + digest
            } else if let tag = explicitTag ?? appVersion {
                text += (tag.hasPrefix("@") ? "" : ":") + tag
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
