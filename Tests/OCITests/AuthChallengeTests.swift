import Testing
@testable import OCI

@Suite struct AuthChallengeTests {
    @Test func bearerWithAllParameters() {
        let header = #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:charts/app:pull""#
        #expect(AuthChallenge(header: header) == .bearer(realm: "https://auth.example.com/token", service: "registry.example.com", scope: "repository:charts/app:pull"))
    }

    @Test func scopeWithCommasInQuotes() {
        let header = #"Bearer realm="https://a/t", scope="repository:x/y:pull,push", service=reg"#
        #expect(AuthChallenge(header: header) == .bearer(realm: "https://a/t", service: "reg", scope: "repository:x/y:pull,push"))
    }

    @Test(arguments: [
        (#"Basic realm="Registry Realm""#, AuthChallenge.basic(realm: "Registry Realm")),
        ("basic", .basic(realm: nil)),
        (#"Negotiate abc"#, .unknown(scheme: "Negotiate")),
    ])
    func otherSchemes(header: String, expected: AuthChallenge) {
        #expect(AuthChallenge(header: header) == expected)
    }

    @Test func bearerWithoutRealmIsRejected() {
        #expect(AuthChallenge(header: #"Bearer service="x""#) == nil)
        #expect(AuthChallenge(header: "") == nil)
    }

    @Test func linkPagination() {
        #expect(RegistryClient.nextLink([#"</v2/a/tags/list?n=2&last=b>; rel="next""#]) == "/v2/a/tags/list?n=2&last=b")
        #expect(RegistryClient.nextLink([#"<https://x/prev>; rel="prev", </next>; rel="next""#]) == "/next")
        #expect(RegistryClient.nextLink([#"</x>; rel="prev""#]) == nil)
        #expect(RegistryClient.nextLink([]) == nil)
    }

    @Test(arguments: [
        ("1.2.7", ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0", "1.10.1"], ["1.0.0", "1.2.0", "1.2.5", "1.3.0", "1.10.1"]),
        ("0.1.0", ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0", "1.10.1"], ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0"]),
        ("9.0.0", ["1.0.0", "2.0.0"], ["1.0.0", "2.0.0"]),
    ])
    func nearestVersions(requested: String, available: [String], expected: [String]) {
        #expect(VersionSelection.nearest(to: requested, among: available) == expected)
    }
}
