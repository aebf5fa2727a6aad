@testable import Builder
import K0sConfig
import Testing

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
