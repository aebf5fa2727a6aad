import Foundation

/// Named points of an install (`staged`, `placed ENTRY`, `placed images`, `backup`, `config`,
/// `record`, `removed`), where the crash tests stop it: `BUNDLE_TEST_CHECKPOINT=kill:NAME`
/// makes the process kill itself (SIGKILL) on reaching NAME, so every point is covered every
/// run without timing; `pause:NAME:FILE` creates FILE there and waits (at most 120 s) until
/// the test removes it. No effect without the variable.
enum Checkpoint {
    enum Action: Equatable { case kill, pause(marker: String) }

    static let configured: (name: String, action: Action)? = {
        guard let text = ProcessInfo.processInfo.environment["BUNDLE_TEST_CHECKPOINT"] else { return nil }
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        switch (parts.first, parts.count) {
        case ("kill", 2): return (parts[1], .kill)
        case ("pause", 3): return (parts[1], .pause(marker: parts[2]))
        default: return nil
        }
    }()

    static func reached(_ name: String) {
        guard let configured, configured.name == name else { return }
        switch configured.action {
        case .kill:
            kill(getpid(), SIGKILL)
        case .pause(let marker):
            _ = FileManager.default.createFile(atPath: marker, contents: Data(name.utf8))
            for _ in 0..<12_000 where FileManager.default.fileExists(atPath: marker) { usleep(10_000) }
        }
    }
}
