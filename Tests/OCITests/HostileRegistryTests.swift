import Content
import Foundation
import HTTP
import Testing
import TestSupport
@testable import OCI

/// What a broken or hostile registry can serve is bounded and named: index fan-out, layer
/// counts, schema 1; and a mirror's refusals of a push say what to do (Harbor's missing
/// project, a user without push access).
@Suite struct HostileRegistryTests {
    static let zero = "sha256:" + String(repeating: "0", count: 64)

    /// A registry that serves `manifest` (as `mediaType`) for every manifest request, and
    /// answers anything else with `other`.
    static func serving(_ manifest: String, mediaType: String, other: (Int, String) = (404, "")) -> ScriptedTransport {
        ScriptedTransport { request in
            if request.url.path.contains("/manifests/") {
                return (200, [("Content-Type", mediaType)], Data(manifest.utf8))
            }
            return (other.0, [("Content-Type", "application/json")], Data(other.1.utf8))
        }
    }

    static func descriptor(_ mediaType: String, platform: String? = nil) -> String {
        let platformJSON = platform.map { #","platform":{"os":"linux","architecture":"\#($0)"}"# } ?? ""
        return #"{"mediaType":"\#(mediaType)","digest":"\#(zero)","size":2\#(platformJSON)}"#
    }

    func resolve(_ transport: ScriptedTransport) -> RegistryError? {
        #expect(throws: RegistryError.self) {
            let client = try RegistryClient(registry: "r.example:5000", tls: TLSSettings(), transport: transport)
            _ = try ImagePuller(client: client).resolve(repository: "team/app", lookup: "1.0", shown: "r.example:5000/team/app:1.0",
                                                      platforms: PlatformChoice(platforms: [Platform(os: "linux", architecture: "amd64")]))
        }
    }

    @Test func anIndexOfTooManyEntriesIsRefused() {
        let entries = (0..<300).map { _ in Self.descriptor(MediaType.imageManifest, platform: "amd64") }.joined(separator: ",")
        let index = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageIndex)","manifests":[\#(entries)]}"#
        let error = resolve(Self.serving(index, mediaType: MediaType.imageIndex))
        #expect(error?.code == .tooLarge && error?.reason.contains("300 manifests, more than the 256 allowed") == true, "\(String(describing: error))")
    }

    @Test func aManifestOfTooManyLayersIsRefused() {
        let layers = (0..<600).map { _ in Self.descriptor("application/vnd.oci.image.layer.v1.tar+gzip") }.joined(separator: ",")
        let manifest = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageManifest)","config":\#(Self.descriptor(MediaType.imageConfig)),"layers":[\#(layers)]}"#
        let error = resolve(Self.serving(manifest, mediaType: MediaType.imageManifest))
        #expect(error?.code == .tooLarge && error?.reason.contains("600 layers, more than the 512 allowed") == true, "\(String(describing: error))")
    }

    @Test func aSchema1ManifestIsRefusedSayingWhatItIs() {
        let manifest = #"{"schemaVersion":1,"name":"team/app","tag":"1.0","fsLayers":[]}"#
        let error = resolve(Self.serving(manifest, mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws"))
        #expect(error?.code == .unsupported && error?.reason.contains("Docker schema 1") == true, "\(String(describing: error))")
    }

    func push(_ status: Int, _ body: String, credentials: Credentials? = nil) -> RegistryError? {
        let transport = ScriptedTransport { request in
            request.method == "HEAD" ? (404, [], Data()) : (status, [("Content-Type", "application/json")], Data(body.utf8))
        }
        return #expect(throws: RegistryError.self) {
            let client = try RegistryClient(registry: "harbor.corp", tls: TLSSettings(), credentials: credentials, transport: transport)
            let descriptor = Descriptor(mediaType: "application/octet-stream", digest: Digest(sha256Hex: String(repeating: "0", count: 64)), size: 2)
            _ = try client.pushBlob(repository: "missing/charts/app", descriptor: descriptor, file: "/dev/null", mountFrom: nil)
        }
    }

    @Test(arguments: [404, 403]) func harborsMissingProjectIsSaid(_ status: Int) {
        let error = push(status, #"{"errors":[{"code":"NOT_FOUND","message":"project missing not found"}]}"#)
        #expect(error?.code == .repositoryNotFound && error?.reason.contains("missing/charts/app: the project does not exist") == true, "\(String(describing: error))")
        #expect(error?.hint.contains("Create the project") == true)
    }

    @Test func aUserWithoutPushAccessIsNamedWithTheRepository() {
        let error = push(403, #"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
                         credentials: Credentials(username: "ci", password: "secret"))
        #expect(error?.code == .accessDenied && error?.reason.contains("pushing to missing/charts/app was refused (HTTP 403)") == true, "\(String(describing: error))")
        #expect(error?.hint.contains("User \"ci\"") == true && error?.hint.contains("push access to missing/charts/app") == true)
        #expect(error.map { !"\($0.reason) \($0.hint)".contains("secret") } == true)
    }
}
