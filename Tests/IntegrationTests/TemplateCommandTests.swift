import Foundation
import Testing

/// `bundle template`: a chart (folder or .tgz) printed as `helm template` prints it, and a
/// chart that refuses its values named at template:line:column.
@Suite(.needsTestEnvironment) struct TemplateCommandTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    func chart(_ folder: String, deployment: String) throws -> String {
        let chart = folder + "/web"
        try FileManager.default.createDirectory(atPath: chart + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: \"2.0\"\n".write(toFile: chart + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "image:\n  repository: registry.corp/web\n  tag: \"\"\n".write(toFile: chart + "/values.yaml", atomically: true, encoding: .utf8)
        try deployment.write(toFile: chart + "/templates/deployment.yaml", atomically: true, encoding: .utf8)
        try "{{- define \"web.image\" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end }}\n"
            .write(toFile: chart + "/templates/_helpers.tpl", atomically: true, encoding: .utf8)
        try "Installed {{ .Release.Name }}\n".write(toFile: chart + "/templates/NOTES.txt", atomically: true, encoding: .utf8)
        return chart
    }

    @Test func printsEachDocumentWithItsSource() throws {
        let folder = env.scratch()
        let chart = try chart(folder, deployment: "kind: Deployment\nimage: {{ include \"web.image\" . }}\n---\n---\nkind: Service\nname: {{ .Release.Name }}\n")
        try "image:\n  tag: \"3.1\"\n".write(toFile: folder + "/v.yaml", atomically: true, encoding: .utf8)
        let run = try env.bundle(["template", chart, "-f", folder + "/v.yaml", "--name", "rel"])
        #expect(run.status == 0, "\(run.stderr)")
        // In Helm's install order, the Service before the Deployment; and split as Helm's separator
        // pattern splits: the white space after `---` is the separator's, so the second `---`
        // starts no line and stays in the Service's document, as `helm template` prints it.
        #expect(run.stdout == "---\n# Source: web/templates/deployment.yaml\n---\nkind: Service\nname: rel\n---\n# Source: web/templates/deployment.yaml\nkind: Deployment\nimage: registry.corp/web:3.1\n",
                "\(run.stdout)")
        // The same chart as an archive.
        #expect(try env.tool(["tar", "-czf", folder + "/web.tgz", "-C", folder, "web"]).status == 0)
        let archive = try env.bundle(["template", folder + "/web.tgz", "-f", folder + "/v.yaml", "--name", "rel"])
        #expect(archive.status == 0 && archive.stdout == run.stdout, "\(archive.stdout)\(archive.stderr)")
        // CRDs (crds/, never templated) come first with --include-crds, and not without it.
        try FileManager.default.createDirectory(atPath: chart + "/crds", withIntermediateDirectories: true)
        try "kind: CustomResourceDefinition\nname: {{ not templated }}\n".write(toFile: chart + "/crds/things.yaml", atomically: true, encoding: .utf8)
        let crds = try env.bundle(["template", chart, "-f", folder + "/v.yaml", "--name", "rel", "--include-crds"])
        #expect(crds.stdout == "---\n# Source: web/crds/things.yaml\nkind: CustomResourceDefinition\nname: {{ not templated }}\n\n" + run.stdout, "\(crds.stdout)")
        #expect(try env.bundle(["template", chart, "-f", folder + "/v.yaml", "--name", "rel"]).stdout == run.stdout)
        // The YAML reader's own environment switch neither changes the output nor writes into
        // it (Yams printed a line to stdout per document it read with YAMS_DEFAULT_ENCODING set).
        let switched = try env.bundle(["template", chart, "-f", folder + "/v.yaml", "--name", "rel"], environment: ["YAMS_DEFAULT_ENCODING": "utf16"])
        #expect(switched.status == 0 && switched.stdout == run.stdout, "\(switched.stdout)\(switched.stderr)")
    }

    @Test func aChartThatRefusesItsValuesSaysWhere() throws {
        let folder = env.scratch()
        let chart = try chart(folder, deployment: "kind: Deployment\nhost: {{ required \"ingress.host is required\" .Values.ingress }}\n")
        let run = try env.bundle(["template", chart])
        #expect(run.status == 1 && run.stdout.isEmpty, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("web/templates/deployment.yaml:2:") && run.stderr.contains("ingress.host is required"), "\(run.stderr)")
    }

    /// A k0s config: each release rendered as k0s installs it (its chart fetched into the cache
    /// over the registry's TLS, its values, name and namespace), one release with --release, as
    /// JSON with --json; a release the chart refuses fails naming the config's line.
    @Test func aConfigsReleasesRenderAsK0sInstallsThem() throws {
        let folder = env.scratch()
        let anonymous = env.registry("anonymous")
        func config(_ values: String) -> String {
            """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            metadata: {name: k0s}
            spec:
              extensions:
                helm:
                  repositories:
                    - {name: anonymous, url: "oci://\(anonymous)", caFile: "\(env.file.caFile)"}
                  charts:
                    - {name: web, chartname: "oci://\(anonymous)/charts/webapp", version: 0.3.0, namespace: apps, values: "\(values)"}
                    - {name: other, chartname: "oci://\(anonymous)/charts/webapp", version: 0.3.0, namespace: tools}
            """
        }
        try config("image: {tag: '7.7'}").write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let run = try env.bundle(["template", folder + "/k0s.yaml", "--cache-dir", folder + "/cache"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("name: web-web") && run.stdout.contains("images/web:7.7") && run.stdout.contains("name: other-web"), "\(run.stdout)")
        #expect(run.stdout.hasPrefix("---\n# Source: webapp/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n"), "\(run.stdout.prefix(200))")

        let one = try env.bundle(["template", folder + "/k0s.yaml", "--cache-dir", folder + "/cache", "--release", "other", "--json"])
        let releases = one.json?["releases"] as? [[String: Any]] ?? []
        #expect(one.status == 0 && releases.map { $0["release"] as? String } == ["other"] && releases.first?["namespace"] as? String == "tools", "\(one.stdout)")
        let kinds = (releases.first?["manifests"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "?" }
        #expect(kinds == ["Deployment", "CronJob", ""], "Helm's order, the test hook last: \(kinds)")

        try config("image: {repository: null}").write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let refused = try env.bundle(["template", folder + "/k0s.yaml", "--cache-dir", folder + "/cache", "--release", "web"])
        #expect(refused.status == 1 && refused.stderr.contains("k0s.yaml:") && refused.stderr.contains("webapp needs image.repository"), "\(refused.stderr)")
        let unknown = try env.bundle(["template", folder + "/k0s.yaml", "--release", "nope", "--cache-dir", folder + "/cache"])
        #expect(unknown.status != 0 && unknown.stderr.contains("nope") && unknown.stderr.contains("web, other"), "\(unknown.stderr)")
    }
}
