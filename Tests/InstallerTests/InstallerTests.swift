import Builder
import BundleFormat
import Foundation
@testable import Installer
import K0sConfig
import Testing
import TestSupport

/// Install into a folder as a node: a bundle built over a scripted transport, verified,
/// placed, recorded; a repeat changes nothing; another data dir moves every path.
struct InstallerTests {
    static func built() throws -> (bundle: String, key: SigningKey, chart: ChartFixture) {
        let server = ScriptedServer()
        let chart = try ChartFixture(name: "app", version: "1.2.0")
        chart.serve(on: server, repository: "charts/app")
        let folder = try scratchFolder(["k0s.yaml": BuildFixture.config([("web", "app", "1.2.0")])])
        let key = SigningKey.generate(.ed25519)
        _ = try Builder(options: BuildFixture.options(folder, server: server)) { _ in }.build(signingKey: key)
        return (folder + "/out.tar.gz", key, chart)
    }

    static func install(_ bundle: String, key: SigningKey, root: String, dataDir: String = NodeLayout.defaultDataDir) throws -> InstallReport {
        var options = InstallOptions(bundle: bundle)
        options.root = root
        options.dataDir = dataDir
        return try Installer(options: options, trusted: [(key.publicKey, "test.pub")]) { _ in }.install()
    }

    @Test func installsRecordsAndRepeatsAsANoOp() throws {
        let (bundle, key, chart) = try Self.built()
        let root = try scratchFolder()
        let report = try Self.install(bundle, key: key, root: root)
        #expect(report.status == .installed)
        #expect(FileManager.default.contents(atPath: root + "/var/lib/k0s/charts/app-1.2.0.tgz") == chart.archive)
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(try K0sConfig.parse(text: config, file: "k0s.yaml", directory: root).charts.first?.chartname == "/var/lib/k0s/charts/app-1.2.0.tgz")
        let record = try #require(InstallState(folder: root + "/var/lib/k0s/bundle", rooted: { root + $0 }).read())
        #expect(record.files == ["/var/lib/k0s/charts/app-1.2.0.tgz"])
        #expect(record.configSHA256 == NodeFiles.sha256(Data(config.utf8)))
        #expect(try Self.install(bundle, key: key, root: root).status == .unchanged)
    }

    @Test func anotherDataDirMovesChartsAndConfigPaths() throws {
        let (bundle, key, chart) = try Self.built()
        let root = try scratchFolder()
        _ = try Self.install(bundle, key: key, root: root, dataDir: "/opt/k0s")
        #expect(FileManager.default.contents(atPath: root + "/opt/k0s/charts/app-1.2.0.tgz") == chart.archive)
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        let parsed = try K0sConfig.parse(text: config, file: "k0s.yaml", directory: root)
        #expect(parsed.charts.first?.chartname == "/opt/k0s/charts/app-1.2.0.tgz")
        #expect(parsed.charts.first?.version == "1.2.0")
        #expect(!config.contains("/var/lib/k0s"), "\(config)")
        #expect(try Self.install(bundle, key: key, root: root, dataDir: "/opt/k0s").status == .unchanged)
    }

    /// A failure after some files are placed (here the config, whose folder is a file) puts
    /// the node back as it was: the replaced chart restored, nothing created left, no record.
    @Test func aFailureWhilePlacingRollsBackWhatWasPlaced() throws {
        let (bundle, key, _) = try Self.built()
        let root = try scratchFolder()
        let chart = root + "/var/lib/k0s/charts/app-1.2.0.tgz"
        try FileManager.default.createDirectory(atPath: root + "/var/lib/k0s/charts", withIntermediateDirectories: true)
        try Data("the node's own bytes".utf8).write(to: URL(fileURLWithPath: chart))
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: root + "/etc/k0s", contents: Data("a file where a folder should be".utf8)))
        var options = InstallOptions(bundle: bundle)
        options.root = root
        // Refused while placing the config, after the chart was placed (not before it was).
        let error = #expect(throws: BundleError.self) {
            try Installer(options: options, trusted: [(key.publicKey, "test.pub")]) { _ in }.install()
        }
        #expect(error?.code == .writeFailed && error?.subject.contains("/etc/k0s") == true, "\(String(describing: error))")
        #expect(FileManager.default.contents(atPath: chart) == Data("the node's own bytes".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/k0s/charts") == ["app-1.2.0.tgz"])
        #expect(try InstallState(folder: root + "/var/lib/k0s/bundle", rooted: { root + $0 }).read() == nil)
        // The same install, the obstacle gone, completes.
        try FileManager.default.removeItem(atPath: root + "/etc/k0s")
        #expect(try Installer(options: options, trusted: [(key.publicKey, "test.pub")]) { _ in }.install().status == .installed)
    }

    @Test func anUntrustedKeyWritesNothing() throws {
        let (bundle, _, _) = try Self.built()
        let root = try scratchFolder()
        let error = #expect(throws: BundleError.self) { try Self.install(bundle, key: SigningKey.generate(.ed25519), root: root) }
        #expect(error?.code == .untrustedKey)
        #expect((try FileManager.default.contentsOfDirectory(atPath: root)).isEmpty)
    }

    @Test func aLockHeldByAnotherInstallIsReported() throws {
        let root = try scratchFolder()
        let held = try InstallLock(path: root + "/install.lock")
        defer { held.release() }
        let error = #expect(throws: BundleError.self) { try InstallLock(path: root + "/install.lock") }
        #expect(error?.code == .locked)
        #expect(error?.reason.contains("pid \(getpid())") == true)
    }

    @Test func removalsThatFailAreReportedNotCounted() throws {
        let root = try scratchFolder()
        try FileManager.default.createDirectory(atPath: root + "/charts/busy.tgz", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/charts/busy.tgz/inside", contents: Data())
        FileManager.default.createFile(atPath: root + "/charts/old.tgz", contents: Data())
        let state = InstallState(folder: root + "/state", rooted: { root + $0 })
        #expect(try state.remove(["/charts/old.tgz", "/charts/gone.tgz"]) == ["/charts/old.tgz", "/charts/gone.tgz"])
        let error = #expect(throws: BundleError.self) { try state.remove(["/charts/busy.tgz"]) }
        #expect(error?.code == .writeFailed)
        #expect(error?.subject == root + "/charts/busy.tgz")
    }
}
