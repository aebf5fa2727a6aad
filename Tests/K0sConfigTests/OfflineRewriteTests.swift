import Foundation
import Testing
@testable import K0sConfig

@Suite struct OfflineRewriteTests {
    /// full-default.yaml (k0s config create) with a helm section that has repositories and charts.
    static func fullDefaultWithCharts() throws -> String {
        let original = try String(contentsOfFile: Fixtures.example("full-default.yaml"), encoding: .utf8)
        let helm = """
                helm:
                  concurrencyLevel: 5
                  # the company registry, CA from the platform team
                  repositories:
                    - name: corp
                      url: oci://registry.corp:5443
                      caFile: /etc/corp/ca.crt
                      username: ci
                      password: hunter2
                      certFile: /etc/corp/client.crt
                      keyfile: /etc/corp/client.key
                    - name: stable
                      url: https://charts.example.com
                  charts:
                    - name: ingress
                      chartname: oci://registry.corp:5443/platform/ingress
                      version: "^4.2"
                      namespace: ingress
                      order: 1
                      timeout: 10m
                      values: |
                        controller:
                          replicas: 2   
                          note: "quoted # not a comment"
                    - name: tools
                      chartname: stable/tools
                      version: "1.0.0"
                      namespace: tools
                      values: "no newline at end"
            """
        return original.replacingOccurrences(of: "    helm:\n      concurrencyLevel: 5\n", with: helm + "\n")
    }

    static let placement = OfflinePlacement(
        chartPaths: ["ingress": "/var/lib/k0s/charts/ingress-4.2.7.tgz"],
        versions: ["ingress": "4.2.7"],
        caFiles: ["corp": "/var/lib/k0s/bundle/certs/corp.crt", "stable": "/var/lib/k0s/bundle/certs/stable.crt"])

    @Test func fullDefaultKeepsEveryNonHelmLine() throws {
        let input = try Self.fullDefaultWithCharts()
        let config = try Fixtures.parse(input)
        let (output, _) = try config.offlineConfig(Self.placement)
        if ProcessInfo.processInfo.environment["SHOW_REWRITE"] != nil { print(output) }
        func outsideHelm(_ text: String) -> [Substring] {
            var lines: [Substring] = []
            var inHelm = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "    helm:" { inHelm = true; continue }
                if inHelm, line.prefix(while: { $0 == " " }).count <= 4, !line.trimmingCharacters(in: .whitespaces).isEmpty { inHelm = false }
                if !inHelm { lines.append(line) }
            }
            return lines
        }
        #expect(outsideHelm(output) == outsideHelm(input))
        #expect(output.hasPrefix("# From k0s docs/configuration.md"))
        let (status, report) = try Fixtures.validate(output)
        #expect(status == 0, "k0s-validate-config: \(report)\n\(output)")
    }

    @Test func chartsPointAtLocalFilesAndRepositoriesAreTrimmed() throws {
        let config = try Fixtures.parse(try Self.fullDefaultWithCharts())
        let (output, warnings) = try config.offlineConfig(Self.placement)
        let rewritten = try Fixtures.parse(output)
        let ingress = try #require(rewritten.charts.first { $0.name == "ingress" })
        #expect(ingress.chartname == "/var/lib/k0s/charts/ingress-4.2.7.tgz")
        #expect(ingress.version == "4.2.7")
        #expect(ingress.source == .localFile("/var/lib/k0s/charts/ingress-4.2.7.tgz"))
        // "corp" served only the bundled chart; "stable" still serves tools (not bundled).
        #expect(rewritten.repositories.map(\.name) == ["stable"])
        #expect(rewritten.repositories[0].caFile == nil)  // it had none; nothing invented
        #expect(!output.contains("hunter2") && !output.contains("client.key") && !output.contains("username"))
        #expect(warnings.isEmpty)  // the dropped repository was not needed, so no secret was "lost"
        #expect(output.contains("values: \"no newline at end\"") || output.contains("values: no newline at end"))
    }

    @Test func remainingRepositoriesLoseSecretsWithAWarningAndGetTheInstalledCA() throws {
        let config = try Fixtures.parse(try Self.fullDefaultWithCharts())
        let (output, warnings) = try config.offlineConfig(OfflinePlacement(caFiles: ["corp": "/var/lib/k0s/bundle/certs/corp.crt"]))
        let rewritten = try Fixtures.parse(output)
        let corp = try #require(rewritten.repository(named: "corp"))
        #expect(corp.caFile == "/var/lib/k0s/bundle/certs/corp.crt")
        #expect(corp.username == nil && corp.password == nil && corp.certFile == nil && corp.keyFile == nil)
        #expect(warnings.contains { $0.code == .droppedForOffline && $0.message.contains("password") })
        #expect(!output.contains("hunter2"))
    }

    @Test(arguments: [
        "replicas: 2\n", "trailing spaces   \nnext\n", "no newline", "two newlines\n\n", "  leading spaces\n",
        "tab\there\n", "unicode: ünïcödé ✓\n", "# a comment-looking line\nkey: \"x\"\n", "", "a: 'single'\nb: \"double\" # c\n",
    ])
    func valuesStayByteForByte(values: String) throws {
        let escaped = values.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "\\n"
            case "\t": return "\\t"
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return String(scalar)
            }
        }.joined()
        let config = try Fixtures.parse("""
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  charts:
                    - name: app
                      chartname: oci://r.example/charts/app
                      namespace: apps
                      values: "\(escaped)"
            """)
        #expect(config.charts.count == 1)
        let (output, _) = try config.offlineConfig(OfflinePlacement(chartPaths: ["app": "/var/lib/k0s/charts/app-1.0.0.tgz"], versions: ["app": "1.0.0"]))
        #expect(K0sConfig.valuesStrings(in: output) == [values])
    }

    @Test func shortFormBecomesACompleteClusterConfig() throws {
        let config = try Fixtures.parse("""
            repositories:
              - name: private-registry
                url: oci://registry.example.com
                caFile: /path/to/ca.crt
            extensions:
              helm:
                charts:
                  - chartname: oci://registry.example.com/namespace/chart-name
                    name: my-chart
            """)
        let (output, _) = try config.offlineConfig(OfflinePlacement(
            chartPaths: ["my-chart": "/var/lib/k0s/charts/chart-name-1.2.3.tgz"], versions: ["my-chart": "1.2.3"]))
        let rewritten = try Fixtures.parse(output)
        #expect(rewritten.format == .clusterConfig)
        #expect(rewritten.charts[0].namespace == "default")
        #expect(rewritten.charts[0].version == "1.2.3")
        #expect(rewritten.repositories.isEmpty)
        let (status, report) = try Fixtures.validate(output)
        #expect(status == 0, "k0s-validate-config: \(report)\n\(output)")
    }

    @Test func k0sctlWrapperIsKept() throws {
        let input = """
            apiVersion: k0sctl.k0sproject.io/v1beta1
            kind: Cluster
            metadata:
              name: prod # production
            spec:
              hosts:
                - role: controller
                  ssh:
                    address: 10.0.0.1
              k0s:
                config:
                  apiVersion: k0s.k0sproject.io/v1beta1
                  kind: ClusterConfig
                  spec:
                    extensions:
                      helm:
                        charts:
                          - name: app
                            chartname: oci://r.example/charts/app
                            namespace: apps
                    telemetry:
                      enabled: false
            """
        let config = try Fixtures.parse(input)
        let (output, _) = try config.offlineConfig(OfflinePlacement(chartPaths: ["app": "/var/lib/k0s/charts/app-1.0.0.tgz"], versions: ["app": "1.0.0"]))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(16) == input.split(separator: "\n", omittingEmptySubsequences: false).prefix(16))
        #expect(output.hasSuffix("        telemetry:\n          enabled: false"))
        let rewritten = try Fixtures.parse(output)
        #expect(rewritten.format == .k0sctl)
        #expect(rewritten.charts[0].chartname == "/var/lib/k0s/charts/app-1.0.0.tgz")
    }

    @Test func commentsAndFormattingInsideTheHelmSectionSurvive() throws {
        let input = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  # registries of the platform team
                  repositories:
                    - name: corp   # the main one
                      url: oci://registry.corp:5443
                      caFile: /etc/corp/ca.crt  # from the PKI team
                      username: ci
                      password: |
                        multi
                        line
                    - name: unused
                      # nothing uses this one
                      url: oci://other.corp
                    - name: stable
                      url: https://charts.example.com
                  charts:
                    # the ingress, pinned
                    - name: ingress
                      chartname: oci://registry.corp:5443/platform/ingress # pinned by digest upstream
                      namespace: ingress
                    - name: tools
                      chartname: oci://registry.corp:5443/platform/tools
                      version: '^1.0'
                      namespace: tools
                    - name: legacy
                      chartname: stable/legacy
                      namespace: legacy
            """
        let config = try Fixtures.parse(input)
        let (output, warnings) = try config.offlineConfig(OfflinePlacement(
            chartPaths: ["ingress": "/var/lib/k0s/charts/ingress-4.2.7.tgz", "tools": "/var/lib/k0s/charts/tools-1.4.0.tgz"],
            versions: ["ingress": "4.2.7", "tools": "1.4.0"],
            caFiles: ["corp": "/var/lib/k0s/bundle/certs/corp.crt"]))
        for comment in ["# registries of the platform team", "# the ingress, pinned", "# pinned by digest upstream"] {
            #expect(output.contains(comment), "lost \(comment):\n\(output)")
        }
        #expect(output.contains("chartname: /var/lib/k0s/charts/ingress-4.2.7.tgz # pinned by digest upstream"))
        #expect(output.contains("      chartname: /var/lib/k0s/charts/ingress-4.2.7.tgz # pinned by digest upstream\n          version: \"4.2.7\"\n") || output.contains("version: \"4.2.7\""))
        #expect(output.contains("version: \"1.4.0\""))
        #expect(!output.contains("unused") && !output.contains("nothing uses this one"))
        #expect(!output.contains("corp   # the main one"), "corp is not needed once both its charts are local")
        let rewritten = try Fixtures.parse(output)
        #expect(rewritten.repositories.map(\.name) == ["stable"])
        #expect(rewritten.charts.first { $0.name == "legacy" }?.chartname == "stable/legacy")
        #expect(warnings.isEmpty)
        let (status, report) = try Fixtures.validate(output)
        #expect(status == 0, "k0s-validate-config: \(report)\n\(output)")
    }

    @Test func keptRepositoryLosesSecretLinesButKeepsItsComments() throws {
        let input = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: corp   # the main one
                      url: oci://registry.corp:5443
                      caFile: /etc/corp/ca.crt  # from the PKI team
                      username: ci
                      password: |
                        multi
                        line
                      keyfile: /etc/corp/client.key
                  charts:
                    - name: online
                      chartname: oci://registry.corp:5443/platform/online
                      namespace: apps
            """
        let (output, warnings) = try Fixtures.parse(input).offlineConfig(OfflinePlacement(caFiles: ["corp": "/var/lib/k0s/bundle/certs/corp.crt"]))
        #expect(output.contains("- name: corp   # the main one"))
        #expect(output.contains("caFile: /var/lib/k0s/bundle/certs/corp.crt  # from the PKI team"))
        #expect(!output.contains("username") && !output.contains("multi") && !output.contains("client.key"))
        #expect(warnings.contains { $0.code == .droppedForOffline })
        #expect(try Fixtures.validate(output).0 == 0)
    }

    @Test func flowStyleFallsBackToARegeneratedHelmSection() throws {
        let input = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm: {charts: [{name: app, chartname: "oci://r.example/charts/app", namespace: apps}]}
              telemetry:
                enabled: false
            """
        let (output, _) = try Fixtures.parse(input).offlineConfig(OfflinePlacement(chartPaths: ["app": "/var/lib/k0s/charts/app-1.0.0.tgz"], versions: ["app": "1.0.0"]))
        let rewritten = try Fixtures.parse(output)
        #expect(rewritten.charts[0].chartname == "/var/lib/k0s/charts/app-1.0.0.tgz")
        #expect(output.hasSuffix("  telemetry:\n    enabled: false"))
        #expect(try Fixtures.validate(output).0 == 0)
    }
}

/// A config saved with Windows line endings is valid YAML: it must rewrite exactly like its
/// LF twin and keep its line endings (it used to trap: "\r\n" is one Swift Character).
@Suite struct CRLFConfigTests {
    static func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }

    @Test func aCRLFConfigRewritesLikeItsLFTwin() throws {
        let lf = try OfflineRewriteTests.fullDefaultWithCharts()
        let placement = OfflineRewriteTests.placement
        let (lfOutput, lfWarnings) = try Fixtures.parse(lf).offlineConfig(placement)
        let (crlfOutput, crlfWarnings) = try Fixtures.parse(Self.crlf(lf)).offlineConfig(placement)
        #expect(crlfOutput == Self.crlf(lfOutput), "the CRLF rewrite is the LF one with CRLF line endings")
        #expect(crlfWarnings.map(\.code) == lfWarnings.map(\.code))
        #expect(try Fixtures.parse(crlfOutput).charts.map(\.chartname) == Fixtures.parse(lfOutput).charts.map(\.chartname))
    }

    @Test func aCRLFShortFormBecomesACRLFClusterConfig() throws {
        let text = Self.crlf("repositories:\n  - name: corp\n    url: oci://r.test\nextensions:\n  helm:\n    charts:\n      - name: app\n        chartname: oci://r.test/charts/app\n        version: 1.0.0\n")
        let (output, _) = try Fixtures.parse(text).offlineConfig(OfflinePlacement(chartPaths: ["app": "/var/lib/k0s/charts/app-1.0.0.tgz"], versions: ["app": "1.0.0"]))
        #expect(output.contains("kind: ClusterConfig\r\n"))
        #expect(!output.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        #expect(try Fixtures.parse(output).charts.first?.chartname == "/var/lib/k0s/charts/app-1.0.0.tgz")
    }
}
