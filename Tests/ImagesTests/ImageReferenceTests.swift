import Images
import Testing

/// References are normalised as containerd and Docker do, and anything else is refused.
struct ImageReferenceTests {
    @Test(arguments: [
        ("redis", "docker.io/library/redis:latest"),
        ("redis:7.2", "docker.io/library/redis:7.2"),
        ("bitnami/redis:7.2.4-debian-12-r0", "docker.io/bitnami/redis:7.2.4-debian-12-r0"),
        ("docker.io/redis", "docker.io/library/redis:latest"),
        ("index.docker.io/library/redis:7", "docker.io/library/redis:7"),
        ("quay.io/jetstack/cert-manager-controller:v1.14.4", "quay.io/jetstack/cert-manager-controller:v1.14.4"),
        ("registry.corp:5000/team/app:1.2", "registry.corp:5000/team/app:1.2"),
        ("localhost/app:1", "localhost/app:1"),
        ("localhost:5000/a/b/c:1", "localhost:5000/a/b/c:1"),
        ("127.0.0.1:5000/x:1", "127.0.0.1:5000/x:1"),
        ("ghcr.io/x/y@sha256:" + String(repeating: "a", count: 64), "ghcr.io/x/y@sha256:" + String(repeating: "a", count: 64)),
        ("x/y:1.0@sha256:" + String(repeating: "b", count: 64), "docker.io/x/y:1.0@sha256:" + String(repeating: "b", count: 64)),
        ("registry.k8s.io/metrics-server/metrics-server:v0.7.1", "registry.k8s.io/metrics-server/metrics-server:v0.7.1"),
        ("a__b/c-d.e:1", "docker.io/a__b/c-d.e:1"),
    ])
    func normalises(_ text: String, _ expected: String) throws {
        #expect(try ImageReference(parsing: text).description == expected)
    }

    @Test(arguments: [
        "", "Redis:1", "redis:", "redis@sha256:abc", "redis@md5:" + String(repeating: "a", count: 32), "a//b", "-a/b", "a/b-",
        "host:99999/x:1", "redis:" + String(repeating: "a", count: 129), "re dis", "a/b:.tag", "x/y@sha256:" + String(repeating: "A", count: 64),
        "a/b\u{1b}[31m:1", "a/\u{0600}b:1",
    ])
    func refuses(_ text: String) {
        #expect(throws: ImageError.self) { try ImageReference(parsing: text) }
    }

    @Test func namesAndRegistryHost() throws {
        let pinned = try ImageReference(parsing: "redis:7.2@sha256:" + String(repeating: "c", count: 64))
        #expect(pinned.names == ["docker.io/library/redis:7.2", "docker.io/library/redis@sha256:" + String(repeating: "c", count: 64)])
        #expect(pinned.registryHost == "registry-1.docker.io")
        #expect(pinned.lookup.hasPrefix("sha256:"))
        #expect(!pinned.isFloating)
        let floating = try ImageReference(parsing: "redis")
        #expect(floating.isFloating && floating.tagDefaulted)
        #expect(try ImageReference(parsing: "redis:latest").isFloating)
        #expect(try ImageReference(parsing: "quay.io/a/b:1").registryHost == "quay.io")
    }

    @Test func listFilesAreReadLineByLineWithLocations() throws {
        let text = "# k0s airgap list-images\nquay.io/k0sproject/pause:3.9\n\n  docker.io/coredns/coredns:1.11.1  # dns\r\n"
        let images = try ImageList.parse(text, file: "k0s-images.txt")
        #expect(images.map(\.reference.description) == ["quay.io/k0sproject/pause:3.9", "docker.io/coredns/coredns:1.11.1"])
        #expect(images.map(\.sources) == [["k0s-images.txt:2"], ["k0s-images.txt:4"]])
        let error = #expect(throws: ImageError.self) { try ImageList.parse("ok:1\nNot A Ref\n", file: "f") }
        #expect(error?.code == .imageListInvalid)
        #expect(error?.subject == "f:2")
    }
}
