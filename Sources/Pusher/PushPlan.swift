import BundleFormat
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

/// The mapping from a bundle to a mirror, documented in the README: charts at
/// `PREFIX/<their repository path>` tagged with their version (`+` as `_`), images at
/// `PREFIX/<source host>/<path>` (a port's `:` written `_`), with their tag and digest.
enum PushPlan {
    static func chartRepository(_ chart: BundleManifest.Chart, target: MirrorTarget) -> String {
        target.chartRepository(reference: chart.reference, name: chart.name)
    }

    static func imageRepository(_ reference: String, target: MirrorTarget) -> (repository: String, tag: String?)? {
        target.imageRepository(reference: reference).map { ($0.repository, $0.tag) }
    }

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
