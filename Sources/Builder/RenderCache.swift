import Content
import FileSystem
import Foundation
import HelmTemplate
import Images

/// What rendering a release found (its images, the lines it could not read, why it fell back
/// to its values), kept in the build cache so that a rebuild does not render an unchanged
/// release again: a chart archive must be read whole to render it, which for large charts is
/// most of a rebuild. Keyed by the chart's digest, the release's values, name, namespace and
/// Kubernetes version, and this very binary (its size and modification time), so another
/// build of the tool renders afresh; without /proc there is no key and nothing is kept.
struct RenderCache {
    let root: String

    struct Entry: Codable {
        var images: [[String]]
        var undetermined: [String]
        var skipped: [String]
        var fallback: String?
    }

    static let binary: String? = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()

    func key(chart: Digest, values: String?, release: ChartRender.Release) -> String? {
        guard let binary = Self.binary else { return nil }
        let text = [binary, chart.description, release.name, release.namespace, release.kubeVersion, values ?? "<none>"].joined(separator: "\n")
        return Digest.sha256(of: Data(text.utf8)).hex
    }

    private func path(_ key: String) -> String { "\(root)/resolutions/render-\(key).json" }

    func load(_ key: String) -> ReleaseImages? {
        guard let data = FileManager.default.contents(atPath: path(key)), let entry = try? JSONDecoder().decode(Entry.self, from: data) else { return nil }
        var images: [FoundImage] = []
        for item in entry.images {
            guard let text = item.first, let reference = try? ImageReference(parsing: text) else { return nil }
            images.append(FoundImage(reference: reference, sources: Array(item.dropFirst())))
        }
        return ReleaseImages(images: images, undetermined: entry.undetermined, skipped: entry.skipped, fallback: entry.fallback)
    }

    /// Kept without a flush: a torn note reads as missing and the release is rendered again.
    func keep(_ found: ReleaseImages, as key: String) {
        let entry = Entry(images: found.images.map { [$0.reference.description] + $0.sources }, undetermined: found.undetermined,
                          skipped: found.skipped, fallback: found.fallback)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? DurableFile.write(data, to: path(key), flush: false)
    }
}
