import Content
import Foundation
import Testing
@testable import K0sConfig

@Suite struct LoadingTests {
    @Test(arguments: ["docs-extensions.yaml", "openebs-http-repo.yaml", "full-default.yaml"])
    func fixtureConfigsLoad(name: String) throws {
        let path = Fixtures.example(name)
        if name == "full-default.yaml" {
            // A ClusterConfig whose helm section has no charts is still a valid config.
            let config = try K0sConfig.load(path: path)
            #expect(config.charts.isEmpty)
            return
        }
        let config = try K0sConfig.load(path: path)
        #expect(config.format == .clusterConfig)
        #expect(!config.charts.isEmpty)
    }

    @Test func docsExampleIsReadAsK0sReadsIt() throws {
        let config = try K0sConfig.load(path: Fixtures.example("docs-extensions.yaml"))
        #expect(config.repositories.map(\.name) == ["stable", "prometheus-community", "oci-registry-with-private-ca"])
        let tls = try #require(config.repository(named: "oci-registry-with-private-ca"))
        #expect(tls.keyFile == "/path/to/client.key")  // written keyFile, the schema's keyfile
        #expect(config.charts.map(\.name) == ["prometheus-stack", "oci-chart", "oci-chart-with-tls", "tgz-chart"])
        #expect(config.charts[0].source == .repository(name: "prometheus-community", chart: "prometheus"))
        #expect(config.charts[1].source == .oci(try ChartReference(parsing: "oci://registry:8080/chart"), repository: nil))
        #expect(config.charts[2].source == .oci(try ChartReference(parsing: "oci://registry-with-private-ca.com:8080/chart"), repository: "oci-registry-with-private-ca"))
        #expect(config.charts[3].source == .localFile("/tmp/chart.tgz"))
        #expect(config.problems.contains { $0.code == .systemTrustStore && $0.location?.line == 33 && $0.path == "spec.extensions.helm.charts[1].chartname" })
    }

    @Test func traefikTypoFailsNamingTheLineOfChart() throws {
        let error = #expect(throws: ConfigError.self) { try K0sConfig.load(path: Fixtures.example("traefik-typo-invalid.yaml")) }
        let problem = try #require(error?.errors.first)
        #expect(error?.errors.count == 1)
        #expect(problem.code == .unknownKey)
        #expect(problem.location?.line == 24)
        #expect(problem.location?.column == 11)
        #expect(problem.path == "spec.extensions.helm.charts[1].chart")
        #expect(problem.message.contains("did you mean \"chartname\""))
        #expect(error?.description.contains("traefik-typo-invalid.yaml:24:11") == true)
    }

    @Test func chartCustomResourceIsNotAConfig() {
        let error = #expect(throws: ConfigError.self) { try K0sConfig.load(path: Fixtures.example("chart-cr.yaml")) }
        #expect(error?.errors.first?.code == .notAConfig)
        #expect(error?.description.contains("Chart helm.k0sproject.io/v1beta1") == true)
    }

    @Test func shortFormFromTheDesign() throws {
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
        #expect(config.format == .shortForm)
        #expect(config.charts[0].source == .oci(try ChartReference(parsing: "oci://registry.example.com/namespace/chart-name"), repository: "private-registry"))
        #expect(config.charts[0].namespace == nil)
        #expect(config.charts[0].version == nil)
        #expect(config.problems.contains { $0.code == .defaultNamespace && $0.message.contains("default") })
    }

    @Test func k0sctlClusterCarriesTheConfig() throws {
        let config = try Fixtures.parse("""
            apiVersion: k0sctl.k0sproject.io/v1beta1
            kind: Cluster
            metadata:
              name: prod
            spec:
              hosts:
                - role: controller
                  ssh:
                    address: 10.0.0.1
              k0s:
                version: v1.34.1+k0s.0
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
            """)
        #expect(config.format == .k0sctl)
        #expect(config.charts.map(\.name) == ["app"])
    }

    @Test func multiDocumentFileWithOneConfig() throws {
        let config = try Fixtures.parse("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: apps
            ---
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  charts:
                    - name: app
                      chartname: oci://r.example/charts/app
                      namespace: apps
            """)
        #expect(config.charts.first?.location.line == 12)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let problems = Fixtures.problems("""
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: stable
                      url: https://charts.example.com
                      keyFile: k.pem
                    - name: stable
                      url: ftp://nope
                  charts:
                    - name: Bad_Name
                      chartname: oci://r.example/charts/app
                      namespace: apps
                    - name: two
                      chart: stable/x
                      namespace: apps
                    - name: three
                      chartname: missing/x
                    - name: three
                      chartname: oci://r.example/charts/app
                      version: 1.10
                      namespace: apps
                      values:
                        replicas: 2
            """)
        let codes = problems.filter { $0.severity == .error }.map(\.code)
        #expect(codes.contains(.duplicateName))              // repository "stable" twice
        #expect(codes.contains(.invalidReleaseName))         // Bad_Name
        #expect(codes.contains(.unknownKey))                 // chart:
        #expect(codes.contains(.missingKey))                 // chartname and namespace
        #expect(codes.contains(.undefinedRepository))        // missing/x
        #expect(codes.contains(.wrongType))                  // version: 1.10 and values mapping
        #expect(problems.allSatisfy { $0.severity != .error || $0.location != nil || $0.code == .missingKey })
        let version = problems.first { $0.path.hasSuffix(".version") }
        #expect(version?.message.contains("quote it") == true)
        #expect(version?.location?.line == 23)
    }

    @Test(arguments: [
        ("my-chart", true), ("a", true), ("a.b-c", true), ("1abc", true), (String(repeating: "a", count: 53), true),
        (String(repeating: "a", count: 54), false), ("My-Chart", false), ("-a", false), ("a-", false), ("a_b", false), ("", false), ("a..b", false),
    ])
    func releaseNames(name: String, valid: Bool) {
        #expect(K0sConfig.isValidReleaseName(name) == valid)
    }

    @Test(arguments: [
        ("chart", "chartname"), ("chartName", nil), ("versoin", "version"), ("namepsace", "namespace"), ("valeus", "values"), ("zzz", nil),
    ] as [(String, String?)])
    func suggestions(key: String, expected: String?) {
        if key == "chartName" {
            // k0s matches keys case-insensitively: chartName is chartname, not a typo.
            #expect(K0sConfig.chartKeys.contains { $0.lowercased() == key.lowercased() })
            return
        }
        #expect(NodeReader.suggestion(for: key, among: K0sConfig.chartKeys) == expected)
    }

    @Test func invalidYAMLNamesTheLine() {
        let problems = Fixtures.problems("spec:\n  extensions: [\n")
        #expect(problems.first?.code == .invalidYAML)
        #expect(problems.first?.location != nil)
    }
}

@Suite struct MatchingTests {
    static let text = """
        repositories:
          - name: registry
            url: oci://registry.corp:5443
          - name: team-a
            url: oci://registry.corp:5443/team-a
          - name: team-a-tools
            url: oci://registry.corp:5443/team-a/tools
          - name: other-port
            url: oci://registry.corp:6443
        extensions:
          helm:
            charts:
              - name: c1
                chartname: oci://registry.corp:5443/team-a/app
              - name: c2
                chartname: oci://registry.corp:5443/team-a/tools/lint
              - name: c3
                chartname: oci://registry.corp:5443/team-ab/app
              - name: c4
                chartname: oci://registry.corp:5443/app
              - name: c5
                chartname: oci://registry.corp/app
              - name: c6
                chartname: oci://REGISTRY.corp:6443/x/app
        """

    @Test(arguments: [("c1", "team-a"), ("c2", "team-a-tools"), ("c3", "registry"), ("c4", "registry"), ("c5", nil), ("c6", "other-port")] as [(String, String?)])
    func longestWholeSegmentPrefixWins(chart: String, repository: String?) throws {
        let config = try Fixtures.parse(Self.text)
        let entry = try #require(config.charts.first { $0.name == chart })
        guard case .oci(_, let matched) = entry.source else {
            Issue.record("not an OCI chart")
            return
        }
        #expect(matched == repository)
    }

    @Test func pathPrefixesWarnThatK0sRejectsThem() throws {
        let config = try Fixtures.parse(Self.text)
        #expect(config.problems.filter { $0.code == .pathPrefixRepository }.count == 2)
        #expect(config.problems.contains { $0.code == .systemTrustStore && $0.path.contains("charts[4]") })
    }

    @Test func relativeFilesResolveAgainstTheConfigFolderAndMissingOnesAreNamed() throws {
        let folder = Fixtures.folder(["certs/ca.crt": "-----BEGIN CERTIFICATE-----\n"])
        let config = try K0sConfig.parse(text: """
            repositories:
              - name: ok
                url: oci://a.example
                caFile: certs/ca.crt
              - name: broken
                url: oci://b.example
                caFile: certs/missing.crt
                certFile: client.crt
            extensions:
              helm:
                charts: []
            """, file: "k0s.yaml", directory: folder)
        let ok = try #require(config.repository(named: "ok"))
        #expect(ok.resolvedCAFile == folder + "/certs/ca.crt")
        #expect(config.fileProblems(for: ok).isEmpty)
        let broken = try #require(config.repository(named: "broken"))
        let problems = config.fileProblems(for: broken)
        #expect(problems.map(\.path) == ["repository \"broken\".caFile", "repository \"broken\".certFile", "repository \"broken\".keyfile"])
        #expect(problems[0].message.contains("certs/missing.crt") && problems[0].message.contains("does not exist"))
    }

    @Test(arguments: [("insecure: true", true), ("insecure: false", false), ("", false)])
    func insecureOnlyWhenWrittenTrue(line: String, insecure: Bool) throws {
        let config = try Fixtures.parse("""
            repositories:
              - name: r
                url: oci://r.example
                \(line)
            extensions:
              helm:
                charts: []
            """)
        #expect(config.repositories[0].insecure == insecure)
        #expect(config.repositories[0].tls.insecureSkipVerify == insecure)
    }
}

@Suite struct CredentialTests {
    func repository(_ text: String = "") throws -> RepositoryEntry {
        try Fixtures.parse("""
            repositories:
              - name: my-registry.corp
                url: oci://registry.corp:5443
            \(text)
            extensions:
              helm:
                charts: []
            """).repositories[0]
    }

    @Test func environmentVariablesNamedAfterTheRepository() throws {
        #expect(RegistryCredentials.variablePrefix(for: "my-registry.corp") == "BUNDLE_REPO_MY_REGISTRY_CORP")
        let found = RegistryCredentials(environment: ["HOME": "/nonexistent", "BUNDLE_REPO_MY_REGISTRY_CORP_USERNAME": "ci", "BUNDLE_REPO_MY_REGISTRY_CORP_PASSWORD": "s3cret"])
            .find(repository: try repository(), registry: "registry.corp:5443")
        #expect(found?.credentials == Credentials(username: "ci", password: "s3cret"))
        #expect(found?.source.contains("BUNDLE_REPO_MY_REGISTRY_CORP") == true)
    }

    @Test func dockerConfigAuths() throws {
        let auth = Data("robot:tok3n".utf8).base64EncodedString()
        let folder = Fixtures.folder(["config.json": #"{"auths":{"https://registry.corp:5443":{"auth":"\#(auth)"},"other":{"username":"x","password":"y"}}}"#])
        let found = RegistryCredentials(environment: ["HOME": "/nonexistent", "DOCKER_CONFIG": folder]).find(repository: nil, registry: "registry.corp:5443")
        #expect(found?.credentials == Credentials(username: "robot", password: "tok3n"))
        #expect(RegistryCredentials(environment: ["HOME": "/nonexistent", "DOCKER_CONFIG": folder]).find(repository: nil, registry: "nope:1") == nil)
    }
}

extension CredentialTests {
    @Test func dockerCredentialHelpersAreAsked() throws {
        let folder = Fixtures.folder([
            "config.json": #"{"credHelpers":{"registry.corp:5443":"bundletest"},"auths":{"registry.corp:5443":{"auth":"\#(Data("wrong:wrong".utf8).base64EncodedString())"}}}"#,
            "bin/docker-credential-bundletest": "#!/bin/sh\nread host\n[ \"$host\" = registry.corp:5443 ] || exit 1\necho '{\"ServerURL\":\"registry.corp:5443\",\"Username\":\"helper-user\",\"Secret\":\"helper-secret\"}'\n",
        ])
        chmod(folder + "/bin/docker-credential-bundletest", 0o755)
        let environment = ["HOME": "/nonexistent", "DOCKER_CONFIG": folder, "PATH": folder + "/bin:/usr/bin:/bin"]
        let found = RegistryCredentials(environment: environment).find(repository: nil, registry: "registry.corp:5443")
        #expect(found?.credentials == Credentials(username: "helper-user", password: "helper-secret"))
        // A registry with neither a helper nor an auths entry has no credentials.
        let other = RegistryCredentials(environment: environment).find(repository: nil, registry: "other.corp")
        #expect(other == nil)
    }
}

extension RegistryCredentials.Found: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.credentials == b.credentials && a.source == b.source }
}
