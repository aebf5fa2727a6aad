import Foundation
import Yams

/// The offline rewrite as edits to the user's own lines, so that comments and formatting
/// inside the helm section survive too: values of `chartname`, `version` and `caFile`
/// replaced in place, a `version` line added where missing, and dropped keys, repository
/// entries or the whole `repositories` block cut out by lines. Where the file's shape makes
/// that unsafe (flow style, multi-line scalars, a dropped key that opens a list item), it
/// returns nil and the caller regenerates the helm section instead.
struct SurgicalRewrite {
    private var lines: [String]
    private let ending: String
    private var replacements: [(line: Int, start: Int, end: Int, text: String)] = []
    private var insertions: [(after: Int, text: String)] = []
    private var deletions: [ClosedRange<Int>] = []

    init(text: String) {
        let split = ConfigLines(text)
        lines = split.lines
        ending = split.ending
    }

    /// Replaces a single-line scalar value with `text`.
    mutating func replace(_ value: Node, with text: String) -> Bool {
        guard let range = scalarRange(value) else { return false }
        replacements.append((range.line, range.start, range.end, text))
        return true
    }

    /// Adds `text` as a line after the line of `key`, indented like `key`.
    mutating func insert(_ text: String, after key: Node) -> Bool {
        guard let mark = key.mark else { return false }
        insertions.append((mark.line - 1, String(repeating: " ", count: mark.column - 1) + text))
        return true
    }

    /// Removes a key with its value (following deeper lines, or a list at the key's depth).
    mutating func delete(key: Node, sequence: Bool = false) -> Bool {
        guard let block = keyBlock(key, sequence: sequence) else { return false }
        deletions.append(block)
        return true
    }

    /// Removes one item of a block list: from its `- ` line to before the next item.
    mutating func delete(item: Node) -> Bool {
        guard let mark = item.mark else { return false }
        let line = mark.line - 1
        let scalars = Array(lines[line].unicodeScalars)
        guard let dash = scalars[..<min(mark.column - 1, scalars.count)].lastIndex(of: "-"),
              scalars[..<dash].allSatisfy({ $0 == " " })
        else { return false }
        var last = line
        var index = line + 1
        while index < lines.count {
            let text = lines[index]
            if text.trimmingCharacters(in: .whitespaces).isEmpty { index += 1; continue }
            if indentation(text) <= dash { break }
            last = index
            index += 1
        }
        deletions.append(line...last)
        return true
    }

    /// The edited text, or nil if edits collide.
    func apply() -> String? {
        var lines = self.lines
        var deleted = Set<Int>()
        for range in deletions { for line in range { deleted.insert(line) } }
        // Replacements right to left within a line, so earlier columns stay valid.
        for edit in replacements.sorted(by: { ($0.line, $0.start) > ($1.line, $1.start) }) {
            guard !deleted.contains(edit.line) else { return nil }
            var scalars = Array(lines[edit.line].unicodeScalars)
            scalars.replaceSubrange(edit.start..<edit.end, with: Array(edit.text.unicodeScalars))
            lines[edit.line] = String(String.UnicodeScalarView(scalars))
        }
        var output: [String] = []
        let inserts = Dictionary(grouping: insertions, by: \.after)
        for (index, line) in lines.enumerated() {
            if !deleted.contains(index) { output.append(line) }
            for insertion in inserts[index] ?? [] {
                guard !deleted.contains(index) else { return nil }
                output.append(insertion.text)
            }
        }
        return output.joined(separator: ending)
    }

    private func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    private func keyBlock(_ key: Node, sequence: Bool) -> ClosedRange<Int>? {
        guard let mark = key.mark else { return nil }
        let line = mark.line - 1
        let column = mark.column - 1
        let prefix = lines[line].unicodeScalars.prefix(column)
        guard prefix.allSatisfy({ $0 == " " }) else { return nil }  // the key opens a list item
        var last = line
        var index = line + 1
        while index < lines.count {
            let text = lines[index]
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { index += 1; continue }
            let indent = indentation(text)
            if indent < column || (indent == column && !(sequence && trimmed.hasPrefix("-"))) { break }
            last = index
            index += 1
        }
        return line...last
    }

    /// Where a single-line plain or quoted scalar stands on its line.
    private func scalarRange(_ node: Node) -> (line: Int, start: Int, end: Int)? {
        guard case .scalar(let scalar) = node, let mark = node.mark, !scalar.string.contains("\n") else { return nil }
        let line = mark.line - 1
        let start = mark.column - 1
        let chars = Array(lines[line].unicodeScalars)
        guard start < chars.count else { return nil }
        switch scalar.style {
        case .plain:
            var end = chars.count
            var index = start
            while index < chars.count {
                if chars[index] == "#", index > start, chars[index - 1] == " " || chars[index - 1] == "\t" {
                    end = index
                    break
                }
                index += 1
            }
            while end > start, chars[end - 1] == " " || chars[end - 1] == "\t" { end -= 1 }
            guard String(String.UnicodeScalarView(chars[start..<end])) == scalar.string else { return nil }
            return (line, start, end)
        case .doubleQuoted:
            guard chars[start] == "\"" else { return nil }
            var index = start + 1
            while index < chars.count {
                if chars[index] == "\\" { index += 2; continue }
                if chars[index] == "\"" { return (line, start, index + 1) }
                index += 1
            }
            return nil
        case .singleQuoted:
            guard chars[start] == "'" else { return nil }
            var index = start + 1
            while index < chars.count {
                if chars[index] == "'" {
                    if index + 1 < chars.count, chars[index + 1] == "'" { index += 2; continue }
                    return (line, start, index + 1)
                }
                index += 1
            }
            return nil
        default:
            return nil
        }
    }
}
