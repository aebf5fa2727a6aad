import Foundation
import HelmTemplate
@testable import Images
import Testing

/// Images from the render: what the release's pods run, wherever the pod spec sits; test hooks,
/// disabled subcharts and annotations as a platform engineer expects; a release Helm refuses
/// throws, and a chart the engine cannot render falls back to reading its values, saying why.
struct RenderedImagesTests {
    let release = ChartRender.Release(name: "rel", namespace: "apps")

    static let workloads = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - {name: init, image: "{{ .Values.registry }}/init:1"}
              containers:
                - name: app
                  image: "{{ .Values.registry }}/app:{{ .Values.tag | default .Chart.AppVersion }}"
        {{- if .Values.metrics.enabled }}
                - name: exporter
                  image: "{{ .Values.registry }}/exporter:2"
        {{- end }}
        ---
        apiVersion: batch/v1
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: job
                      image: "{{ .Values.registry }}/app:{{ .Values.tag | default .Chart.AppVersion }}"
        ---
        apiVersion: example.com/v1
        kind: Operand
        spec:
          podTemplate:
            spec:
              ephemeralContainers: [{name: debug, image: "{{ .Values.registry }}/debug:3"}]
        """

    @Test func imagesAreWhatThePodsRun() throws {
        let chart = try ChartImagesTests.chart(
            values: "registry: reg.example\ntag: \"\"\nmetrics:\n  enabled: false\n  image: reg.example/exporter:2\n",
            templates: ["workloads.yaml": Self.workloads,
                        "tests/check.yaml": "metadata:\n  annotations:\n    helm.sh/hook: test-success\nspec:\n  containers: [{name: t, image: busybox:1}]\n"])
        let found = try RenderedImages(chart: chart, releaseValues: "tag: \"2.2\"\n", release: release)
        #expect(found.images.map(\.reference.description) == ["reg.example/init:1", "reg.example/app:2.2", "reg.example/debug:3"])
        #expect(found.images.first { $0.reference.description == "reg.example/app:2.2" }?.sources == ["app/templates/workloads.yaml"])
        #expect(found.skipped == ["app/templates/tests/check.yaml (busybox:1): a Helm test hook (helm test runs it, an install does not)"])
        #expect(found.undetermined.isEmpty)

        // A k0s config's values are its first document, as k0s reads them; a chart's values.yaml
        // is every document (Helm's LoadValues).
        let twoDocuments = try RenderedImages(chart: chart, releaseValues: "tag: \"2.3\"\n---\ntag: \"9.9\"\n", release: release)
        #expect(twoDocuments.images.map(\.reference.description).contains("reg.example/app:2.3"), "\(twoDocuments.images)")
        let layered = try ChartImagesTests.chart(values: "registry: reg.example\ntag: \"1\"\nmetrics:\n  enabled: false\n---\ntag: \"4\"\n", templates: ["workloads.yaml": Self.workloads])
        #expect(try RenderedImages(chart: layered, releaseValues: nil, release: release).images.map(\.reference.description).contains("reg.example/app:4"))

        let metrics = try RenderedImages(chart: chart, releaseValues: "metrics:\n  enabled: true\n", release: release)
        #expect(metrics.images.map(\.reference.description).contains("reg.example/exporter:2"))
        #expect(metrics.images.map(\.reference.description).contains("reg.example/app:2.1.0"), "an empty tag is the chart's appVersion")
    }

    @Test func subchartsAnnotationsAndBadReferences() throws {
        let chart = try ChartImagesTests.chart(
            values: "db:\n  enabled: false\nempty: \"\"\n",
            templates: ["pod.yaml": "spec:\n  containers:\n    - {name: a, image: \"{{ .Values.empty }}\"}\n    - {name: b}\n"],
            chartExtra: "annotations:\n  artifacthub.io/images: |\n    - name: operand\n      image: quay.io/org/operand:5\n"
                + "dependencies:\n  - {name: db, version: 1.0.0, condition: db.enabled}\n",
            subcharts: ["db": ["Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.0\n",
                               "templates/sts.yaml": "spec:\n  containers: [{name: db, image: postgres:16}]\n"]])
        let found = try RenderedImages(chart: chart, releaseValues: nil, release: release)
        #expect(found.images.map(\.reference.description) == ["quay.io/org/operand:5"])
        #expect(found.images.first?.sources == ["app annotation artifacthub.io/images"])
        #expect(found.skipped == ["app subchart db: its condition db.enabled is false"])
        #expect(found.undetermined.count == 2 && found.undetermined.allSatisfy { $0.hasPrefix("app/templates/pod.yaml: image \"\" ") }, "\(found.undetermined)")

        let on = try RenderedImages(chart: chart, releaseValues: "db:\n  enabled: true\n", release: release)
        #expect(on.images.first { $0.reference.description == "docker.io/library/postgres:16" }?.sources == ["app/charts/db/templates/sts.yaml"])
    }

    @Test func aRefusalThrowsAndAGapFallsBackToTheValues() throws {
        let refusing = try ChartImagesTests.chart(templates: ["pod.yaml": "image: {{ required \"set image\" .Values.image }}\n"])
        #expect {
            try ReleaseImages(chart: refusing, releaseValues: nil, release: release)
        } throws: { ($0 as? TemplateError)?.kind == .failed && ($0 as? TemplateError)?.message.contains("set image") == true }

        let invalid = try ChartImagesTests.chart(templates: ["pod.yaml": "spec: [unclosed\n"])
        #expect(throws: TemplateError.self) { try ReleaseImages(chart: invalid, releaseValues: nil, release: release) }

        let gap = try ChartImagesTests.chart(values: "image: nginx:1.27\n",
                                             templates: ["pod.yaml": "spec:\n  containers: [{name: a, image: {{ .Values.image | quote }}}]\n# {{ dateInZone \"15:04\" (now) \"Europe/Berlin\" }}\n"])
        let read = try ReleaseImages(chart: gap, releaseValues: nil, release: release)
        #expect(read.fallback?.contains("app/templates/pod.yaml:3:5") == true && read.fallback?.contains("the time zone Europe/Berlin") == true, "\(read.fallback ?? "-")")
        #expect(read.images.map(\.reference.description) == ["docker.io/library/nginx:1.27"], "read from the values instead")

        let notRendered = try ReleaseImages(chart: refusing, releaseValues: nil, release: nil)
        #expect(notRendered.fallback == nil, "--no-render reads values without trying")
    }

    /// A chart that picks its image by the cluster's version renders as it will on the node.
    @Test func theKubernetesVersionSwitchesImages() throws {
        let chart = try ChartImagesTests.chart(templates: ["pod.yaml": """
            spec:
              containers:
                - name: proxy
                  image: {{ if semverCompare ">=1.33-0" .Capabilities.KubeVersion.GitVersion }}proxy:2{{ else }}proxy:1{{ end }}
            """])
        let old = try RenderedImages(chart: chart, releaseValues: nil, release: .init(name: "r", namespace: "n", kubeVersion: "1.31.4"))
        let new = try RenderedImages(chart: chart, releaseValues: nil, release: .init(name: "r", namespace: "n"))
        #expect(old.images.map(\.reference.description) == ["docker.io/library/proxy:1"])
        #expect(new.images.map(\.reference.description) == ["docker.io/library/proxy:2"])
        #expect(KubeVersion.parse("v1.34.1+k0s.0") == "1.34.1" && KubeVersion.parse("1.30") == "1.30.0" && KubeVersion.parse("latest") == nil)
    }

    /// An operator's operand images passed as arguments (cert-manager's ACME solver) are bundled
    /// too: the operator starts those pods itself; flags naming no fixed image are not images.
    @Test func operandImagesPassedAsArguments() throws {
        let chart = try ChartImagesTests.chart(templates: ["controller.yaml": """
            spec:
              template:
                spec:
                  containers:
                    - name: controller
                      image: quay.io/jetstack/controller:v1.18.0
                      args:
                        - --acme-http01-solver-image=quay.io/jetstack/acmesolver:v1.18.0
                        - --image-pull-policy=IfNotPresent
                        - --default-image=busybox
                        - --v=2
            """])
        let found = try RenderedImages(chart: chart, releaseValues: nil, release: release)
        #expect(Set(found.images.map(\.reference.description)) == ["quay.io/jetstack/controller:v1.18.0", "quay.io/jetstack/acmesolver:v1.18.0"])
        #expect(found.images.first { $0.reference.description.contains("acmesolver") }?.sources == ["app/templates/controller.yaml (--acme-http01-solver-image)"])
    }

    /// A chart carrying a file bundle does not read (larger than it reads, or a binary) still
    /// renders and gives its images; only a template that reads that file is a gap.
    @Test func aLargeFileOnlyFilesReadsIsLeftOut() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/templates", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/files", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: big\nversion: 1.0.0\n".write(toFile: folder + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "spec:\n  containers: [{name: a, image: nginx:1.27}]\n".write(toFile: folder + "/templates/pod.yaml", atomically: true, encoding: .utf8)
        try Data(count: 5 << 20).write(to: URL(fileURLWithPath: folder + "/files/blob.bin"))
        let chart = try ChartFiles(folder: folder)
        let found = try RenderedImages(chart: chart, releaseValues: nil, release: release)
        #expect(found.images.map(\.reference.description) == ["docker.io/library/nginx:1.27"])

        try "data: {{ .Files.Get \"files/blob.bin\" | len }}\n".write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        #expect { try RenderedImages(chart: try ChartFiles(folder: folder), releaseValues: nil, release: release) } throws: {
            ($0 as? TemplateError)?.kind == .unsupported && "\($0)".contains("files/blob.bin")
        }
        // A small binary (bytes that are not UTF-8): the engine's strings are text, so `b64enc`
        // of it could not give Helm's bytes. Printing it is the gap; finding images reads it as
        // empty (its bytes say nothing of images) and keeps the render.
        try Data([0x89, 0x50, 0x4E, 0x47, 0xFF, 0xFE, 0x00, 0xC3]).write(to: URL(fileURLWithPath: folder + "/files/key.jks"))
        try "data: {{ .Files.Get \"files/key.jks\" | b64enc }}\n".write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        #expect(try RenderedImages(chart: try ChartFiles(folder: folder), releaseValues: nil, release: release).images.count == 1)
        #expect { try ChartRender(files: try ChartFiles(folder: folder).renderFiles).render(values: [], release: release) } throws: {
            ($0 as? TemplateError)?.kind == .unsupported && "\($0)".contains("files/key.jks") && "\($0)".contains("not UTF-8")
        }
        try "data: {{ .Files.Get \"files/note.txt\" | b64enc }}\n".write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        try "caf\u{E9}\n".write(toFile: folder + "/files/note.txt", atomically: true, encoding: .utf8)
        #expect(try RenderedImages(chart: try ChartFiles(folder: folder), releaseValues: nil, release: release).images.count == 1)
        let rendered = try ChartRender(files: try ChartFiles(folder: folder).renderFiles).render(values: [], release: release)
        #expect(rendered["big/templates/cm.yaml"] == "data: Y2Fmw6kK\n", "UTF-8 text is read: \(rendered)")
        // Read as a ConfigMap's data, too: the gap, never `blob.bin: <nil>` written into it.
        try "data: {{ (.Files.Glob \"files/*\").AsConfig | nindent 2 }}\n".write(toFile: folder + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        #expect { try RenderedImages(chart: try ChartFiles(folder: folder), releaseValues: nil, release: release) } throws: {
            ($0 as? TemplateError)?.kind == .unsupported && "\($0)".contains("files/blob.bin")
        }
    }
}
