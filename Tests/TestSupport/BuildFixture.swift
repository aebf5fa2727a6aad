import Archive
import Builder
import Foundation

/// A build over a scripted registry, as the build's and the installer's suites make one: a
/// k0s config naming charts of `registry`, build options onto a `ScriptedServer`, and the
/// entries of what was written.
public enum BuildFixture {
    public static let registry = "registry.test:5000"

    public static func config(_ releases: [(name: String, chart: String, version: String)]) -> String {
        var text = "repositories:\n  - name: corp\n    url: oci://\(registry)\nextensions:\n  helm:\n    charts:\n"
        for release in releases {
            text += "      - name: \(release.name)\n        chartname: oci://\(registry)/charts/\(release.chart)\n        version: \"\(release.version)\"\n        namespace: apps\n"
        }
        return text
    }

    public static func options(_ folder: String, server: ScriptedServer, offline: Bool = false) -> BuildOptions {
        var options = BuildOptions(configPath: folder + "/k0s.yaml", output: folder + "/out.tar.gz", cacheDir: folder + "/cache")
        options.makeTransport = server.factory
        options.sourceDateEpoch = 1_700_000_000
        options.offline = offline
        return options
    }

    /// The archive's entries and their bytes, in order.
    public static func entries(_ path: String) throws -> [(String, Data)] {
        let reader = try ArchiveReader(path: path)
        var entries: [(String, Data)] = []
        while let entry = try reader.next() { entries.append((entry.path, try reader.readAll(limit: 1 << 24))) }
        return entries
    }
}
