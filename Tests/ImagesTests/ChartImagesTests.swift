import Foundation
@testable import Images
import Testing

/// Finding a release's images in the shapes real charts use, with what is skipped and what
/// cannot be determined said, file and line.
struct ChartImagesTests {
    static func chart(_ name: String = "app", appVersion: String = "2.1.0", values: String = "", templates: [String: String] = [:],
                      chartExtra: String = "", subcharts: [String: [String: String]] = [:]) throws -> ChartFiles {
        var files: [String: Data] = ["Chart.yaml": Data("apiVersion: v2\nname: \(name)\nversion: 1.0.0\nappVersion: \"\(appVersion)\"\n\(chartExtra)".utf8),
                                     "values.yaml": Data(values.utf8)]
        for (path, text) in templates { files["templates/\(path)"] = Data(text.utf8) }
        for (sub, subFiles) in subcharts {
            for (path, text) in subFiles { files["charts/\(sub)/\(path)"] = Data(text.utf8) }
        }
        var budget: Int64 = 1 << 30
        return try ChartFiles(files: files, archive: "\(name).tgz", depth: 0, budget: &budget)
    }

    static func found(_ images: ChartImages) -> [String] { images.images.map(\.reference.description) }

    @Test func valueShapes() throws {
        let values = """
            image: "nginx:1.25"
            controller:
              image:
                repository: team/controller
                tag: "3.0"
            worker:
              image:
                registry: quay.io
                repository: org/worker
                tag: "1.0"
                digest: sha256:\(String(repeating: "d", count: 64))
            scaffold:
              image:
                repository: ghcr.io/org/scaffold
                tag: ""
            bare:
              image:
                repository: ghcr.io/org/bare
                digest: \(String(repeating: "e", count: 64))
            initContainers:
              - name: init
                image: busybox:1.36
            kubectlImage: bitnami/kubectl:1.29
            """
        let images = try ChartImages(chart: Self.chart(values: values), releaseValues: nil)
        #expect(Self.found(images) == [
            "docker.io/library/nginx:1.25", "docker.io/team/controller:3.0",
            "quay.io/org/worker:1.0@sha256:" + String(repeating: "d", count: 64), "ghcr.io/org/scaffold:2.1.0",
            "ghcr.io/org/bare@sha256:" + String(repeating: "e", count: 64), "docker.io/library/busybox:1.36",
            "docker.io/bitnami/kubectl:1.29",
        ])
        #expect(images.images[1].sources == ["app values controller.image"])
        #expect(images.images[5].sources == ["app values initContainers[0].image"])
    }

    @Test func releaseValuesWinAndGlobalRegistryOverrides() throws {
        let values = "global:\n  imageRegistry: \"\"\nimage:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.4\n"
        let release = "global:\n  imageRegistry: mirror.corp:5000\nimage:\n  tag: 7.2.5\n"
        let images = try ChartImages(chart: Self.chart(values: values), releaseValues: release)
        #expect(Self.found(images) == ["mirror.corp:5000/bitnami/redis:7.2.5"])
        let unchanged = try ChartImages(chart: Self.chart(values: values), releaseValues: nil)
        #expect(Self.found(unchanged) == ["docker.io/bitnami/redis:7.2.4"])
    }

    /// A chart's values.yaml of several documents is read as Helm's LoadValues reads it: each
    /// merged over the ones before. A k0s config's values are read as k0s reads them: the
    /// first document.
    @Test func everyDocumentOfValuesYamlCountsAndTheFirstOfAConfigs() throws {
        let values = "image:\n  repository: org/app\n  tag: \"1.0\"\n---\n---\nimage:\n  tag: \"2.0\"\nsidecar:\n  image: busybox:1.36\n"
        let release = "image:\n  tag: \"3.0\"\n---\nsidecar:\n  image: busybox:1.37\n"
        #expect(Self.found(try ChartImages(chart: Self.chart(values: values), releaseValues: nil)) == ["docker.io/org/app:2.0", "docker.io/library/busybox:1.36"])
        #expect(Self.found(try ChartImages(chart: Self.chart(values: values), releaseValues: release)) == ["docker.io/org/app:3.0", "docker.io/library/busybox:1.36"])
    }

    @Test func disabledBlocksAreSkippedWithTheReason() throws {
        let values = "metrics:\n  enabled: false\n  image:\n    repository: prom/exporter\n    tag: \"1\"\nmain:\n  image: app:1\n"
        let images = try ChartImages(chart: Self.chart(values: values), releaseValues: nil)
        #expect(Self.found(images) == ["docker.io/library/app:1"])
        #expect(images.skipped.contains { $0.contains("metrics.image") && $0.contains("metrics.enabled is false") })
        let enabled = try ChartImages(chart: Self.chart(values: values), releaseValues: "metrics:\n  enabled: true\n")
        #expect(Self.found(enabled).contains("docker.io/prom/exporter:1"))
    }

    @Test func templatesLiteralsUndeterminedAndTestHooks() throws {
        let templates = [
            "_helpers.tpl": "{{- define \"app.image\" -}}\n{{ .Values.image.repository }}:{{ .Values.image.tag }}\n{{- end }}\n{{- define \"app.other\" -}}\nx/{{ .Chart.Name }}\n{{- end }}\n",
            "deploy.yaml": "spec:\n  containers:\n    - image: {{ include \"app.image\" . }}\n    - image: \"registry.corp/x/literal:1.0\"\n    - image: {{ include \"app.other\" . }}\n      name: x\n",
            "job.yaml": "containers:\n  - name: j\n    image: {{ .Values.job.image }}\n",
            "tests/t.yaml": "metadata:\n  annotations:\n    \"helm.sh/hook\": test\nspec:\n  containers:\n    - image: busybox\n",
        ]
        let images = try ChartImages(chart: Self.chart(values: "image:\n  repository: a/b\n  tag: \"1\"\n", templates: templates), releaseValues: nil)
        #expect(Self.found(images) == ["docker.io/a/b:1", "registry.corp/x/literal:1.0"])
        #expect(images.images[1].sources == ["app/templates/deploy.yaml:4"])
        #expect(images.undetermined == [
            "app/templates/deploy.yaml:5: - image: {{ include \"app.other\" . }}", "app/templates/job.yaml:3: image: {{ .Values.job.image }}",
        ])
        #expect(images.skipped.contains { $0.hasPrefix("app/templates/tests/t.yaml:6") && $0.contains("test hook") })
    }

    @Test func helperChartsWithNullValuesAreUndetermined() throws {
        // traefik's shape: registry, repository and tag null; a helper supplies them.
        let values = "image:\n  registry: \n  repository: \n  tag: \n"
        let templates = ["_helpers.tpl": "{{- define \"traefik.image-name\" -}}\n{{ printf \"%s/%s:%s\" (.Values.image.registry | default \"docker.io\") (.Values.image.repository | default \"traefik\") (.Values.image.tag | default .Chart.AppVersion) }}\n{{- end }}\n",
                         "deployment.yaml": "containers:\n  - image: {{ template \"traefik.image-name\" . }}\n"]
        let images = try ChartImages(chart: Self.chart("traefik", values: values, templates: templates), releaseValues: nil)
        #expect(images.images.isEmpty)
        #expect(images.skipped.contains { $0.contains("traefik values image") && $0.contains("repository is empty") })
        #expect(images.undetermined == ["traefik/templates/deployment.yaml:2: - image: {{ template \"traefik.image-name\" . }}"])
    }

    @Test func annotationsAndSubchartsWithConditions() throws {
        let chartExtra = """
            annotations:
              artifacthub.io/images: |
                - name: app
                  image: ghcr.io/org/app:2.1.0
                  platforms: [linux/amd64]
              images: |
                - name: kubectl
                  image: docker.io/bitnami/kubectl:1.29
            dependencies:
              - name: redis
                version: 1.0.0
                condition: redis.enabled
              - name: cache
                alias: memo
                version: 1.0.0
                tags: [caching]
            """
        let sub = ["Chart.yaml": "apiVersion: v2\nname: redis\nversion: 1.0.0\n", "values.yaml": "image:\n  repository: bitnami/redis\n  tag: \"7\"\n"]
        let cache = ["Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.0.0\n", "values.yaml": "image: memcached:1.6\n"]
        let files = try Self.chart(values: "redis:\n  enabled: false\n", chartExtra: chartExtra, subcharts: ["redis": sub, "cache": cache])
        let images = try ChartImages(chart: files, releaseValues: "memo:\n  image: memcached:1.6.21\n")
        #expect(Self.found(images) == ["ghcr.io/org/app:2.1.0", "docker.io/bitnami/kubectl:1.29", "docker.io/library/memcached:1.6.21"])
        #expect(images.skipped.contains { $0 == "app subchart redis: its condition redis.enabled is false" })
        let on = try ChartImages(chart: files, releaseValues: "redis:\n  enabled: true\n  image:\n    tag: \"7.2\"\ntags:\n  caching: false\n")
        #expect(Self.found(on).contains("docker.io/bitnami/redis:7.2"))
        #expect(!Self.found(on).contains { $0.contains("memcached") })
    }

    /// `helm.sh/images` in either form charts use (a list of {name, image}, or of plain
    /// references); an annotation that is not a list is said to be skipped, not ignored.
    @Test func helmImagesAnnotation() throws {
        let mapped = try Self.chart(chartExtra: "annotations:\n  helm.sh/images: |\n    - name: api\n      image: registry.corp:5000/team/api:3.1\n")
        #expect(Self.found(try ChartImages(chart: mapped, releaseValues: nil)) == ["registry.corp:5000/team/api:3.1"])
        let plain = try Self.chart(chartExtra: "annotations:\n  helm.sh/images: |\n    - quay.io/org/worker:1.0\n")
        #expect(Self.found(try ChartImages(chart: plain, releaseValues: nil)) == ["quay.io/org/worker:1.0"])
        let broken = try ChartImages(chart: Self.chart(chartExtra: "annotations:\n  helm.sh/images: \"quay.io/org/worker:1.0\"\n"), releaseValues: nil)
        #expect(Self.found(broken).isEmpty)
        #expect(broken.skipped.contains { $0.contains("annotation helm.sh/images: not a YAML list") }, "\(broken.skipped)")
    }

    @Test func hostileTextIsEscapedAndBounded() throws {
        let templates = ["x.yaml": "image: {{ .Values.nothing }}\u{1b}[2J\n"]
        let images = try ChartImages(chart: Self.chart(templates: templates), releaseValues: nil)
        #expect(images.undetermined.count == 1)
        #expect(!images.undetermined[0].contains("\u{1b}"))
        #expect(images.undetermined[0].contains("\\u{1b}"))
    }

    /// Conventions seen in real charts (measured with scripts/measure-discovery).
    @Test func conventionsOfRealCharts() throws {
        // cert-manager: imageRegistry + imageNamespace + image.name, tag from appVersion.
        let certManager = try ChartImages(chart: Self.chart(appVersion: "v1.21.1", values: "imageRegistry: quay.io\nimageNamespace: jetstack\nimage:\n  name: cert-manager-controller\n  repository: \"\"\n"), releaseValues: nil)
        #expect(Self.found(certManager) == ["quay.io/jetstack/cert-manager-controller:v1.21.1"])
        // ingress-nginx: global.image.registry, `image:` inside the block, tag and digest.
        let digest = "sha256:" + String(repeating: "5", count: 64)
        let nginx = try ChartImages(chart: Self.chart(values: "global:\n  image:\n    registry: registry.k8s.io\ncontroller:\n  image:\n    image: ingress-nginx/controller\n    tag: v1.15.1\n    digest: \(digest)\n"), releaseValues: nil)
        #expect(Self.found(nginx) == ["registry.k8s.io/ingress-nginx/controller:v1.15.1@\(digest)"])
        #expect(nginx.images.first?.reference.names == ["registry.k8s.io/ingress-nginx/controller:v1.15.1", "registry.k8s.io/ingress-nginx/controller@\(digest)"])
        // kube-state-metrics: an empty tag is `v` + appVersion where the templates say so.
        let ksm = try ChartImages(chart: Self.chart(appVersion: "2.20.0", values: "image:\n  registry: registry.k8s.io\n  repository: kube-state-metrics/kube-state-metrics\n  tag: \"\"\n",
                                                    templates: ["_helpers.tpl": "{{- printf \"%s/%s:%s\" .Values.image.registry .Values.image.repository (default (printf \"v%s\" .Chart.AppVersion) .Values.image.tag) }}\n"]), releaseValues: nil)
        #expect(Self.found(ksm) == ["registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0"])
        // Bitnami: the images annotation lists the exporter of disabled metrics too.
        let annotation = "annotations:\n  images: |\n    - name: redis\n      image: docker.io/bitnami/redis:8\n    - name: redis-exporter\n      image: docker.io/bitnami/redis-exporter:1.76\n"
        let redis = try ChartImages(chart: Self.chart(values: "image:\n  repository: bitnami/redis\n  tag: \"8\"\nmetrics:\n  enabled: false\n  image:\n    repository: bitnami/redis-exporter\n    tag: \"1.76\"\n", chartExtra: annotation), releaseValues: nil)
        #expect(Self.found(redis) == ["docker.io/bitnami/redis:8"])
        #expect(redis.skipped.contains { $0.contains("redis-exporter") && $0.contains("annotation") && $0.contains("metrics.image is disabled") })
    }

    /// A YAML alias bomb in a chart's values or a release's values is refused by counting the
    /// nodes it expands to, never by a clock.
    @Test func anAliasBombIsRefusedByCountedExpansion() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 {
            let p = Character(Unicode.Scalar(UInt8(97 + i - 1))), c = Character(Unicode.Scalar(UInt8(97 + i)))
            bomb += "\(c): &\(c) [" + Array(repeating: "*\(p)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: ImageError.self) { try ChartImages(chart: Self.chart(values: bomb), releaseValues: nil) }
        #expect(throws: ImageError.self) { try ChartImages(chart: Self.chart(values: "a: 1\n"), releaseValues: bomb) }
    }

    /// A helper that includes itself a thousand times over is stopped by the include depth and
    /// its image line reported as undetermined.
    @Test func aSelfIncludingHelperIsStoppedByItsDepth() throws {
        let helper = "{{- define \"h\" -}}\n" + String(repeating: "{{ include \"h\" . }}", count: 1000) + "\n{{- end }}\n"
        let loop = try ChartImages(chart: Self.chart(templates: ["_helpers.tpl": helper, "a.yaml": "image: {{ include \"h\" . }}\n"]), releaseValues: nil)
        #expect(loop.undetermined.count == 1)
    }

    /// Templates and image lists written with CRLF line endings split into lines as with LF.
    @Test func crlfLineEndingsSplitAsLineFeeds() throws {
        let crlf = try ChartImages(chart: Self.chart(templates: ["d.yaml": "spec:\r\n  containers:\r\n    - image: registry.corp/x/y:1.0\r\n"]), releaseValues: nil)
        #expect(Self.found(crlf) == ["registry.corp/x/y:1.0"])
        #expect(crlf.images.first?.sources == ["app/templates/d.yaml:3"])
        let list = try ImageList.parse("quay.io/a/b:1\r\nquay.io/c/d:2\r\n", file: "f")
        #expect(list.map(\.reference.description) == ["quay.io/a/b:1", "quay.io/c/d:2"])
    }

    /// A reference without a tag is the `latest` one; a path that climbs is refused.
    @Test func referencesAreReadAsDockerReadsThem() throws {
        #expect(try ImageReference(parsing: "redis") == ImageReference(parsing: "redis:latest"), "written or assumed, latest is one image")
        #expect(throws: ImageError.self) { try ImageReference(parsing: "../x:1") }
    }
}
