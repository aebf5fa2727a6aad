import Content
import Foundation
import HTTP
import Testing
import TestSupport
@testable import OCI

@Suite struct RegistryClientTests {
    static let manifestData = Data(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:\#(String(repeating: "0", count: 64))","size":2},"layers":[]}"#.utf8)

    func authorization(_ request: HTTPRequest) -> String? {
        request.headers.first { $0.name == "Authorization" }?.value
    }

    @Test func bearerTokenIsFetchedOnceAndReusedForItsScope() throws {
        let transport = ScriptedTransport { request in
            if request.url.host == "auth.example" {
                #expect(request.url.query?.contains("scope=repository:charts/app:pull") == true)
                #expect(request.url.query?.contains("service=reg") == true)
                return (200, [], Data(#"{"token":"t0k3n"}"#.utf8))
            }
            guard request.headers.contains(where: { $0.name == "Authorization" && $0.value == "Bearer t0k3n" }) else {
                return (401, [("WWW-Authenticate", #"Bearer realm="https://auth.example/token",service="reg",scope="repository:charts/app:pull""#)], Data())
            }
            return (200, [], Data(#"{"tags":["1.0.0"]}"#.utf8))
        }
        let client = try RegistryClient(registry: "r.example:5000", tls: TLSSettings(), transport: transport)
        #expect(try client.tags(repository: "charts/app") == ["1.0.0"])
        #expect(try client.tags(repository: "charts/app") == ["1.0.0"])
        #expect(client.tokenFetches == 1)
        // challenge, token, retry, then the second call goes straight through
        #expect(transport.requests.count == 4)
    }

    @Test func basicCredentialsAreSentOnlyAfterTheChallenge() throws {
        let transport = ScriptedTransport { request in
            let expected = "Basic " + Data("u:p".utf8).base64EncodedString()
            if request.headers.contains(where: { $0.name == "Authorization" && $0.value == expected }) {
                return (200, [], Data(#"{"tags":[]}"#.utf8))
            }
            return (401, [("WWW-Authenticate", #"Basic realm="r""#)], Data())
        }
        let client = try RegistryClient(
            registry: "r.example", tls: TLSSettings(), credentials: Credentials(username: "u", password: "p"), transport: transport)
        _ = try client.tags(repository: "a")
        _ = try client.tags(repository: "a")
        #expect(authorization(transport.requests[0]) == nil)
        #expect(transport.requests.count == 3)
    }

    @Test func missingCredentialsForBasicAuthSayWhatToDo() throws {
        let transport = ScriptedTransport { _ in (401, [("WWW-Authenticate", #"Basic realm="r""#)], Data()) }
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport)
        let error = #expect(throws: RegistryError.self) { try client.tags(repository: "a") }
        #expect(error?.code == .credentialsRequired)
        #expect(error?.description.contains("r.example") == true)
        #expect(error?.description.contains("--username") == true)
    }

    @Test func manifestRequestsSendTheOCIAcceptHeader() throws {
        let transport = ScriptedTransport { _ in (200, [], Self.manifestData) }
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport)
        let fetched = try client.manifest(repository: "charts/app", reference: "1.0.0")
        let accept = transport.requests[0].headers.first { $0.name == "Accept" }?.value ?? ""
        #expect(accept.contains(MediaType.imageManifest))
        #expect(accept.contains(MediaType.imageIndex))
        #expect(fetched.digest == Digest.sha256(of: Self.manifestData))
    }

    @Test func manifestWhoseBytesDoNotMatchTheRequestedDigestIsRefused() throws {
        let transport = ScriptedTransport { _ in (200, [], Self.manifestData) }
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport)
        let wanted = "sha256:" + String(repeating: "1", count: 64)
        let error = #expect(throws: RegistryError.self) { try client.manifest(repository: "charts/app", reference: wanted) }
        #expect(error?.code == .digestMismatch)
    }

    @Test func manifestWhoseDockerContentDigestDisagreesIsRefused() throws {
        let transport = ScriptedTransport { _ in
            (200, [("Docker-Content-Digest", "sha256:" + String(repeating: "2", count: 64))], Self.manifestData)
        }
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport)
        let error = #expect(throws: RegistryError.self) { try client.manifest(repository: "charts/app", reference: "1.0.0") }
        #expect(error?.code == .digestMismatch)
    }

    @Test func blobOfTheWrongDigestIsDeleted() throws {
        let transport = ScriptedTransport { _ in (200, [], Data("not what was promised".utf8)) }
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport)
        let path = NSTemporaryDirectory() + "/blob-\(UUID().uuidString)"
        let descriptor = Descriptor(mediaType: MediaType.helmChartContent, digest: Digest.sha256(of: Data("x".utf8)), size: 21)
        let error = #expect(throws: RegistryError.self) { try client.fetchBlob(repository: "a", descriptor: descriptor, to: path) }
        #expect(error?.code == .digestMismatch)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func tagPaginationStopsAtThePageLimit() throws {
        let transport = ScriptedTransport { _ in (200, [("Link", #"</v2/a/tags/list?last=x>; rel="next""#)], Data(#"{"tags":["x"]}"#.utf8)) }
        var limits = RegistryClient.Limits()
        limits.tagListPages = 3
        let client = try RegistryClient(registry: "r.example", tls: TLSSettings(), transport: transport, limits: limits)
        let error = #expect(throws: RegistryError.self) { try client.tags(repository: "a") }
        #expect(error?.code == .tooManyTagPages)
        #expect(transport.requests.count == 3)
    }
}
