import Foundation

/// A chart reference `oci://host[:port]/path/name[:tag][@sha256:…]`, validated as the
/// distribution spec defines repository names and tags.
public struct ChartReference: Sendable, Hashable, CustomStringConvertible {
    /// `host` or `host:port` (IPv6 in brackets), as written.
    public var registry: String
    /// Repository path inside the registry, like `charts/app`.
    public var repository: String
    /// The tag as written (with `+` already turned into `_`, as Helm stores it).
    public var tag: String?
    public var digest: Digest?

    /// The chart's name: the repository's last path segment.
    public var chartName: String { String(repository.split(separator: "/").last ?? Substring(repository)) }

    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses a reference; the error says what is wrong and shows the expected form.
    public init(parsing text: String) throws(RegistryError) {
        let form = "Write it as oci://HOST[:PORT]/PATH/CHART, optionally with :VERSION or @sha256:DIGEST."
        // The subject is the reference as given (there is no registry yet to name).
        let subject = String(text.prefix(200))
        guard text.hasPrefix("oci://") else {
            let looksLikeHost = text.split(separator: "/").first.map { $0.contains(".") || $0.contains(":") || $0 == "localhost" } ?? false
            throw RegistryError(.invalidReference, registry: subject, reason: "is not an OCI chart reference (no oci://)",
                                hint: looksLikeHost && !text.contains("://") ? "Write it as oci://\(subject)." : form)
        }
        var rest = Substring(text.dropFirst("oci://".count))
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            let digestText = String(rest[rest.index(after: at)...])
            guard let parsed = Digest(digestText) else {
                throw RegistryError(
                    .invalidReference, registry: subject, reason: "\"\(digestText)\" is not a digest",
                    hint: "A digest is sha256: followed by 64 lower-case hex digits.")
            }
            digest = parsed
            rest = rest[..<at]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw RegistryError(.invalidReference, registry: subject, reason: "names no chart", hint: form)
        }
        let registry = String(rest[..<slash])
        var path = rest[rest.index(after: slash)...]
        var tag: String?
        if let colon = path.lastIndex(of: ":") {
            tag = String(path[path.index(after: colon)...]).replacingOccurrences(of: "+", with: "_")
            path = path[..<colon]
        }
        guard Self.isValidRegistry(registry) else {
            throw RegistryError(.invalidReference, registry: registry, reason: "\"\(registry)\" in \(text) is not a host or host:port", hint: form)
        }
        let repository = String(path)
        guard Self.isValidRepository(repository) else {
            throw RegistryError(
                .invalidReference, registry: registry, reason: "\"\(repository)\" in \(text) is not a valid repository path",
                hint: "Path segments are lower-case letters and digits, separated by '.', '_', '__' or '-'.")
        }
        if let tag, !Self.isValidTag(tag) {
            throw RegistryError(
                .invalidReference, registry: registry, reason: "\"\(tag)\" in \(text) is not a valid tag",
                hint: "A tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.")
        }
        self.init(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    public var description: String {
        var text = "oci://\(registry)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// The reference without tag or digest.
    public var untagged: String { "oci://\(registry)/\(repository)" }

    public static func isValidRegistry(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        var host = Substring(text)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() } else if !after.isEmpty { return false }
            host = host[host.index(after: host.startIndex)..<close]
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        } else {
            if let colon = host.firstIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return false }
        }
        if let port {
            guard let n = Int(port), (1...65535).contains(n) else { return false }
        }
        return true
    }

    /// Distribution spec: path-component ( "/" path-component )*, each [a-z0-9]+ ( separator [a-z0-9]+ )*.
    public static func isValidRepository(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 255 else { return false }
        return text.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            guard let first = component.first, let last = component.last,
                  isAlnum(first), isAlnum(last) else { return false }
            var previous: Character = first
            var run = 0
            for c in component {
                if isAlnum(c) { run = 0 } else if c == "." || c == "_" || c == "-" {
                    run += 1
                    // Allowed separators: ".", "_", "__", or any number of "-".
                    if c == "." && run > 1 { return false }
                    if c == "_" && (run > 2 || (previous != "_" && run > 1)) { return false }
                    if c == "-" && previous != "-" && run > 1 { return false }
                } else { return false }
                previous = c
            }
            return true
        }
    }

    /// An OCI tag: a letter, digit or `_`, then up to 127 of those, `.` and `-` (the one rule:
    /// chart and image references, and the tags made from chart versions, are checked by it).
    public static func isValidTag(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 128, first != ".", first != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }

    private static func isAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isNumber || ("a"..."z").contains(c))
    }
}
