import Foundation
import Yams

/// The node's own config kept, with only its `spec.extensions.helm` taken from the bundle's:
/// every other line (comments, the API address, the network) stays byte for byte, in the
/// file's own line endings.
public enum ConfigMerge {
    /// A merge's text and what it did to the node's own chart and repository entries.
    public struct Result: Sendable, Equatable {
        public var text: String
        /// Node entries the bundle does not name, kept (`chart NAME`, `repository NAME`).
        public var kept: [String] = []
        /// Node entries the bundle names, replaced by the bundle's.
        public var replaced: [String] = []
        /// Node entries the bundle does not name, dropped with `--prune-charts`.
        public var pruned: [String] = []
        /// Chart entries an earlier install wrote that this bundle no longer carries: dropped.
        public var retired: [String] = []
    }

    /// Whether `node` can take a merge, asked before anything is placed: the same refusal the
    /// merge would give, else nil.
    public static func refusal(node: String, file: String) -> ConfigError? {
        let minimal = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec:\n  extensions:\n    helm:\n      charts: []\n"
        do {
            _ = try merge(node: node, file: file, bundled: minimal, pruneCharts: false)
            return nil
        } catch {
            return error
        }
    }

    /// `node`: the node's config text; `bundled`: the config the install would write whole.
    /// Chart and repository entries of the node's helm section that the bundle does not name
    /// are kept (k0s would uninstall a release whose entry disappears), unless `pruneCharts`.
    /// `installed`: chart entries (by name, or by chart path) and repository entries (by name)
    /// an earlier install wrote, which are the previous bundle's, not the node's own.
    public static func merge(node: String, file: String, bundled: String, pruneCharts: Bool, installed: Set<String> = []) throws(ConfigError) -> Result {
        func refuse(_ message: String) -> ConfigError {
            ConfigError(file: file, problems: [ConfigProblem(.error, .notAConfig, at: ConfigLocation(file: file, line: 1, column: 1), path: "", message)])
        }
        let nodeRoot: Node
        do {
            guard let root = try Yams.compose(yaml: node, .default, .default, .utf8), case .mapping(let mapping) = root,
                  mapping["apiVersion"]?.string?.hasPrefix("k0s.k0sproject.io/") == true, mapping["kind"]?.string == "ClusterConfig" else {
                throw refuse("is not a k0s ClusterConfig (apiVersion k0s.k0sproject.io/…, kind ClusterConfig), so its helm section cannot be replaced; "
                             + "pass --config-mode replace to write the bundle's config whole")
            }
            nodeRoot = root
        } catch let error as ConfigError {
            throw error
        } catch {
            throw refuse("is not valid YAML (\(error)); pass --config-mode replace to write the bundle's config whole")
        }
        let bundledConfig = try K0sConfig.parse(text: bundled, file: file + " (bundle)", directory: "/")
        var result = Result(text: "")
        let helm = combined(bundle: bundledConfig.helm, node: nodeHelm(nodeRoot), pruneCharts: pruneCharts, installed: installed, result: &result)
        var helmText: String
        do {
            helmText = try Yams.serialize(node: .mapping(.init(helm.map { ($0.key, $0.value) }, .implicit, .block)), indent: 2, width: -1, allowUnicode: true)
            // In the node's own style (indented lists, as k0s's docs write them, where it has none).
            if SequenceIndent.indents(node) ?? true { helmText = SequenceIndent.indented(helmText) }
        } catch {
            throw refuse("the bundle's helm section cannot be written: \(error)")
        }
        var lines = ConfigLines(node)
        var text = lines.lines
        let endsWithNewline = text.last == ""
        // The deepest of spec → extensions → helm the node has, in block style.
        var path: [(key: Node, value: Node)] = []
        var current = nodeRoot
        for name in ["spec", "extensions", "helm"] {
            guard case .mapping(let mapping) = current, let pair = mapping.first(where: { $0.key.string == name }) else { break }
            guard pair.key.mark != nil else { break }
            path.append((pair.key, pair.value))
            current = pair.value
            if case .mapping(let inner) = pair.value, inner.style == .flow {
                throw refuse("writes \(["spec", "extensions", "helm"].prefix(path.count).joined(separator: ".")) in flow style ({…}); pass --config-mode replace")
            }
        }
        let missing = ["spec", "extensions", "helm"].dropFirst(path.count)
        // The deepest level the node has, written inline: `spec: {}` takes the missing levels
        // as a block in its place; any other inline value cannot be merged line by line.
        let inline = path.last.flatMap { $0.key.mark }.map { inlineValue(text[$0.line - 1], keyIndent: $0.column - 1) } ?? ""
        if path.count < 3, !inline.isEmpty {
            guard inline.filter({ !$0.isWhitespace }) == "{}", let mark = path.last?.key.mark else {
                throw refuse("writes \(["spec", "extensions", "helm"].prefix(path.count).joined(separator: ".")) inline (\(inline.prefix(40))); pass --config-mode replace")
            }
            let levels = missing.enumerated().map { String(repeating: " ", count: 2 * $0.offset) + $0.element + ":\n" }.joined()
            replaceBlock(&text, keyLine: mark.line - 1, keyIndent: mark.column - 1, with: levels + K0sConfig.indent(helmText, by: 2 * missing.count))
        } else if let helm = path.count == 3 ? path[2] : nil, let mark = helm.key.mark {
            replaceBlock(&text, keyLine: mark.line - 1, keyIndent: mark.column - 1, with: helmText)
        } else {
            let (insertAt, indent) = path.last.flatMap { $0.key.mark }.map { (blockEnd(text, keyLine: $0.line - 1, keyIndent: $0.column - 1) + 1, $0.column - 1 + 2) }
                ?? (text.count, 0)
            var block: [String] = []
            for (depth, name) in missing.enumerated() { block.append(String(repeating: " ", count: indent + 2 * depth) + name + ":") }
            let body = K0sConfig.indent(helmText, by: indent + 2 * missing.count)
            block += body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            while insertAt == text.count, let last = text.last, last.trimmingCharacters(in: .whitespaces).isEmpty, !text.isEmpty { text.removeLast() }
            text.insert(contentsOf: block, at: min(insertAt, text.count))
        }
        if endsWithNewline, text.last != "" { text.append("") }
        lines.lines = text
        result.text = lines.joined()
        // Never hand the node a config k0s cannot read: the merge reads its own output back.
        let merged: K0sConfig
        do { merged = try K0sConfig.parse(text: result.text, file: file + " (merged)", directory: "/") } catch {
            throw refuse("the merged config would not load (\(error.problems.first?.description ?? "\(error)")); pass --config-mode replace")
        }
        // And holds the bundle's releases exactly: every chart and values string as bundled.
        let bundledCharts = Set(bundledConfig.charts.map(\.name))
        guard merged.charts.filter({ bundledCharts.contains($0.name) }).map(\.values) == bundledConfig.charts.map(\.values) else {
            throw refuse("the merged config would change a release's values (an internal error); pass --config-mode replace")
        }
        return result
    }

    /// What follows the colon on a key's line, without a comment: empty for a block value.
    static func inlineValue(_ line: String, keyIndent: Int) -> String {
        let scalars = Array(line.unicodeScalars)
        var colon = keyIndent
        while colon < scalars.count, scalars[colon] != ":" { colon += 1 }
        guard colon + 1 < scalars.count else { return "" }
        var rest = String(String.UnicodeScalarView(scalars[(colon + 1)...]))
        if let hash = rest.range(of: " #") ?? rest.range(of: "\t#") { rest = String(rest[..<hash.lowerBound]) }
        if rest.trimmingCharacters(in: .whitespaces).hasPrefix("#") { return "" }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// The node's `spec.extensions.helm` mapping, when it has one.
    static func nodeHelm(_ root: Node) -> Node.Mapping? {
        var current = root
        for name in ["spec", "extensions", "helm"] {
            guard case .mapping(let mapping) = current, let value = mapping[name] else { return nil }
            current = value
        }
        if case .mapping(let helm) = current { return helm }
        return nil
    }

    /// The bundle's helm section, with the node's `charts` and `repositories` entries that it
    /// does not name (by `name`) appended, or dropped with `pruneCharts`.
    static func combined(bundle: Node.Mapping, node: Node.Mapping?, pruneCharts: Bool, installed: Set<String>, result: inout Result) -> [(key: Node, value: Node)] {
        var pairs: [(key: Node, value: Node)] = Array(bundle)
        for (key, what) in [("charts", "chart"), ("repositories", "repository")] {
            guard case .sequence(let own)? = node?[key] else { continue }
            let index = pairs.firstIndex { $0.key.string == key }
            var entries: [Node] = { if let index, case .sequence(let list) = pairs[index].value { return Array(list) } else { return [] } }()
            let named = Set(entries.compactMap { $0.mapping?["name"]?.string })
            for entry in own {
                let name = entry.mapping?["name"]?.string ?? "(unnamed)"
                let chartname = entry.mapping?["chartname"]?.string ?? ""
                if named.contains(name) {
                    result.replaced.append("\(what) \(name)")
                } else if installed.contains(name) || (key == "charts" && installed.contains(chartname)) {
                    result.retired.append("\(what) \(name)")
                } else if pruneCharts {
                    result.pruned.append("\(what) \(name)")
                } else {
                    result.kept.append("\(what) \(name)")
                    entries.append(entry)
                }
            }
            let value = Node.sequence(.init(entries, .implicit, .block))
            if let index { pairs[index].value = value } else if !entries.isEmpty { pairs.append((Node(key), value)) }
        }
        return pairs
    }

    /// The last line of a key's block: following lines indented deeper than the key (blank
    /// lines inside included, trailing blank lines left where they are). The offline rewrite's
    /// splice uses it too.
    static func blockEnd(_ lines: [String], keyLine: Int, keyIndent: Int) -> Int {
        var last = keyLine, index = keyLine + 1
        while index < lines.count {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { index += 1; continue }
            if line.prefix(while: { $0 == " " }).count <= keyIndent { break }
            last = index
            index += 1
        }
        return last
    }

    /// Replaces a key's block with `serialized`, indented under it; the key's own text up to
    /// its colon is kept as written.
    static func replaceBlock(_ lines: inout [String], keyLine: Int, keyIndent: Int, with serialized: String) {
        let last = blockEnd(lines, keyLine: keyLine, keyIndent: keyIndent)
        let scalars = Array(lines[keyLine].unicodeScalars)
        var colon = keyIndent
        while colon < scalars.count, scalars[colon] != ":" { colon += 1 }
        let head = String(String.UnicodeScalarView(scalars[..<min(colon + 1, scalars.count)]))
        let block = K0sConfig.indent(serialized, by: keyIndent + 2).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        lines.replaceSubrange(keyLine...last, with: [head] + block)
    }
}
