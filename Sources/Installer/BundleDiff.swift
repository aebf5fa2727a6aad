import BundleFormat
import Foundation

/// What changed between two bundles (`bundle diff OLD NEW`): charts and images added, removed
/// and changed (versions and digests), and the config as a unified diff. Neither bundle is
/// trusted: this reads them as `inspect` does.
public struct BundleDiff: Encodable, Sendable {
    public struct Change: Encodable, Sendable {
        public var name: String
        public var from: String?
        public var to: String?
    }
    public struct Section: Encodable, Sendable {
        public var added: [Change] = []
        public var removed: [Change] = []
        public var changed: [Change] = []
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    }
    public var old: String
    public var new: String
    public var charts = Section()
    public var images = Section()
    /// Unified diff lines of the configs (empty when they are the same).
    public var config: [String] = []

    public init(old: String, new: String) throws {
        self.old = old
        self.new = new
        let (a, configA) = try Self.read(old)
        let (b, configB) = try Self.read(new)
        func describe(_ chart: BundleManifest.Chart) -> String { "\(chart.version) \(chart.chartDigest)" }
        charts = Self.section(Dictionary(a.charts.map { ($0.name, describe($0)) }, uniquingKeysWith: { x, _ in x }),
                              Dictionary(b.charts.map { ($0.name, describe($0)) }, uniquingKeysWith: { x, _ in x }))
        images = Self.section(Dictionary((a.images ?? []).map { ($0.reference, $0.digest) }, uniquingKeysWith: { x, _ in x }),
                              Dictionary((b.images ?? []).map { ($0.reference, $0.digest) }, uniquingKeysWith: { x, _ in x }))
        config = Self.unifiedDiff(configA, configB, from: "\(old): k0s.yaml", to: "\(new): k0s.yaml")
    }

    static func section(_ a: [String: String], _ b: [String: String]) -> Section {
        var section = Section()
        for name in Set(a.keys).union(b.keys).sorted() {
            switch (a[name], b[name]) {
            case (nil, let to?): section.added.append(.init(name: name, from: nil, to: to))
            case (let from?, nil): section.removed.append(.init(name: name, from: from, to: nil))
            case (let from?, let to?) where from != to: section.changed.append(.init(name: name, from: from, to: to))
            default: break
            }
        }
        return section
    }

    /// The manifest and the config text of a bundle, its entries checked against its manifest.
    static func read(_ path: String) throws -> (BundleManifest, [String]) {
        let bundle = try BundleVerifier(path: path, trusted: nil)
        let work = NSTemporaryDirectory() + "bundle-diff-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let staged = try bundle.stage(into: work) { $0.path == bundle.manifest.config.path }
        let text = String(decoding: staged[bundle.manifest.config.path].flatMap { FileManager.default.contents(atPath: $0) } ?? Data(), as: UTF8.self)
        return (bundle.manifest, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// A unified diff (3 lines of context) by longest common subsequence; configs are small,
    /// and past 5000 lines a side the diff says only that they differ.
    static func unifiedDiff(_ a: [String], _ b: [String], from: String, to: String) -> [String] {
        guard a != b else { return [] }
        guard a.count <= 5000, b.count <= 5000 else { return ["--- \(from)", "+++ \(to)", "(the configs differ; too long to compare line by line)"] }
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var edits: [(Character, String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { edits.append((" ", a[i])); i += 1; j += 1 }
            // As diff -u: within a change, the old lines (-) come before the new (+).
            else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] { edits.append(("-", a[i])); i += 1 }
            else { edits.append(("+", b[j])); j += 1 }
        }
        // Where each edit is, in each file (1-based), for the hunk headers.
        var positions: [(a: Int, b: Int)] = []
        var la = 1, lb = 1
        for edit in edits {
            positions.append((la, lb))
            if edit.0 != "+" { la += 1 }
            if edit.0 != "-" { lb += 1 }
        }
        var out = ["--- \(from)", "+++ \(to)"]
        var index = 0
        while index < edits.count {
            guard edits[index].0 != " " else { index += 1; continue }
            let start = max(0, index - 3)
            var end = index
            while end < edits.count, edits[end].0 != " " || edits[min(edits.count - 1, end)...].prefix(7).contains(where: { $0.0 != " " }) { end += 1 }
            end = min(edits.count, end + 3)
            let hunk = edits[start..<end]
            let aCount = hunk.filter { $0.0 != "+" }.count, bCount = hunk.filter { $0.0 != "-" }.count
            // An empty range starts at the line before it (`-0,0` for a new file), as diff -u writes it.
            out.append("@@ -\(positions[start].a - (aCount == 0 ? 1 : 0)),\(aCount) +\(positions[start].b - (bCount == 0 ? 1 : 0)),\(bCount) @@")
            out += hunk.map { "\($0.0)\($0.1)" }
            index = end
        }
        return out
    }
}
