@testable import Builder
import Content
import Foundation
import HelmTemplate
import Images
import K0sConfig
import Testing
import TestSupport

/// How `build`, `plan` and `images` render a release: its name and namespace as k0s installs
/// it, the Kubernetes version from `--kube-version`, else the k0s version a k0sctl file names,
/// else Helm's default; `--no-render` does not render.
struct RenderSettingsTests {
    static let k0sctl = """
        apiVersion: k0sctl.k0sproject.io/v1beta1
        kind: Cluster
        metadata:
          name: prod
        spec:
          k0s:
            version: v1.31.4+k0s.0
            config:
              spec:
                extensions:
                  helm:
                    charts:
                      - {name: web, chartname: oci://registry.corp/charts/web, version: 1.0.0, namespace: apps}
        """

    func stage(_ configure: (inout ImageOptions) -> Void = { _ in }) -> ImageStage {
        var options = ImageOptions()
        configure(&options)
        return ImageStage(options: options, cache: BlobCache(root: "/nonexistent"), offline: false)
    }

    @Test func theKubernetesVersionComesFromTheFlagThenTheClusterThenHelm() throws {
        let config = try K0sConfig.parse(text: Self.k0sctl, file: "k0sctl.yaml", directory: "/tmp")
        let chart = try #require(config.charts.first)
        let release = try #require(stage().renderRelease(chart, config: config))
        #expect((release.name, release.namespace, release.kubeVersion) == ("web", "apps", "1.31.4"))
        #expect(stage { $0.kubeVersion = "1.29.0" }.renderRelease(chart, config: config)?.kubeVersion == "1.29.0")
        #expect(stage { $0.render = false }.renderRelease(chart, config: config) == nil)

        let plain = try K0sConfig.parse(text: "extensions:\n  helm:\n    charts:\n      - {name: web, chartname: oci://registry.corp/charts/web, version: 1.0.0}\n",
                                        file: "k0s.yaml", directory: "/tmp")
        let plainChart = try #require(plain.charts.first)
        let defaulted = try #require(stage().renderRelease(plainChart, config: plain))
        #expect((defaulted.namespace, defaulted.kubeVersion) == ("default", "1.36.0"))
    }
}

/// A rebuild does not render an unchanged release again: what the render found is kept in
/// the cache under a key of everything it depends on.
struct RenderCacheTests {
    @Test func whatARenderFoundIsKeptUnderEverythingItDependsOn() throws {
        let notes = RenderCache(root: try scratchFolder())
        try FileManager.default.createDirectory(atPath: notes.root + "/resolutions", withIntermediateDirectories: true)
        let chart = Content.Digest.sha256(of: Data("chart".utf8))
        let release = ChartRender.Release(name: "web", namespace: "apps", kubeVersion: "1.34.1")
        let key = try #require(notes.key(chart: chart, values: "a: 1\n", release: release), "this binary is found under /proc")
        let found = ReleaseImages(images: [FoundImage(reference: try ImageReference(parsing: "docker.io/library/nginx:1.27"), sources: ["web: app/templates/d.yaml:4"])],
                                  undetermined: ["web: x"], skipped: [], fallback: nil)
        #expect(notes.load(key) == nil)
        notes.keep(found, as: key)
        let kept = try #require(notes.load(key))
        #expect(kept.images == found.images && kept.undetermined == found.undetermined && kept.fallback == nil)

        var other = release
        other.kubeVersion = "1.35.0"
        let keys = [notes.key(chart: chart, values: "a: 2\n", release: release), notes.key(chart: chart, values: "a: 1\n", release: other),
                    notes.key(chart: Content.Digest.sha256(of: Data("other".utf8)), values: "a: 1\n", release: release),
                    notes.key(chart: chart, values: nil, release: release)]
        #expect(Set(keys.compactMap { $0 }).count == 4 && !keys.contains(key), "values, Kubernetes version, chart: each its own key")
    }
}
