import Foundation
import Testing

/// A bundle built from a k0sctl `Cluster` file gives the node a k0s ClusterConfig (what k0s
/// reads), while the whole rewritten Cluster file stays available through `inspect --config`.
@Suite(.needsTestEnvironment) struct K0sctlBundleTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    @Test func theNodeGetsTheClusterConfigAndTheOperatorTheClusterFile() throws {
        let folder = env.scratch()
        let registry = env.registry("anonymous")
        try """
            apiVersion: k0sctl.k0sproject.io/v1beta1
            kind: Cluster
            metadata:
              name: prod
            spec:
              hosts:
                - role: controller
                  ssh:
                    address: 10.0.0.1
                    user: admin
              k0s:
                version: v1.34.1+k0s.0
                config:
                  spec:
                    extensions:
                      helm:
                        repositories:
                          - name: registry
                            url: oci://\(registry)
                            caFile: \(env.file.caFile)
                        charts:
                          - name: web
                            chartname: oci://\(registry)/charts/app
                            version: 1.2.5
                            namespace: apps
            """.write(toFile: folder + "/cluster.yaml", atomically: true, encoding: .utf8)
        #expect(try env.bundle(["keygen", "--out", folder + "/k"]).status == 0)
        let build = try env.bundle(["build", folder + "/cluster.yaml", "--sign-key", folder + "/k.key", "-o", folder + "/b.tar.gz", "--cache-dir", folder + "/cache"])
        #expect(build.status == 0, "\(build.stderr)")

        let root = folder + "/node"
        let install = try env.bundle(["install", folder + "/b.tar.gz", "--trust", folder + "/k.pub", "--root", root])
        #expect(install.status == 0, "\(install.stderr)")
        let config = try String(contentsOfFile: root + "/etc/k0s/k0s.yaml", encoding: .utf8)
        #expect(config.hasPrefix("apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: prod\n"), "\(config)")
        #expect(!config.contains("hosts:") && !config.contains("ssh:") && config.contains("chartname: /var/lib/k0s/charts/app-1.2.5.tgz"), "\(config)")
        #expect(try env.tool([env.validator, root + "/etc/k0s/k0s.yaml"]).status == 0)
        // The next install reads the node's config as a ClusterConfig, and finds nothing to change.
        let again = try env.bundle(["install", folder + "/b.tar.gz", "--trust", folder + "/k.pub", "--root", root, "--json"])
        #expect(again.status == 0 && again.json?["status"] as? String == "unchanged", "\(again.stdout)\(again.stderr)")

        let inspect = try env.bundle(["inspect", folder + "/b.tar.gz", "--config"])
        #expect(inspect.status == 0 && inspect.stdout.contains("kind: Cluster\n") && inspect.stdout.contains("address: 10.0.0.1"), "\(inspect.stdout)\(inspect.stderr)")
        #expect(inspect.stdout.contains("chartname: /var/lib/k0s/charts/app-1.2.5.tgz"), "\(inspect.stdout)")
    }
}
