import Foundation
import Testing

/// The registries and files started by scripts/testenv (see scripts/test), read from the
/// env.json that `BUNDLE_TESTENV` names. Without it a plain `swift test` disables the
/// integration suites, saying how to run them; scripts/test sets it and fails if any test was
/// skipped, so CI never skips one.
struct TestEnvironment: Sendable {
    struct Chart: Decodable, Sendable {
        var manifest: String
        var chart: String
        var chartSize: Int
    }

    struct File: Decodable, Sendable {
        var caFile: String
        var caBundle: String
        var intermediateCA: String
        var otherCA: String
        var notPEM: String
        var caPlusExpiring: String
        var clientCert: String
        var clientKey: String
        var rogueClientCert: String
        var rogueClientKey: String
        var unrelatedKey: String
        var registries: [String: String]
        var chartRepositories: [String: String]
        var repoCharts: [String: [String: String]]
        var largeIndexNeedle: String
        var nginxAccessLog: String
        var username: String
        var password: String
        var tokenCountUser: String
        var tokenCountPassword: String
        var tokensIssuedDir: String
        var proxy: String
        var proxyLog: String
        var cdn: String
        var app: [String: Chart]
        var signed: Chart
        var tampered: Chart
        /// Test images by name (web, web11, worker, multi, dockerlist, literal, annotated, private, mtls, disabled).
        var images: [String: Image]
        var webapp: Chart
        var mirrorCA: String
        var registryLogs: [String: String]

        struct Image: Decodable {
            var digest: String
            var mediaType: String
            var size: Int
        }

        enum CodingKeys: String, CodingKey {
            case caFile, caBundle, intermediateCA, otherCA, notPEM, caPlusExpiring, clientCert, clientKey, rogueClientCert, rogueClientKey
            case unrelatedKey, registries, chartRepositories, repoCharts, largeIndexNeedle, nginxAccessLog, username, password, tokenCountUser, tokenCountPassword, tokensIssuedDir
            case proxy, proxyLog, cdn, charts, images, mirrorCA, registryLogs
        }
        enum ChartKeys: String, CodingKey { case app, signed, tampered, webapp }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            caFile = try c.decode(String.self, forKey: .caFile)
            caBundle = try c.decode(String.self, forKey: .caBundle)
            intermediateCA = try c.decode(String.self, forKey: .intermediateCA)
            otherCA = try c.decode(String.self, forKey: .otherCA)
            notPEM = try c.decode(String.self, forKey: .notPEM)
            caPlusExpiring = try c.decode(String.self, forKey: .caPlusExpiring)
            clientCert = try c.decode(String.self, forKey: .clientCert)
            clientKey = try c.decode(String.self, forKey: .clientKey)
            rogueClientCert = try c.decode(String.self, forKey: .rogueClientCert)
            rogueClientKey = try c.decode(String.self, forKey: .rogueClientKey)
            unrelatedKey = try c.decode(String.self, forKey: .unrelatedKey)
            registries = try c.decode([String: String].self, forKey: .registries)
            chartRepositories = try c.decode([String: String].self, forKey: .chartRepositories)
            repoCharts = try c.decode([String: [String: String]].self, forKey: .repoCharts)
            largeIndexNeedle = try c.decode(String.self, forKey: .largeIndexNeedle)
            nginxAccessLog = try c.decode(String.self, forKey: .nginxAccessLog)
            username = try c.decode(String.self, forKey: .username)
            password = try c.decode(String.self, forKey: .password)
            tokenCountUser = try c.decode(String.self, forKey: .tokenCountUser)
            tokenCountPassword = try c.decode(String.self, forKey: .tokenCountPassword)
            tokensIssuedDir = try c.decode(String.self, forKey: .tokensIssuedDir)
            proxy = try c.decode(String.self, forKey: .proxy)
            proxyLog = try c.decode(String.self, forKey: .proxyLog)
            cdn = try c.decode(String.self, forKey: .cdn)
            let charts = try c.nestedContainer(keyedBy: ChartKeys.self, forKey: .charts)
            app = try charts.decode([String: Chart].self, forKey: .app)
            signed = try charts.decode(Chart.self, forKey: .signed)
            tampered = try charts.decode(Chart.self, forKey: .tampered)
            webapp = try charts.decode(Chart.self, forKey: .webapp)
            images = try c.decode([String: Image].self, forKey: .images)
            mirrorCA = try c.decode(String.self, forKey: .mirrorCA)
            registryLogs = try c.decode([String: String].self, forKey: .registryLogs)
        }
    }

    let file: File
    let executable: String

    static let shared: Result<TestEnvironment, SetupError> = load()

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// The environment, or a test failure that says how to get one.
    static func require() throws -> TestEnvironment {
        switch shared {
        case .success(let environment): return environment
        case .failure(let error):
            Issue.record(Comment(rawValue: error.description))
            throw error
        }
    }

    private static func load() -> Result<TestEnvironment, SetupError> {
        let env = ProcessInfo.processInfo.environment
        guard let path = env["BUNDLE_TESTENV"] else {
            return .failure(SetupError(description: "BUNDLE_TESTENV is not set: the integration tests need the test registries. Run scripts/test (it installs docker-registry and openssl, starts the registries and sets BUNDLE_TESTENV), or start them with `scripts/testenv/start DIR` and export BUNDLE_TESTENV=DIR/env.json."))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(SetupError(description: "BUNDLE_TESTENV names \(path), which cannot be read; start the registries with scripts/testenv/start."))
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            return .failure(SetupError(description: "\(path) is not a test environment description: \(error)"))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let executable = env["BUNDLE_EXECUTABLE"] ?? root.appendingPathComponent(".build/debug/bundle").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return .failure(SetupError(description: "the bundle executable is missing at \(executable); run `swift build` first (scripts/test does)."))
        }
        return .success(TestEnvironment(file: file, executable: executable))
    }

    func registry(_ name: String) -> String { file.registries[name] ?? "missing-registry-\(name)" }

    /// A fresh empty folder for one test's downloads.
    func scratch() -> String {
        let path = NSTemporaryDirectory() + "bundle-it-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// The outcome of one `bundle` run.
struct Run: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// `--json` output, decoded.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }

    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
}

extension TestEnvironment {
    /// Runs the real `bundle` executable with `arguments`, optional standard input and
    /// extra environment (a value of nil removes a variable).
    func bundle(_ arguments: [String], stdin: String? = nil, environment: [String: String?] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // Proxies of the machine the tests run on must not change what the tests see.
        for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"] {
            env.removeValue(forKey: name)
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Runs an independent tool (tar, openssl, sha256sum, the k0s validator) and returns its status and output.
    func tool(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// scripts/k0s-validate-config of this repository.
    var validator: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/k0s-validate-config").path
    }

    /// sha256 of a file, as `sha256:<hex>`, computed by coreutils' sha256sum (an independent tool).
    func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "sha256:" + String(decoding: data, as: UTF8.self).prefix(64)
    }

    func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}

extension Trait where Self == ConditionTrait {
    /// The suites that need the test registries: disabled without `BUNDLE_TESTENV`, with how to run them.
    static var needsTestEnvironment: Self {
        .enabled(if: ProcessInfo.processInfo.environment["BUNDLE_TESTENV"] != nil,
                 "BUNDLE_TESTENV is not set: these tests need the test registries; run scripts/test (it starts them), or scripts/testenv/start DIR and export BUNDLE_TESTENV=DIR/env.json")
    }
}
