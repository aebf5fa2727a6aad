import Foundation
@testable import K0sConfig
import Testing

/// Pathological configs are refused by counted limits (documents, depth, nodes expanded,
/// bytes), each with file:line:column and a bounded message; no test reads a clock.
struct ConfigLimitsTests {
    static func load(_ bytes: [UInt8], name: String = "k0s.yaml") -> ConfigProblem? {
        let folder = NSTemporaryDirectory() + "limits-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try K0sConfig.load(path: path)
            return nil
        } catch {
            return error.problems.first
        }
    }

    static func bomb() -> String {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 {
            let previous = Character(Unicode.Scalar(UInt8(97 + i - 1))), current = Character(Unicode.Scalar(UInt8(97 + i)))
            text += "\(current): &\(current) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }

    /// Each case by name (the inputs are large; test output shows only the name).
    static func input(_ name: String) -> [UInt8] {
        switch name {
        case "200000 documents": return Array(String(repeating: "a: 1\n---\n", count: 200_000).utf8)
        case "200 levels": return Array(("a: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n").utf8)
        case "alias bomb": return Array(bomb().utf8)
        case "latin-1": return Array("repositories: []\nextensions: {}\n# caf".utf8) + [0xE9, 0x0A]
        case "duplicate key": return Array("repositories: []\nrepositories: []\nextensions: {}\n".utf8)
        case "tab": return Array("extensions:\n\thelm: {}\n".utf8)
        case "control character": return Array("repositories: []\nextensions:\n  helm: \"a\u{07}b\"\n".utf8)
        default: return Array(repeating: 0x20, count: (16 << 20) + 1)
        }
    }

    @Test(arguments: [
        ("200000 documents", ConfigProblem.Code.configTooLarge, 201, "more than 100 YAML documents"),
        ("200 levels", .configTooLarge, 1, "deeper than 64"),
        ("alias bomb", .configTooLarge, 1, "more than 1000000 YAML nodes"),
        ("latin-1", .invalidYAML, 3, "not UTF-8 text (byte 0xe9"),
        ("duplicate key", .duplicateKey, 1, "\"repositories\" is given twice"),
        ("tab", .invalidYAML, 2, "not valid YAML"),
        ("control character", .invalidYAML, 3, "control characters are not allowed"),
        ("16 MiB", .configTooLarge, 1, "a config may be at most"),
    ])
    func refusedByCountedLimitsWithALocation(_ name: String, _ code: ConfigProblem.Code, _ line: Int, _ text: String) {
        let problem = Self.load(Self.input(name))
        #expect(problem?.code == code, "\(String(describing: problem))")
        #expect(problem?.location?.line == line, "\(String(describing: problem?.location))")
        #expect(problem?.location?.file.hasSuffix("k0s.yaml") == true)
        #expect(problem?.message.contains(text) == true, "\(problem?.message ?? "")")
        #expect(problem.map { $0.description.utf8.count < 1000 } == true, "the message is bounded")
    }

    @Test func aByteOrderMarkIsAccepted() {
        let text = Array("repositories:\n  - name: r\n    url: oci://r.corp:5000\nextensions:\n  helm:\n    charts:\n      - name: a\n        chartname: oci://r.corp:5000/a\n        version: 1.0.0\n".utf8)
        #expect(Self.load([0xEF, 0xBB, 0xBF] + text)?.severity != .error)
    }

    @Test func manyOtherDocumentsAreCountedNotListed() {
        let text = String(repeating: "a: 1\n---\n", count: 50)
        let problem = Self.load(Array(text.utf8))
        #expect(problem?.code == .notAConfig)
        #expect(problem?.message.contains("50 × a document without apiVersion and kind") == true, "\(problem?.message ?? "")")
    }
}
