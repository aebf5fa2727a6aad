import Foundation
import OCI
import Yams

/// One chart version as a classic repository's index.yaml lists it (`helm repo index`).
public struct IndexEntry: Decodable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var urls: [String]
    /// Lower-case hex sha256 of the chart archive.
    public var digest: String?
    public var dependencies: [HelmChartConfig.Dependency]?
}

/// Reads the entries of one chart from an index.yaml on disk without loading the whole index:
/// the file is scanned line by line for the chart's block under `entries:`, and only that
/// block is parsed, so an index of tens of MB and thousands of charts costs little memory.
enum RepositoryIndex {
    struct Problem: Error { var message: String }

    static func entries(of chart: String, inFile path: String) throws(Problem) -> [IndexEntry]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem(message: "the cached index \(path) cannot be read") }
        defer { try? handle.close() }
        var block: [String] = []
        var inEntries = false
        var inChart = false
        var sawEntries = false
        var pending = Data()
        func process(_ line: String) -> Bool {  // returns false to stop
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                if inChart { block.append(line) }
                return true
            }
            if indent == 0 {
                if inChart { return false }
                inEntries = trimmed.hasPrefix("entries:")
                sawEntries = sawEntries || inEntries
                return true
            }
            guard inEntries else { return true }
            if inChart {
                // The chart's list goes on while lines are deeper, or list items at the key's depth.
                if indent > 2 || (indent == 2 && trimmed.hasPrefix("-")) {
                    block.append(line)
                    return true
                }
                return false
            }
            if indent == 2 {
                let key = trimmed.hasSuffix(":") ? String(trimmed.dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) : ""
                if key == chart { inChart = true }
            }
            return true
        }
        var finished = false
        reading: while !finished {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            pending.append(chunk)
            // Split on newlines by index; keep only the unfinished tail for the next chunk.
            var lineStart = pending.startIndex
            while let newline = pending[lineStart...].firstIndex(of: 0x0A) {
                defer { lineStart = pending.index(after: newline) }
                // Outside the chart's block, deeply indented lines (most of an index) are skipped unread.
                if !inChart, newline - lineStart > 3, pending[lineStart] == 0x20, pending[lineStart + 1] == 0x20, pending[lineStart + 2] == 0x20 {
                    continue
                }
                let line = String(decoding: pending[lineStart..<newline], as: UTF8.self)
                if !process(line) {
                    finished = true
                    break reading
                }
            }
            pending = Data(pending[lineStart...])
        }
        if !finished, !pending.isEmpty { _ = process(String(decoding: pending, as: UTF8.self)) }
        guard sawEntries else {
            throw Problem(message: "is not a Helm repository index (no top-level entries:)")
        }
        guard inChart else { return nil }
        do {
            return try YAMLDecoder(encoding: .utf8).decode([IndexEntry].self, from: "\n" + block.joined(separator: "\n") + "\n")
        } catch {
            throw Problem(message: "lists \(chart) in a form that cannot be read: \(error)")
        }
    }
}
