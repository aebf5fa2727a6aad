import Content
import Testing
@testable import OCI

@Suite struct ChartReferenceTests {
    @Test(arguments: [
        ("oci://registry.example.com/namespace/chart-name", "registry.example.com", "namespace/chart-name", nil as String?),
        ("oci://127.0.0.1:5443/charts/app:1.2.3", "127.0.0.1:5443", "charts/app", "1.2.3"),
        ("oci://localhost:5000/a/b/c/app:1.2.3+build.1", "localhost:5000", "a/b/c/app", "1.2.3_build.1"),
        ("oci://[::1]:5000/charts/app", "[::1]:5000", "charts/app", nil),
        ("oci://r.io/my_org/app.v2", "r.io", "my_org/app.v2", nil),
        ("oci://r.io/a__b/c---d", "r.io", "a__b/c---d", nil),
    ])
    func parses(text: String, registry: String, repository: String, tag: String?) throws {
        let reference = try ChartReference(parsing: text)
        #expect(reference.registry == registry)
        #expect(reference.repository == repository)
        #expect(reference.tag == tag)
        #expect(reference.digest == nil)
    }

    @Test func parsesDigest() throws {
        let hex = String(repeating: "ab", count: 32)
        let reference = try ChartReference(parsing: "oci://r.io:443/charts/app:1.0.0@sha256:\(hex)")
        #expect(reference.tag == "1.0.0")
        #expect(reference.digest == Digest("sha256:\(hex)"))
        #expect(reference.chartName == "app")
        #expect(reference.description == "oci://r.io:443/charts/app:1.0.0@sha256:\(hex)")
    }

    @Test(arguments: [
        "https://r.io/charts/app", "oci://r.io", "oci://r.io/", "oci://r.io/Charts/app", "oci://r.io/charts//app",
        "oci://r.io/charts/app@sha256:1234", "oci://r.io:99999/app", "oci://r.io/app:.bad", "oci://r.io/-app",
        "oci://r.io/a...b", "oci://r.io/a___b", "oci://bad host/app", "stable/app",
    ])
    func rejects(text: String) {
        #expect(throws: RegistryError.self) { try ChartReference(parsing: text) }
        do { _ = try ChartReference(parsing: text) } catch { #expect(error.code == .invalidReference) }
    }

    @Test func digests() {
        #expect(Digest("sha256:" + String(repeating: "0", count: 64)) != nil)
        #expect(Digest("sha256:" + String(repeating: "A", count: 64)) == nil)
        #expect(Digest("md5:abc") == nil)
        #expect(Digest.sha256(of: Data("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

import Foundation
