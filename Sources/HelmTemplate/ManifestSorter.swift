import Foundation
import Yams

/// What Helm makes of a rendered chart before it installs or prints it: each template split
/// into YAML documents (at `---` lines, as Helm's separator pattern splits them), each document
/// read for its kind and hook annotation, the plain ones sorted by kind in Helm's install order,
/// the hooks after them; a hook of an unknown type is left out, as Helm leaves it out.
public enum ManifestSorter {
    public struct Manifest: Sendable, Equatable {
        /// `CHART/templates/FILE`.
        public var path: String
        public var content: String
        public var kind: String
        /// The hook events (`pre-install`, `test`), empty for a plain manifest.
        public var hooks: [String]

        public var isTestHook: Bool { hooks.contains("test") || hooks.contains("test-success") }
    }

    /// Helm's install order of kinds; unknown kinds come after, by name.
    static let installOrder = [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
        "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet",
        "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]
    static let rank = Dictionary(uniqueKeysWithValues: installOrder.enumerated().map { ($0.element, $0.offset) })
    static let hookEvents: Set<String> = ["pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade",
                                          "pre-rollback", "post-rollback", "test", "test-success"]

    /// The manifests (by kind) and the hooks (by kind) of rendered templates; a document that is
    /// not YAML fails as Helm fails it.
    public static func sort(_ templates: [String: String]) throws(TemplateError) -> (manifests: [Manifest], hooks: [Manifest]) {
        var manifests: [Manifest] = [], hooks: [Manifest] = []
        for path in templates.keys.sorted() {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            guard !base.hasPrefix("_"), let text = templates[path], !isBlank(text) else { continue }
            for document in split(text) {
                let head = try Self.head(document, path: path)
                let manifest = Manifest(path: path, content: document, kind: head.kind, hooks: head.hooks ?? [])
                guard head.hooks != nil else {
                    manifests.append(manifest)
                    continue
                }
                if manifest.hooks.allSatisfy(hookEvents.contains) { hooks.append(manifest) }
            }
        }
        return (byKind(manifests), byKind(hooks))
    }

    /// `helm template`'s text: each manifest, then each hook, as `---`, `# Source:` and the document.
    public static func printed(_ sorted: (manifests: [Manifest], hooks: [Manifest])) -> String {
        (sorted.manifests + sorted.hooks).map { "---\n# Source: \($0.path)\n\($0.content)\n" }.joined()
    }

    static func byKind(_ manifests: [Manifest]) -> [Manifest] {
        manifests.enumerated().sorted { a, b in
            let (x, y) = (rank[a.element.kind], rank[b.element.kind])
            switch (x, y) {
            case (let i?, let j?): return i != j ? i < j : a.offset < b.offset
            case (nil, nil): return a.element.kind != b.element.kind ? a.element.kind < b.element.kind : a.offset < b.offset
            case (nil, _?): return false
            case (_?, nil): return true
            }
        }.map(\.element)
    }

    /// Helm's split of a stream: `---` at the start or after a line break (white space before
    /// that break and after the dashes belongs to the separator), each piece trimmed, empty
    /// pieces dropped.
    public static func split(_ text: String) -> [String] {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let lastKept = scalars.lastIndex(where: { !isSpace($0) }) else { return [] }
        let end = scalars.index(after: lastKept)
        func isDashes(_ at: String.UnicodeScalarView.Index) -> Bool { scalars[at...].starts(with: "---".unicodeScalars) }
        func skipSpaces(_ index: inout String.UnicodeScalarView.Index) {
            while index < end, isSpace(scalars[index]) { index = scalars.index(after: index) }
        }
        var start = first, index = first, pieces: [String] = []
        if isDashes(first) {
            index = scalars.index(first, offsetBy: 3)
            skipSpaces(&index)
            start = index
        }
        while index < end {
            let next = scalars.index(after: index)
            guard scalars[index] == "\n", next < scalars.endIndex, isDashes(next) else {
                index = next
                continue
            }
            var cut = index
            while cut > start, isSpace(scalars[scalars.index(before: cut)]) { cut = scalars.index(before: cut) }
            pieces.append(String(Substring(scalars[start..<cut])))
            index = scalars.index(next, offsetBy: 3)
            skipSpaces(&index)
            start = index
        }
        pieces.append(String(Substring(scalars[Swift.min(start, end)..<end])))
        return pieces.map(trim).filter { !$0.isEmpty }
    }

    /// The kind and, for a hook, its events; a document Helm cannot read fails its template.
    static func head(_ document: String, path: String) throws(TemplateError) -> (kind: String, hooks: [String]?) {
        let node: Yams.Node?
        // Only the structure and the scalars' text and style are read (types are judged by
        // `isTyped`), so no tag is resolved: the basic resolver skips libyaml-side regexes.
        do { node = try Yams.compose(yaml: document, .basic, .default, .utf8) } catch {
            throw TemplateError(.parse, template: path, line: 1, column: 1, "YAML parse error on \(path): \(error)")
        }
        guard case .mapping(let root)? = node else { return ("", nil) }
        let kind = root["kind"]?.string ?? ""
        guard case .mapping(let metadata)? = root["metadata"], case .mapping(let annotations)? = metadata["annotations"] else { return (kind, nil) }
        for (key, value) in annotations {
            guard case .scalar(let scalar) = value, scalar.style != .plain || !isTyped(scalar.string) else {
                throw TemplateError(.parse, template: path, line: 1, column: 1,
                                    "YAML parse error on \(path): the annotation \(key.string ?? "") is not a string (quote it)")
            }
        }
        guard let events = annotations["helm.sh/hook"]?.string else { return (kind, nil) }
        return (kind, events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    /// A plain scalar Helm's YAML reader (YAML 1.1) takes for a number or a bool, which a
    /// string field refuses (`helm.sh/hook-weight: 5` must be quoted).
    static func isTyped(_ text: String) -> Bool {
        let words: Set<String> = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
                                  "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"]
        if words.contains(text) { return true }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        if body.hasPrefix("0x") { return body.count > 2 && body.dropFirst(2).allSatisfy(\.isHexDigit) }
        // Digits, at most one point, an optional exponent: 5, 1.5, .5, 1e3, 1_000.
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let mantissa = parts[0].split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false)
        let number = mantissa[0]
        let exponent = parts.count > 1 ? parts[1] : (mantissa.count > 1 ? mantissa[1] : nil)
        guard number.contains(where: \.isNumber), number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "_") }),
              number.filter({ $0 == "." }).count <= 1 else { return false }
        guard let exponent else { return true }
        let digits = exponent.first == "-" || exponent.first == "+" ? exponent.dropFirst() : exponent
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Go's unicode.IsSpace (ASCII first: the common case is a byte compare).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }
    static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(isSpace) }
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}
