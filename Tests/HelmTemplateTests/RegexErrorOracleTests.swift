import Foundation
@testable import HelmTemplate
import Testing

/// A pattern Go's regexp refuses is refused with Go's words: what Helm's error says after
/// "error parsing regexp:" is what the engine's says.
struct RegexErrorOracleTests {
    static let patterns = [#"\\p{Greek"#, #"\\p{Greek abc"#, #"\\p{Q}"#, #"\\pQ"#, "[[:foo:]]", "[[:^foo:]]", #"\\1"#, "a**", "a*?+", "a{2}*", "(", "(a))", "x{1001}", "[a", "[z-a]", #"\\"#, "*", #"[\\Q]"#, #"\\8"#]

    /// The words after "error parsing regexp: " up to the end of that line.
    static func words(_ text: String) -> String? {
        guard let start = text.range(of: "error parsing regexp: ") else { return nil }
        return String(text[start.upperBound...].prefix { $0 != "\n" })
    }

    @Test func refusalsReadAsGos() throws {
        let templates = Self.patterns.map { "{{ mustRegexFind \"\($0)\" \"x\" }}" }
        let answers = try HelmOracleTests.oracle(templates.enumerated().map { ["name": "regex\($0.offset)", "files": ["t.yaml": $0.element], "values": [String: String]()] })
        for (index, template) in templates.enumerated() {
            let helm = try #require((answers[index]["error"] as? String).flatMap(Self.words), "Helm renders \(template): \(answers[index])")
            let ours = #expect(throws: TemplateError.self) { try TemplateSet(files: ["t.yaml": template]).render("t.yaml", data: .map([:])) }
            #expect(Self.words("\(ours.map { "\($0)" } ?? "")") == helm, "\(template)\nhelm: \(helm)\nours: \(String(describing: ours))")
        }
    }
}
