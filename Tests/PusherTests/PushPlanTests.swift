import Content
import OCI
@testable import Pusher
import Testing

/// Two artifacts of a bundle that would land on one repository and tag of the mirror with
/// different content are refused before anything is sent, naming both.
struct PushPlanTests {
    static func item(_ source: String, content: Character, tag: String = "1.0.0") -> PushItem {
        let root = Descriptor(mediaType: MediaType.imageManifest, digest: Digest(sha256Hex: String(repeating: content, count: 64)), size: 2)
        return PushItem(kind: .chart, source: source, repository: "corp/charts/app", blobs: [], manifests: [], tags: [tag], root: root)
    }

    @Test func twoSourcesOnOneRepositoryAndTagAreRefusedNamingBoth() {
        let error = #expect(throws: PushError.self) {
            try PushPlan.collisions([Self.item("oci://a.example/charts/app 1.0.0", content: "a"), Self.item("oci://b.example/charts/app 1.0.0", content: "b")])
        }
        #expect(error?.code == .collision && error?.subject == "corp/charts/app:1.0.0", "\(String(describing: error))")
        #expect(error?.reason.contains("oci://a.example/charts/app 1.0.0") == true && error?.reason.contains("oci://b.example/charts/app 1.0.0") == true)
    }

    @Test func theSameContentTwiceOrAnotherTagIsNoCollision() throws {
        try PushPlan.collisions([Self.item("oci://a.example/charts/app 1.0.0", content: "a"), Self.item("oci://a.example/charts/app 1.0.0", content: "a")])
        try PushPlan.collisions([Self.item("oci://a.example/charts/app 1.0.0", content: "a"), Self.item("oci://b.example/charts/app 2.0.0", content: "b", tag: "2.0.0")])
    }
}
