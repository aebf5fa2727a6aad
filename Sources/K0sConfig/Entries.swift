import Content
import Foundation

/// An entry of `spec.extensions.helm.repositories`, as k0s reads it.
public struct RepositoryEntry: Sendable {
    public enum Kind: Sendable, Hashable {
        /// `oci://host[:port][/path]`. A path is our extension; k0s rejects it.
        case oci(registry: String, pathPrefix: String)
        /// A classic chart repository serving index.yaml.
        case http(url: String)
    }

    public var name: String
    public var url: String
    public var kind: Kind
    /// As written in the config.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var username: String?
    public var password: String?
    /// True only when `insecure: true` is written.
    public var insecure: Bool
    /// Paths resolved against the config file's folder.
    public var resolvedCAFile: String?
    public var resolvedCertFile: String?
    public var resolvedKeyFile: String?
    public var location: ConfigLocation
    public var index: Int

    /// Where the repository entry is, for messages: `repository "private" (k0s.yaml:12:7)`.
    public var origin: String { "repository \"\(name)\" (\(location))" }

    /// The TLS settings this entry gives its registry.
    public var tls: TLSSettings {
        TLSSettings(caFile: resolvedCAFile, certFile: resolvedCertFile, keyFile: resolvedKeyFile, insecureSkipVerify: insecure, source: origin,
                    howToGiveCA: "caFile in \(origin)")
    }

    /// Whether TLS is off for this repository (`http://` URL); OCI has no way to say it in k0s.
    public var plainHTTP: Bool {
        if case .http(let url) = kind { return url.lowercased().hasPrefix("http://") }
        return false
    }
}

/// Where a chart comes from.
public enum ChartSource: Sendable, Hashable {
    /// `oci://…`, with the name of the repository entry whose TLS and credentials apply (nil: none matched).
    case oci(ChartReference, repository: String?)
    /// `repo/chart` from a classic chart repository.
    case repository(name: String, chart: String)
    /// An absolute path to a chart archive already on the node.
    case localFile(String)
}

/// An entry of `spec.extensions.helm.charts`, as k0s reads it.
public struct ChartEntry: Sendable {
    /// The Helm release name.
    public var name: String
    public var chartname: String
    /// As written; nil when absent (highest stable version).
    public var version: String?
    /// As written; nil when absent (only the short form allows that; it means `default`).
    public var namespace: String?
    /// The release's `values` string (YAML), nil when absent.
    public var values: String?
    public var source: ChartSource
    public var location: ConfigLocation
    public var index: Int
}
