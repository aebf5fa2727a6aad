import Foundation
import Testing

/// The inputs scripts/fuzz made (Tests/Fixtures/fuzz/corpus, and every finding kept beside it)
/// replayed with the campaign's invariants: no crash or hang, no file left by a refused
/// install, every error with a subject, no raw escape sequence on the terminal.
@Suite(.needsTestEnvironment) struct FuzzRegressionTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz").path

    static var inputs: [String] {
        let fm = FileManager.default
        let corpus = (try? fm.contentsOfDirectory(atPath: folder + "/corpus"))?.map { "corpus/\($0)" } ?? []
        let findings = (try? fm.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".tar.gz") || $0.hasSuffix(".yaml") } ?? []
        return (corpus + findings).sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.inputs.count >= 20, "Tests/Fixtures/fuzz/corpus holds the campaign's inputs")
        #expect(Self.inputs.contains { $0.hasSuffix(".yaml") } && Self.inputs.contains { $0.hasSuffix(".tar.gz") })
    }

    @Test(arguments: inputs)
    func replays(_ name: String) throws {
        let path = Self.folder + "/" + name
        let work = env.scratch()
        let runs: [[String]]
        if name.hasSuffix(".yaml") {
            runs = [["build", path, "--unsigned", "--offline", "--cache-dir", work + "/cache", "-o", work + "/out.tar.gz", "--json"]]
        } else {
            let pub = Self.folder + "/test-signing.pub"
            runs = [["verify", path, "--trust", pub, "--json"], ["inspect", path], ["inspect", path, "--json"],
                    ["install", path, "--trust", pub, "--root", work + "/root", "--json"]]
        }
        for arguments in runs {
            let run = try env.bundle(arguments)
            #expect([0, 1, 64].contains(run.status), "\(arguments[0]) exited \(run.status): \(run.stderr.suffix(500))")
            #expect(!run.stdout.contains("\u{1b}") && !run.stderr.contains("\u{1b}"), "\(arguments[0]): a raw escape sequence")
            if run.status == 1, arguments.contains("--json") {
                let error = run.json?["error"] as? [String: Any]
                let subject = (error?["subject"] as? String) ?? ""
                #expect(!subject.isEmpty, "\(arguments[0]): an error without a subject: \(run.stdout.prefix(400))")
            }
            if arguments[0] == "install", run.status != 0 {
                let left = (FileManager.default.enumerator(atPath: work + "/root")?.allObjects as? [String] ?? []).filter { item in
                    var isFolder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: work + "/root/" + item, isDirectory: &isFolder) && !isFolder.boolValue
                        && item != "var/lib/k0s/bundle/install.lock"
                }
                #expect(left.isEmpty, "a refused install left \(left)")
            }
        }
    }
}
