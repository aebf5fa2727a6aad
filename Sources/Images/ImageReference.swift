import Content
import Foundation
import OCI

/// A container image reference, normalised as containerd and Docker normalise it:
/// `redis` is `docker.io/library/redis:latest`, `ghcr.io/x/y@sha256:…` keeps its digest and
/// gets no tag. The full form is the name containerd gives an imported image, so it is the
/// name the bundle's OCI layout records.
public struct ImageReference: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `docker.io`, `registry.corp:5000`, `localhost:5000`.
    public var domain: String
    /// The repository path, `library/redis`, `team/app`.
    public var path: String
    public var tag: String?
    /// `sha256:<64 hex>`.
    public var digest: String?
    /// True when the text named neither tag nor digest, so `latest` was assumed.
    public var tagDefaulted = false

    public init(domain: String, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// Parses `text` as Docker's reference grammar reads it, normalising the domain and
    /// `library/`; refuses anything else with the reason.
    public init(parsing text: String) throws(ImageError) {
        let raw = text.trimmingCharacters(in: .whitespaces)
        guard !raw.isEmpty, raw.utf8.count <= 512 else {
            throw ImageError(.invalidImageReference, raw.isEmpty ? "(empty)" : String(raw.prefix(80)) + "…",
                             reason: raw.isEmpty ? "is empty" : "is longer than 512 bytes")
        }
        var rest = Substring(raw)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = String(rest[rest.index(after: at)...])
            guard Self.isValidDigest(value) else {
                throw ImageError(.invalidImageReference, raw, reason: "has a digest that is not sha256:<64 lower-case hex digits>")
            }
            digest = value
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        if let tag, !Self.isValidTag(tag) {
            throw ImageError(.invalidImageReference, raw, reason: "has tag \"\(tag)\", which is not [A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var domain = "docker.io"
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            domain = first
            components.removeFirst()
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        guard RegistryHost.isNamed(domain) else {
            throw ImageError(.invalidImageReference, raw, reason: "has registry \"\(domain)\", which is not a host name or host:port")
        }
        if domain == "docker.io", components.count == 1 { components.insert("library", at: 0) }
        for component in components where !Self.isValidComponent(component) {
            throw ImageError(.invalidImageReference, raw,
                             reason: component.isEmpty ? "has an empty path component" : "has path component \"\(component)\": lower-case letters, digits and single separators (. _ __ -) only")
        }
        self.init(domain: domain, path: components.joined(separator: "/"), tag: tag ?? (digest == nil ? "latest" : nil), digest: digest)
        tagDefaulted = tag == nil && digest == nil
    }

    /// `domain/path`, without tag or digest.
    public var name: String { "\(domain)/\(path)" }

    /// The full reference: `domain/path[:tag][@digest]`.
    public var description: String {
        name + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    /// The names the node's containerd should know this image by: the tagged form and, where
    /// the reference pins a digest, the digest form.
    public var names: [String] {
        var names: [String] = []
        if let tag { names.append("\(name):\(tag)") }
        if let digest { names.append("\(name)@\(digest)") }
        return names
    }

    /// Where the image is pulled from: Docker Hub's API host for `docker.io`.
    public var registryHost: String { domain == "docker.io" ? "registry-1.docker.io" : domain }

    /// What the registry is asked for: the digest when pinned, else the tag.
    public var lookup: String { digest ?? tag ?? "latest" }

    /// Pods of such an image default to `imagePullPolicy: Always`, which fails offline.
    public var isFloating: Bool { digest == nil && (tag == nil || tag == "latest") }

    public static func < (a: ImageReference, b: ImageReference) -> Bool { a.description < b.description }

    /// The same image whether `latest` was written or assumed: only what names it counts.
    public static func == (a: ImageReference, b: ImageReference) -> Bool {
        a.domain == b.domain && a.path == b.path && a.tag == b.tag && a.digest == b.digest
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(path)
        hasher.combine(tag)
        hasher.combine(digest)
    }

    /// sha256 only: the digest a registry is asked for and a bundle verifies by.
    static func isValidDigest(_ text: String) -> Bool { Digest(text)?.algorithm == "sha256" }

    static func isValidTag(_ text: String) -> Bool { ChartReference.isValidTag(text) }


    static func isValidComponent(_ text: String) -> Bool { !text.contains("/") && ChartReference.isValidRepository(text) }
}
