import BundleFormat
import Foundation
import Testing

/// bundle.json is read strictly, and every problem names where it is.
struct StrictManifestTests {
    static let valid = """
        {"builder":"bundle 0.1.0","certificates":[],"charts":[],"config":{"format":"clusterConfig","path":"k0s.yaml","source":"k0s.yaml"},\
        "created":"1970-01-01T00:00:00Z","dataDir":"/var/lib/k0s","files":[{"path":"k0s.yaml","sha256":"\(String(repeating: "a", count: 64))","size":10}],\
        "name":"n","schemaVersion":1,"sequence":3}
        """

    static func problem(_ text: String) -> String {
        do {
            _ = try BundleManifest.decode(Data(text.utf8), source: "b.tar.gz")
            return "accepted"
        } catch {
            return error.reason
        }
    }

    @Test func acceptsWhatBuildWrites() throws {
        let manifest = try BundleManifest.decode(Data(Self.valid.utf8), source: "b")
        #expect(manifest.sequence == 3 && manifest.files.count == 1)
        let roundTrip = try BundleManifest.decode(try manifest.encoded(), source: "b")
        #expect(roundTrip == manifest)
    }

    static func with(_ from: String, _ to: String) -> String { valid.replacingOccurrences(of: from, with: to) }

    static let cases: [(String, String)] = [

        (with("\"sequence\":3", "\"sequence\":1.5"), "sequence: expected an integer, got 1.5"),
        (with("\"sequence\":3", "\"sequence\":1e30"), "sequence: expected an integer, got 1e30"),
        (with("\"sequence\":3", "\"sequence\":\"3\""), "sequence: expected an integer, got the string \"3\""),
        (with("\"size\":10", "\"size\":-1"), "files[0].size: negative"),
        (with("\"size\":10", "\"size\":9223372036854775807"), "files[0].size: out of range"),
        (with("\"name\":\"n\"", "\"name\":\"n\",\"name\":\"other\""), "duplicate key \"name\""),
        (with("\"name\":\"n\"", "\"name\":\"n\",\"extra\":1"), "extra: unknown key"),
        (with("{\"builder\"", "{/* hi */\"builder\""), "a comment; JSON has none"),
        (String(valid.dropLast(20)), "(truncated?)"),
        (String(valid.dropLast(1)), "the document ends early (truncated?)"),
        (with("\"sha256\":\"a", "\"sha256\":\"A"), "files[0].sha256: expected 64 lower-case hex digits"),
        (with("\"name\":\"n\"", "\"name\":\"n\u{1b}\""), "a raw control character"),
        (with("\"name\":\"n\"", "\"name\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)), "nested deeper than 32"),
        (with("\"files\":[", "\"files\":{"), "not valid JSON"),
        ("\u{FEFF}" + valid, "byte order mark"),
        (valid + ",", "more text after the document ends"),
        ("[1]", "no schemaVersion"),
        (with("\"schemaVersion\":1", "\"schemaVersion\":\"1\""), "schemaVersion: expected an integer"),
    ]

    @Test(arguments: cases)
    func refusesNamingTheProblem(_ text: String, _ expected: String) {
        let reason = Self.problem(text)
        #expect(reason.contains(expected), "\(reason)")
    }

    @Test func errorsHaveLineAndColumn() {
        let reason = Self.problem("{\n  \"schemaVersion\": 1,\n  \"name\": tru\n}")
        #expect(reason.contains("line 3, column 11"), "\(reason)")
    }

    @Test func aManifestOverTheLimitIsRefusedBeforeParsing() {
        let big = Data(repeating: 0x20, count: (16 << 20) + 1)
        #expect(throws: BundleError.self) { try BundleManifest.decode(big, source: "b") }
    }
}
