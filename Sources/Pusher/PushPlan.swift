import BundleFormat
import Content
import Diagnostics
import Foundation
import OCI

/// One artifact to push: its blobs (files in the verified staging folder), then its manifests,
/// children before the root, and the tags the root gets.
struct PushItem {
    enum Kind: String { case chart, image }
    var kind: Kind
    /// As the bundle names it (`oci://…/charts/app` 1.2.3, or an image reference).
    var source: String
    var repository: String
    var blobs: [(descriptor: Descriptor, file: String)]
    /// Manifests by digest, children first; the last is the root.
    var manifests: [(descriptor: Descriptor, data: Data)]
    var tags: [String]
    var root: Descriptor
}

/// What a push must refuse before it sends anything (where things go is `MirrorTarget`'s).
enum PushPlan {
    /// Two sources that would land on one repository and tag with different content.
    static func collisions(_ items: [PushItem]) throws(PushError) {
        var seen: [String: PushItem] = [:]
        for item in items {
            for tag in item.tags {
                let key = "\(item.repository):\(tag)"
                if let other = seen[key], other.root.digest != item.root.digest {
                    throw PushError(.collision, key, reason: "would hold both \(Escaped(other.source)) (\(other.root.digest)) and \(Escaped(item.source)) (\(item.root.digest))",
                                    hint: "Push into another --prefix, or rebuild the bundle without one of them.")
                }
                seen[key] = item
            }
        }
    }
}
