import Foundation
import Diagnostics

/// `image:` lines in a chart's templates: a literal reference (no template action on the
/// line) is an image; a line with an action is explained when it (or a helper it includes)
/// reads a values path where the values scan found an image block, and otherwise reported
/// as undetermined with its file and line. Test hooks (`helm.sh/hook: test`) are skipped.
struct TemplateScan {
    struct Literal {
        var reference: ImageReference
        var location: String
    }

    private(set) var literals: [Literal] = []
    private(set) var undetermined: [String] = []
    private(set) var skipped: [String] = []
    private(set) var invalid: [String] = []

    /// What the values scan found at a path, which decides what a template line reading it is.
    enum Block {
        /// An image taken: a line reading it is explained.
        case found
        /// An image in a disabled block: a line reading only such blocks is skipped too.
        case disabled
        /// An image block a helper completes (an empty repository): a line reading it is undetermined.
        case incomplete
    }

    /// `templates`: the chart's template files; `blocks`: the values paths of image blocks found.
    init(chart: String, templates: [(path: String, text: String)], blocks: [String: Block]) {
        let helpers = Self.helpers(in: templates)
        for template in templates {
            let lines = template.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let isTest = lines.contains { $0.contains("helm.sh/hook") && $0.contains("test") }
            for (number, line) in lines.enumerated() {
                guard let value = Self.imageValue(line) else { continue }
                let location = "\(chart)/\(template.path):\(number + 1)"
                if isTest {
                    skipped.append("\(location): a test hook (helm.sh/hook: test), not run by an install")
                    continue
                }
                if !value.contains("{{") {
                    let text = Self.unquoted(value)
                    guard !text.isEmpty, !text.hasPrefix("$"), !text.contains(" ") else { continue }
                    do {
                        literals.append(Literal(reference: try ImageReference(parsing: text), location: location))
                    } catch {
                        invalid.append("\(location): \"\(Escaped(text))\" \(error.reason)")
                    }
                    continue
                }
                let read = Self.valuesPaths(in: String(line), helpers: helpers)
                let kinds = Set(blocks.compactMap { path, kind in
                    read.contains { $0 == path || $0.hasPrefix(path + ".") || path.hasPrefix($0 + ".") } ? kind : nil
                })
                let shown = "\(location): \(Escaped(String(line.trimmingCharacters(in: .whitespaces).prefix(160))))"
                if kinds.contains(.found) { continue }
                if kinds == [.disabled] {
                    skipped.append("\(shown): reads only disabled image blocks")
                } else {
                    undetermined.append(shown)
                }
            }
        }
    }

    /// The value of an `image:` key on the line (`image: x`, `- image: x`), nil otherwise.
    static func imageValue(_ line: Substring) -> String? {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
        guard rest.hasPrefix("image:") else { return nil }
        let value = rest.dropFirst("image:".count).trimmingCharacters(in: .whitespaces)
        // `image:` alone opens a map (`repository:` below it), which the values scan covers.
        return value.isEmpty || value.hasPrefix("#") ? nil : value
    }

    static func unquoted(_ text: String) -> String {
        var value = text
        if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]) }
        value = value.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }

    /// `define "name"` bodies of every template file.
    static func helpers(in templates: [(path: String, text: String)]) -> [String: String] {
        var helpers: [String: String] = [:]
        for template in templates where template.text.contains("define") {
            var current: String?
            var body = ""
            for line in template.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                if let name = quotedName(after: "define", in: line) {
                    if let current { helpers[current] = body }
                    current = name
                    body = ""
                } else if current != nil {
                    body += line + "\n"
                }
            }
            if let current { helpers[current] = body }
        }
        return helpers
    }

    /// The quoted name after `keyword` inside a template action (`{{- define "x.image" -}}`).
    static func quotedName(after keyword: String, in line: Substring) -> String? {
        guard let range = line.range(of: keyword + " \"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The `.Values.a.b` paths `text` reads, following `include`/`template` into helpers,
    /// each helper expanded once (`memo`), so a helper including itself a thousand times costs
    /// one pass.
    static func valuesPaths(in text: String, helpers: [String: String]) -> [String] {
        var memo: [String: Set<String>] = [:]
        return Array(paths(in: text, helpers: helpers, memo: &memo, visiting: []))
    }

    static func paths(in text: String, helpers: [String: String], memo: inout [String: Set<String>], visiting: Set<String>) -> Set<String> {
        var paths = Set<String>()
        var rest = Substring(text)
        while let range = rest.range(of: ".Values.") {
            let tail = rest[range.upperBound...]
            let path = tail.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
            let trimmed = path.hasSuffix(".") ? String(path.dropLast()) : String(path)
            if !trimmed.isEmpty { paths.insert(trimmed) }
            rest = tail
        }
        for keyword in ["include", "template"] {
            var scan = Substring(text)
            while let range = scan.range(of: keyword + " \"") {
                let tail = scan[range.upperBound...]
                if let end = tail.firstIndex(of: "\"") {
                    let name = String(tail[..<end])
                    if let known = memo[name] {
                        paths.formUnion(known)
                    } else if let body = helpers[name], !visiting.contains(name) {
                        let found = Self.paths(in: body, helpers: helpers, memo: &memo, visiting: visiting.union([name]))
                        memo[name] = found
                        paths.formUnion(found)
                    }
                }
                scan = tail
            }
        }
        return paths
    }
}
