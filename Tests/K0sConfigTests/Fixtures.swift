import Foundation
import Testing
@testable import K0sConfig

/// Paths to the repository root, the k0s fixtures (Tests/Fixtures/k0s) and the validator (scripts/).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func example(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/k0s/examples/\(name)").path }
    static let validator = root.appendingPathComponent("scripts/k0s-validate-config").path

    /// A scratch folder holding `files`.
    static func folder(_ files: [String: String]) -> String {
        let path = NSTemporaryDirectory() + "k0sconfig-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            let file = path + "/" + name
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        }
        return path
    }

    static func parse(_ text: String, directory: String = "/tmp") throws(ConfigError) -> K0sConfig {
        try K0sConfig.parse(text: text, file: "k0s.yaml", directory: directory)
    }

    /// The problems of a config expected to fail.
    static func problems(_ text: String) -> [ConfigProblem] {
        do {
            _ = try parse(text)
            Issue.record("expected the config to be refused:\n\(text)")
            return []
        } catch {
            return error.problems
        }
    }

    /// Runs scripts/k0s-validate-config on `text`; returns (exit status, output).
    static func validate(_ text: String) throws -> (Int32, String) {
        let file = folder(["config.yaml": text]) + "/config.yaml"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", validator, file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
