import BundleFormat
import Testing

/// The one entry-name rule: what `fileName(from:)` makes always passes `isSafePath`.
struct EntryRulesTests {
    @Test(arguments: ["my chart-1.0.0", ".hidden-1.0", "", "ünïcode-2.0", "a/b-1.0", "ok-1.2.3+meta", String(repeating: "x", count: 300), "tab\there"])
    func madeNamesAreSafe(_ text: String) {
        let name = EntryRules.fileName(from: text)
        #expect(EntryRules.isSafePath("charts/\(name).tgz"), "\(name)")
    }

    @Test func safeNamesStayAsTheyAre() {
        #expect(EntryRules.fileName(from: "ok-1.2.3+meta") == "ok-1.2.3+meta")
        #expect(EntryRules.fileName(from: "my chart-1.0.0") == "my_chart-1.0.0")
        #expect(!EntryRules.isSafePath("charts/my chart-1.0.0.tgz"))
    }
}
