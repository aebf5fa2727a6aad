/// A chart and its vendored subcharts as Helm loads them for a render, from one map of paths
/// (a subchart's files under `charts/NAME/`): metadata, default values, templates, the other
/// files (`.Files`), and the dependencies Chart.yaml lists, aliases applied.
struct ChartTree {
    /// The chart's name as its templates see it (`alias` applied).
    var name: String
    var metadata: [String: Value]
    var defaults: Value
    /// values.yaml with its top-level nulls dropped and the nested ones kept, as Helm (the
    /// oracle's version) keeps them for a subchart the release gives values (even `sub: {}`)
    /// and for every subchart of a subchart; nil once `import-values` made the defaults anew.
    var defaultsKeepingNestedNulls: Value?
    /// `templates/…` → text.
    var templates: [String: String]
    /// Every other file of the chart but Chart.yaml, values.yaml, values.schema.json and charts/ (`.Files`).
    var files: [String: String]
    var subcharts: [ChartTree]
    /// `values.schema.json`, when the chart has one.
    var schema: String?
    /// Where the chart is, for errors (`CHART/charts/SUB`).
    var label: String

    /// Subcharts deeper than this are refused (a chart is untrusted input).
    static let maxDepth = 8

    var isLibrary: Bool { metadata["type"] == .string("library") }

    /// The dependencies Chart.yaml lists: name, alias, condition, tags, import-values.
    var dependencies: [(name: String, alias: String?, condition: String?, tags: [String], imports: [Value])] {
        guard case .list(let items)? = metadata["dependencies"] else { return [] }
        return items.compactMap { item in
            guard case .map(let fields) = item, case .string(let name)? = fields["name"] else { return nil }
            var tags: [String] = []
            if case .list(let list)? = fields["tags"] { tags = list.compactMap { if case .string(let s) = $0 { s } else { nil } } }
            let text = { (key: String) -> String? in if case .string(let s)? = fields[key], !s.isEmpty { s } else { nil } }
            var imports: [Value] = []
            if case .list(let list)? = fields["import-values"] { imports = list.items }
            return (name, text("alias"), text("condition"), tags, imports)
        }
    }

    /// Reads the chart at the top of `files`; `place` names it in errors (`CHART/charts/SUB`).
    init(files: [String: String], place: String = "", depth: Int = 0) throws(TemplateError) {
        let chartFile = place.isEmpty ? "Chart.yaml" : "\(place)/Chart.yaml"
        guard case .map(let metadata) = try ValuesCoalesce.read(files["Chart.yaml"] ?? "", file: chartFile),
              case .string(let name)? = metadata["name"], !name.isEmpty
        else {
            throw TemplateError(.parse, template: chartFile, line: 1, column: 1, "Chart.yaml has no name")
        }
        self.name = name
        self.metadata = metadata.entries
        let label = place.isEmpty ? name : place
        let ownValues = try ValuesCoalesce.read(files["values.yaml"] ?? "", file: "\(label)/values.yaml", allDocuments: true)
        defaults = ValuesCoalesce.withoutNulls(ownValues)
        if case .map(let top) = ownValues {
            defaultsKeepingNestedNulls = .map(top.filter { if case .null = $0.value { false } else { true } })
        }
        var templates: [String: String] = [:], others: [String: String] = [:], nested: [String: [String: String]] = [:]
        for (path, text) in files {
            if path.hasPrefix("templates/") {
                templates[path] = text
            } else if path.hasPrefix("charts/"), let slash = path.dropFirst(7).firstIndex(of: "/") {
                let folder = String(path[path.index(path.startIndex, offsetBy: 7)..<slash])
                nested[folder, default: [:]][String(path[path.index(after: slash)...])] = text
            } else if path != "Chart.yaml" && path != "values.yaml" && path != "values.schema.json" {
                others[path] = text
            }
        }
        self.templates = templates
        self.files = others
        self.schema = files["values.schema.json"]
        self.label = label
        var subcharts: [ChartTree] = []
        for (folder, inner) in nested.sorted(by: { $0.key < $1.key }) where inner["Chart.yaml"] != nil {
            guard depth < Self.maxDepth else {
                throw TemplateError(.limit, template: "\(label)/charts/\(folder)", line: 1, column: 1, "subcharts nest more than \(Self.maxDepth) deep")
            }
            subcharts.append(try ChartTree(files: inner, place: "\(label)/charts/\(folder)", depth: depth + 1))
        }
        self.subcharts = subcharts
        try applyAliases(label: label)
    }

    /// Helm's dependency list: subcharts Chart.yaml does not list stay; each listed one is
    /// taken (a copy under its alias, where it has one); a listed one missing is an error.
    private mutating func applyAliases(label: String) throws(TemplateError) {
        let listed = dependencies
        guard !listed.isEmpty else { return }
        var result = subcharts.filter { sub in !listed.contains { $0.name == sub.name } }
        for dependency in listed {
            guard var sub = subcharts.first(where: { $0.name == dependency.name }) else {
                throw TemplateError(.missingDependency, template: "\(label)/Chart.yaml", line: 1, column: 1,
                                    "found in Chart.yaml, but missing in charts/ directory: \(dependency.name)")
            }
            if let alias = dependency.alias {
                sub.name = alias
                sub.metadata["name"] = .string(alias)
            }
            result.append(sub)
        }
        subcharts = result
    }

    /// Drops the subcharts Helm leaves out for these values: a false `condition` (the first of
    /// its paths that holds a bool decides), else tags all false. `values` are the top chart's
    /// coalesced values; `path` is this chart's place in them (`sub.`). Returns what was dropped.
    mutating func enableDependencies(values: Value, path: String = "") -> [String] {
        var dropped: [String] = []
        let listed = dependencies
        subcharts = subcharts.filter { sub in
            guard let dependency = listed.first(where: { ($0.alias ?? $0.name) == sub.name }) else { return true }
            var reason: String?
            if !dependency.tags.isEmpty, case .map(let tags)? = values.path(["tags"]) {
                let settings = dependency.tags.compactMap { if case .bool(let on)? = tags[$0] { on } else { nil } }
                if !settings.contains(true) && settings.contains(false) { reason = "its tags (\(dependency.tags.joined(separator: ", "))) are false" }
            }
            for condition in (dependency.condition ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if case .bool(let on)? = values.path((path + condition).split(separator: ".").map(String.init)) {
                    reason = on ? nil : "its condition \(condition) is false"
                    break
                }
            }
            if let reason { dropped.append("\(sub.name): \(reason)") }
            return reason == nil
        }
        for index in subcharts.indices {
            dropped += subcharts[index].enableDependencies(values: values, path: path + subcharts[index].name + ".")
        }
        return dropped
    }

    /// Helm's `import-values`, the deepest charts first (so a chart imports what its subcharts
    /// imported from theirs): a chart that imports from its enabled subcharts takes, as its
    /// defaults, its values coalesced with theirs over what it imports, its own winning.
    mutating func applyImports() {
        for index in subcharts.indices { subcharts[index].applyImports() }
        guard dependencies.contains(where: { !$0.imports.isEmpty }) else { return }
        let own = coalesce(.map([:]))
        guard case .map(let imported) = importedValues(own), !imported.isEmpty else { return }
        defaults = ValuesCoalesce.coalesce(own, over: .map(imported))
        defaultsKeepingNestedNulls = nil
    }

    /// The values a chart imports from its enabled subcharts (`import-values`): a name
    /// `data` takes the child's `exports.data` into the top level; `{child: a.b, parent: c}`
    /// takes the child's `a.b` to `c`. Only dicts are imported, as Helm imports them; the
    /// chart's own values win over them.
    func importedValues(_ values: Value) -> Value {
        var imported = Value.map([:])
        for dependency in dependencies {
            let key = dependency.alias ?? dependency.name
            guard subcharts.contains(where: { $0.name == key }) else { continue }
            for item in dependency.imports {
                var child = "", parent = ""
                switch item {
                case .string(let name): child = "exports." + name
                case .map(let pair):
                    if case .string(let c)? = pair["child"] { child = c }
                    if case .string(let p)? = pair["parent"] { parent = p }
                default: continue
                }
                let childKeys = child.split(separator: ".").map(String.init)
                guard case .map(let table)? = values.path([key] + childKeys) else { continue }
                var piece = Value.map(table)
                for name in parent.split(separator: ".").reversed() where !name.isEmpty { piece = .map(ValueMap([String(name): piece])) }
                imported = ValuesCoalesce.coalesce(imported, over: piece)
            }
        }
        return imported
    }

    /// Each chart's values checked against its `values.schema.json` (the subcharts' under their
    /// names), as Helm checks them before it renders; the violations, Helm's way.
    func validate(_ values: Value) throws(TemplateError) {
        var report: [String] = []
        try collectViolations(values, into: &report)
        guard report.isEmpty else {
            throw TemplateError(.failed, template: "\(label)/values.schema.json", line: 1, column: 1,
                                "values don't meet the specifications of the schema(s) in the following chart(s):\n" + report.joined(separator: "\n"))
        }
    }

    private func collectViolations(_ values: Value, into report: inout [String]) throws(TemplateError) {
        if let schema {
            let found = try ValuesSchema(json: schema, file: "\(label)/values.schema.json").violations(of: values)
            if !found.isEmpty { report.append("\(name):\n" + found.map { "- \($0)" }.joined(separator: "\n")) }
        }
        for sub in subcharts {
            var own = Value.map([:])
            if case .map(let map)? = values.path([sub.name]) { own = .map(map) }
            try sub.collectViolations(own, into: &report)
        }
    }

    /// The chart's values as Helm coalesces them: `given` over the chart's defaults, then each
    /// subchart's under its name (the parent's `global` passed down, the parent's winning).
    func coalesce(_ given: Value) -> Value { coalesce(given, released: given, depth: 0) }

    /// `released` is what the release itself gives this chart (its values files or config,
    /// not a parent's values.yaml): a subchart it gives values (a map, even `{}`) keeps its own
    /// nested nulls, and so does every chart deeper than that (`depth` 2 on).
    private func coalesce(_ given: Value, released: Value, depth: Int) -> Value {
        var keepsNestedNulls = depth >= 2
        if depth == 1, case .map = released { keepsNestedNulls = true }
        let own = keepsNestedNulls ? defaultsKeepingNestedNulls ?? defaults : defaults
        guard case .map(var values) = ValuesCoalesce.coalesce(given, over: own) else { return given }
        for sub in subcharts {
            var own: Value = values[sub.name] ?? .map([:])
            guard case .map(var ownMap) = own else { continue }
            // Every subchart has a `global` (empty when no one gives one), the parent's winning.
            var parentGlobal = Value.map([:])
            if case .map(let global)? = values["global"] { parentGlobal = .map(global) }
            ownMap["global"] = ValuesCoalesce.coalesce(parentGlobal, over: ownMap["global"] ?? .map([:]))
            own = .map(ownMap)
            values[sub.name] = sub.coalesce(own, released: released.path([sub.name]) ?? .null, depth: depth + 1)
        }
        return .map(values)
    }
}

extension Value {
    /// The value at `keys` in nested maps; nil where a key is missing or not a map.
    func path(_ keys: [String]) -> Value? {
        var current = self
        for key in keys {
            guard case .map(let map) = current, let next = map[key] else { return nil }
            current = next
        }
        return current
    }
}
