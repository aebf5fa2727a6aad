/// Block sequences written the way a file already writes them. libyaml (Yams) writes a list
/// under a key flush with the key (`charts:` then `- name: …`); most hand-written k0s configs
/// indent it (`charts:` then `  - name: …`). A merge that re-indented a node's whole helm
/// section would show every line as changed, so the section is written in the node's style.
enum SequenceIndent {
    /// Whether `text` indents block sequences under their key; nil when it has none.
    static func indents(_ text: String) -> Bool? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        for (index, line) in lines.enumerated() where index + 1 < lines.count {
            let content = line.drop { $0 == " " }
            guard content.hasSuffix(":"), !content.hasPrefix("#") else { continue }
            let next = lines[index + 1], nextContent = next.drop { $0 == " " }
            guard nextContent.hasPrefix("- ") || nextContent == "-" else { continue }
            return next.count - nextContent.count > keyColumn(line)
        }
        return nil
    }

    /// Libyaml's block output with every block sequence indented two more spaces under its key.
    /// Block scalars (`|`, `>`) move with their key, their lines untouched otherwise.
    static func indented(_ yaml: String) -> String {
        var sequences: [Int] = []  // the key columns of the open flush sequences
        var scalarAbove: Int?      // inside a block scalar whose key is at this column
        var previous: Substring = ""
        var out: [String] = []
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let content = line.drop { $0 == " " }
            let indent = line.count - content.count
            if let column = scalarAbove, content.isEmpty || indent > column {
                out.append(String(repeating: " ", count: 2 * sequences.count) + line)
                continue
            }
            scalarAbove = nil
            if content.isEmpty {
                out.append(String(line))
                continue
            }
            while let last = sequences.last, !(indent > last || (indent == last && content.hasPrefix("-"))) { sequences.removeLast() }
            let previousContent = previous.drop { $0 == " " }
            if content.hasPrefix("-"), previousContent.hasSuffix(":"), indent == keyColumn(previous), sequences.last != indent {
                sequences.append(indent)
            }
            out.append(String(repeating: " ", count: 2 * sequences.count) + line)
            if opensBlockScalar(content) { scalarAbove = keyColumn(line) }
            previous = line
        }
        return out.joined(separator: "\n")
    }

    /// The column of the mapping key a line holds: past its indent and any `- ` item markers.
    static func keyColumn(_ line: Substring) -> Int {
        var column = 0
        var rest = line[...]
        while true {
            let spaces = rest.prefix { $0 == " " }.count
            column += spaces
            rest = rest.dropFirst(spaces)
            guard rest.hasPrefix("- ") else { return column }
            column += 2
            rest = rest.dropFirst(2)
        }
    }

    /// Whether a line ends in a block scalar's header (`key: |`, `key: >-`, `- |2`).
    static func opensBlockScalar(_ content: Substring) -> Bool {
        guard let last = content.split(separator: " ").last else { return false }
        guard let first = last.first, first == "|" || first == ">" else { return false }
        return last.dropFirst().allSatisfy { $0 == "-" || $0 == "+" || $0.isNumber }
    }
}
