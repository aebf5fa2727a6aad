import Foundation
@testable import HelmTemplate
import Testing

/// A template error names the line and column Helm names: Go counts the column in bytes, so
/// text before the action in other scripts than Latin moves it as far as its UTF-8 length.
struct ErrorPlaceOracleTests {
    static let templates = [
        "é{{ fail \"x\" }}",
        "ab\n  ü日{{ index 1 2 }}\n",
        "{{ \"é\" }} {{ .Values.name | int | printf \"%s\" | required \"needed\" | include \"nope\" }}",
        "日本語\n\n{{ \"ü\" }}{{ required \"needed\" .Values.missing }}",
    ]

    /// The first `LINE:COL` after the template's name in an error's text.
    static func place(_ text: String) -> String? {
        guard let match = text.range(of: #"t\.yaml:[0-9]+:[0-9]+"#, options: .regularExpression) else { return nil }
        return String(text[match].dropFirst("t.yaml:".count))
    }

    @Test func errorsArePlacedAsHelmPlacesThem() throws {
        let cases = Self.templates.enumerated().map { ["name": "place\($0.offset)", "files": ["t.yaml": $0.element], "values": ["name": "web"]] as [String: Any] }
        let answers = try HelmOracleTests.oracle(cases)
        for (index, template) in Self.templates.enumerated() {
            let helm = try #require(answers[index]["error"] as? String, "Helm renders \(template)")
            let ours = #expect(throws: TemplateError.self) {
                try TemplateSet(files: ["t.yaml": template]).render("t.yaml", data: .map(["Values": .map(["name": "web"])]))
            }
            let place = try #require(Self.place(helm), "Helm's error names no place: \(helm)")
            #expect(Self.place("\(ours.map { "\($0)" } ?? "")") == place, "\(template)\nhelm: \(helm)\nours: \(String(describing: ours))")
        }
    }
}
