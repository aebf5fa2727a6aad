import Foundation
import Testing

/// A real containerd (Debian's package) with its own root, state and socket under a test's
/// folder and the CRI plugin off, and its `ctr` client: what k0s's worker does with an
/// images tar, done by the real thing.
final class Containerd {
    let folder: String
    let socket: String
    private let process: Process

    /// Starts containerd; fails the test (saying how to install it) when it is missing.
    init(folder: String) throws {
        for tool in ["containerd", "ctr"] {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") else {
                throw TestEnvironment.SetupError(description: "\(tool) is not installed: run scripts/install-deps, or apt-get install containerd")
            }
        }
        self.folder = folder
        // A unix socket path must stay under 108 bytes: keep it short, beside the folder.
        socket = "/tmp/ctd-\(UUID().uuidString.prefix(8)).sock"
        let config = """
            version = 2
            root = "\(folder)/root"
            state = "\(folder)/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "\(socket)"
            [ttrpc]
              address = "\(socket).ttrpc"
            [debug]
              address = ""
            [metrics]
              address = ""
            """
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try config.write(toFile: folder + "/config.toml", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/containerd")
        process.arguments = ["--config", folder + "/config.toml"]
        let log = FileHandle(forWritingAtPath: folder + "/containerd.log") ?? {
            FileManager.default.createFile(atPath: folder + "/containerd.log", contents: nil)
            return FileHandle(forWritingAtPath: folder + "/containerd.log")
        }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<100 {
            if (try? ctr(["version"]))?.status == 0 { return }
            usleep(100_000)
        }
        let text = (try? String(contentsOfFile: folder + "/containerd.log", encoding: .utf8)) ?? ""
        stop()
        throw TestEnvironment.SetupError(description: "containerd did not start within 10 s: \(text.suffix(2000))")
    }

    /// Runs `ctr --address SOCKET -n k8s.io ARGS`.
    func ctr(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let ctr = Process()
        ctr.executableURL = URL(fileURLWithPath: "/usr/bin/ctr")
        ctr.arguments = ["--address", socket, "--namespace", "k8s.io"] + arguments
        let pipe = Pipe()
        ctr.standardOutput = pipe
        ctr.standardError = pipe
        try ctr.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        ctr.waitUntilExit()
        return (ctr.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `ctr images check` as rows: name → (digest, status).
    func check() throws -> [String: (digest: String, status: String)] {
        let run = try ctr(["images", "check"])
        var rows: [String: (digest: String, status: String)] = [:]
        for line in run.output.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard cells.count >= 5 else { continue }
            rows[cells[0]] = (cells[2], cells[3])
        }
        return rows
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        unlink(socket)
    }

    deinit { stop() }
}
