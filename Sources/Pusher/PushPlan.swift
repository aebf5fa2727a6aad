import BundleFormat
import Diagnostics
import Foundation
import OCI

/// Where a mirror is: `oci://HOST[:PORT][/PREFIX]`.
public struct MirrorTarget: Sendable, CustomStringConvertible {
    public var registry: String
    public var prefix: String

    public init(parsing text: String) throws(PushError) {
        guard text.hasPrefix("oci://") else {
            throw PushError(.invalidTarget, text, reason: "is not oci://HOST[:PORT][/PREFIX]", hint: "Write the mirror as oci://registry.corp:5000/mirror.")
        }
        let rest = text.dropFirst("oci://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let host = rest.first, ChartReference.isValidRegistry(host) else {
            throw PushError(.invalidTarget, text, reason: "has no usable registry host", hint: "Write the mirror as oci://registry.corp:5000/mirror.")
        }
        let prefix = rest.dropFirst().joined(separator: "/")
        guard prefix.isEmpty || ChartReference.isValidRepository(prefix) else {
            throw PushError(.invalidTarget, text, reason: "has prefix \"\(Escaped(prefix))\", which is not a repository path (lower-case letters, digits, . _ -, separated by /)",
                            hint: "Choose another prefix.")
        }
        registry = host
        self.prefix = prefix
    }

    public var description: String { "oci://\(registry)\(prefix.isEmpty ? "" : "/" + prefix)" }

    /// The mirror's repository for a path: `PREFIX/path`.
    public func repository(_ path: String) -> String { prefix.isEmpty ? path : "\(prefix)/\(path)" }
}

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
        if chart.reference.hasPrefix("oci://"), let reference = try? ChartReference(parsing: chart.reference) {
            return target.repository(reference.repository)
        }
        return target.repository("charts/\(chart.name)")
    }

    static func imageRepository(_ reference: String, target: MirrorTarget) -> (repository: String, tag: String?)? {
        // The bundle's references are normalised: domain/path[:tag][@digest].
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let domain = rest[..<slash].replacingOccurrences(of: ":", with: "_").lowercased()
        return (target.repository("\(domain)/\(rest[rest.index(after: slash)...])"), tag)
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
