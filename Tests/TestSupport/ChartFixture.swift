import Archive
import Content
import Foundation
import OCI

/// A Helm chart as `helm package` and `helm push` make it: the .tgz with NAME/Chart.yaml, the
/// config blob, the OCI manifest; served from a `ScriptedServer` as a registry serves them.
public struct ChartFixture {
    public var name: String
    public var version: String
    public var archive: Data
    public var config: Data
    public var manifest: Data

    public var chartDigest: Content.Digest { .sha256(of: archive) }
    public var manifestDigest: Content.Digest { .sha256(of: manifest) }

    public init(name: String, version: String, dependencies: [String] = [], extra: String = "") throws {
        self.name = name
        self.version = version
        let folder = NSTemporaryDirectory() + "chart-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/chart.tgz"
        let writer = try ArchiveWriter(path: path, compression: .gzip, mtime: 0)
        var chartYAML = "apiVersion: v2\nname: \(name)\nversion: \(version)\n"
        if !dependencies.isEmpty {
            chartYAML += "dependencies:\n" + dependencies.map { "  - name: \($0)\n    version: 1.0.0\n    repository: https://charts.example\n" }.joined()
        }
        try writer.add("\(name)/Chart.yaml", data: Data(chartYAML.utf8))
        try writer.add("\(name)/values.yaml", data: Data("replicas: 1\n\(extra)".utf8))
        try writer.close()
        archive = try Data(contentsOf: URL(fileURLWithPath: path))
        config = Data(#"{"apiVersion":"v2","name":"\#(name)","version":"\#(version)"}"#.utf8)
        let configDigest = Content.Digest.sha256(of: config)
        manifest = Data("""
            {"schemaVersion":2,"mediaType":"\(MediaType.imageManifest)","config":{"mediaType":"\(MediaType.helmConfig)","digest":"\(configDigest)","size":\(config.count)},\
            "layers":[{"mediaType":"\(MediaType.helmChartContent)","digest":"\(Content.Digest.sha256(of: archive))","size":\(archive.count)}]}
            """.utf8)
    }

    /// A classic repository's index.yaml listing `app` at each of `entries` (and an `other` chart).
    public static func repositoryIndex(_ entries: [(version: String, digest: String)]) -> String {
        var text = "apiVersion: v1\nentries:\n  other:\n  - name: other\n    version: 9.9.9\n    urls: [other-9.9.9.tgz]\n  app:\n"
        for entry in entries {
            text += "  - apiVersion: v2\n    name: app\n    version: \(entry.version)\n    digest: \(entry.digest)\n    urls:\n    - charts/app-\(entry.version).tgz\n"
        }
        return text + "generated: \"2026-01-01T00:00:00Z\"\n"
    }

    /// Serves the chart under `repository` (like `charts/app`) with its version as the tag.
    public func serve(on server: ScriptedServer, repository: String, tags: [String]? = nil) {
        server.answer("/v2/\(repository)/tags/list?n=1000", body: Data(#"{"name":"\#(repository)","tags":[\#((tags ?? [version]).map { "\"\($0)\"" }.joined(separator: ","))]}"#.utf8))
        server.answer("/v2/\(repository)/manifests/\(version)", body: manifest, contentType: MediaType.imageManifest, digest: true)
        server.answer("/v2/\(repository)/manifests/\(manifestDigest)", body: manifest, contentType: MediaType.imageManifest, digest: true)
        server.answer("/v2/\(repository)/blobs/\(Content.Digest.sha256(of: config))", body: config)
        server.answer("/v2/\(repository)/blobs/\(chartDigest)", body: archive)
    }
}

/// A scratch folder with files, removed by nobody (under the test run's TMPDIR).
public func scratchFolder(_ files: [String: String] = [:]) throws -> String {
    let folder = NSTemporaryDirectory() + "builder-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }
    return folder
}
