import Foundation
import Testing

/// Every command reports a failure the same way under `--json`: exit status 1 and, on stdout,
/// `{"error": {"code", "class", "subject", "message", "hint"}}` with the message on stderr too.
@Suite(.needsTestEnvironment) struct ErrorShapeTests {
    let env: TestEnvironment

    init() throws {
        env = try TestEnvironment.require()
    }

    static let cases: [(name: String, arguments: [String], code: String)] = [
        ("build", ["build", "MISSING/k0s.yaml", "--unsigned", "-o", "SCRATCH/out.tar.gz", "--json"], "unreadable"),
        ("build without a key", ["build", "SCRATCH/k0s.yaml", "-o", "SCRATCH/out.tar.gz", "--json"], "noSigningKey"),
        ("plan", ["plan", "MISSING/k0s.yaml", "--json"], "unreadable"),
        ("pull", ["pull", "oci://127.0.0.1:1/charts/app", "--plain-http", "-d", "SCRATCH", "--json"], "connectionFailed"),
        ("verify", ["verify", "MISSING/b.tar.gz", "--trust", "KEY", "--json"], "notABundle"),
        ("inspect", ["inspect", "MISSING/b.tar.gz", "--json"], "notABundle"),
        ("install", ["install", "MISSING/b.tar.gz", "--trust", "KEY", "--root", "SCRATCH/root", "--json"], "notABundle"),
    ]

    @Test(arguments: cases.indices)
    func failureIsOneJSONShape(index: Int) throws {
        let (name, template, code) = Self.cases[index]
        let scratch = env.scratch()
        FileManager.default.createFile(atPath: scratch + "/k0s.yaml", contents: Data("""
            extensions:
              helm:
                charts:
                  - name: app
                    chartname: oci://127.0.0.1:1/charts/app
                    namespace: default
            """.utf8))
        let keygen = try env.bundle(["keygen", "--out", scratch + "/signing"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let arguments = template.map {
            $0.replacingOccurrences(of: "MISSING", with: scratch + "/missing").replacingOccurrences(of: "SCRATCH", with: scratch)
                .replacingOccurrences(of: "KEY", with: scratch + "/signing.pub")
        }
        let run = try env.bundle(arguments, environment: ["BUNDLE_SIGN_KEY": nil, "BUNDLE_SIGN_KEY_FILE": nil, "BUNDLE_HTTP_ATTEMPTS": "1"])
        #expect(run.status == 1, "\(name): \(run.stderr)")
        let error = try #require(run.json?["error"] as? [String: Any], "\(name) printed no error object: \(run.stdout)")
        #expect(error["code"] as? String == code, "\(name): \(run.stdout)")
        for key in ["class", "subject", "message", "hint"] {
            #expect(error[key] is String, "\(name): no \(key) in \(run.stdout)")
        }
        #expect(["input", "remote", "integrity", "local"].contains(error["class"] as? String ?? ""), "\(name): \(run.stdout)")
        #expect(!(error["subject"] as? String ?? "").isEmpty, "\(name): the error names no subject: \(run.stdout)")
        #expect(run.stderr.contains("error: "), "\(name): \(run.stderr)")
        if name == "verify" { #expect(run.json?["ok"] as? Bool == false, "verify --json must say ok: false as a boolean") }
    }
}
