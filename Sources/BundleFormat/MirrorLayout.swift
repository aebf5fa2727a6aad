import Content
/// Where a bundle's content lives in a mirror (`bundle push` writes it there, `install
/// --mirror` points k0s and containerd at it), so that the two cannot disagree:
/// charts at `PREFIX/<their repository path>` tagged with their version (`+` as `_`), images at
/// `PREFIX/<source host>/<path>` (a port's `:` written `_`) with their tag and digest.
public struct MirrorTarget: Sendable, Equatable, CustomStringConvertible {
    /// `host[:port]`.
    public var registry: String
    /// The repository path prefix, "" for none.
    public var prefix: String

    /// Parses `oci://HOST[:PORT][/PREFIX]`; nil, with `problem` saying why, when it is not that.
    public init?(parsing text: String) {
        guard Self.problem(with: text) == nil else { return nil }
        let rest = text.dropFirst("oci://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        registry = rest[0]
        prefix = rest.dropFirst().joined(separator: "/")
    }

    public static func problem(with text: String) -> String? {
        guard text.hasPrefix("oci://") else { return "is not oci://HOST[:PORT][/PREFIX]" }
        let rest = text.dropFirst("oci://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let host = rest.first, RegistryHost.isNamed(host) else { return "has no usable registry host[:port]" }
        for component in rest.dropFirst() where !isComponent(component) {
            return "has prefix component \"\(component.prefix(80))\", which is not lower-case letters, digits and . _ -"
        }
        return nil
    }

    public var description: String { "oci://\(registry)\(prefix.isEmpty ? "" : "/" + prefix)" }

    /// The mirror's repository for a path: `PREFIX/path`.
    public func repository(_ path: String) -> String { prefix.isEmpty ? path : "\(prefix)/\(path)" }

    /// A chart's repository in the mirror: its own repository path (from `oci://host/path`), or
    /// `charts/<name>` for a chart from a classic repository.
    public func chartRepository(reference: String, name: String) -> String {
        guard reference.hasPrefix("oci://") else { return repository("charts/\(name)") }
        var path = reference.dropFirst("oci://".count).split(separator: "/").dropFirst().joined(separator: "/")
        if let at = path.firstIndex(of: "@") { path = String(path[..<at]) }
        if let colon = path.lastIndex(of: ":") { path = String(path[..<colon]) }
        return repository(path)
    }

    /// The folder an image registry's images go under in the mirror: `host_port`.
    public static func hostFolder(_ host: String) -> String { host.replacingOccurrences(of: ":", with: "_").lowercased() }

    /// An image's repository in the mirror and its tag, from its normalised reference.
    public func imageRepository(reference: String) -> (repository: String, host: String, tag: String?)? {
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let host = String(rest[..<slash])
        return (repository("\(Self.hostFolder(host))/\(rest[rest.index(after: slash)...])"), host, tag)
    }

    /// An image reference as `bundle build` writes them (`host[:port]/path[:tag][@sha256:hex]`):
    /// checked again before its host becomes a folder name or text in a containerd file.
    public static func isValidImageReference(_ text: String) -> Bool {
        guard text.utf8.count <= 512, let slash = text.firstIndex(of: "/"), RegistryHost.isNamed(String(text[..<slash])) else { return false }
        let rest = text[text.index(after: slash)...]
        return !rest.isEmpty && !rest.contains("//") && !rest.split(separator: "/").contains { $0 == ".." || $0 == "." }
            && rest.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || [0x2E, 0x5F, 0x2D, 0x2F, 0x3A, 0x40].contains($0) }
    }

    static func isComponent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }
}
