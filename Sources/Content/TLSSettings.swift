import Foundation

/// How one registry (or chart repository) is trusted and how we prove who we are to it.
///
/// A `caFile` *replaces* the system trust store for that registry, as `helm --ca-file`,
/// k0s and curl's `CAINFO` do: a registry signed by a company CA is trusted with exactly
/// that CA and nothing else.
public struct TLSSettings: Sendable, Hashable {
    /// PEM file with the CA certificates (root, and intermediates if wanted) to trust.
    public var caFile: String?
    /// PEM client certificate for mutual TLS.
    public var certFile: String?
    /// PEM private key of the client certificate.
    public var keyFile: String?
    /// Skip certificate verification. Only ever set from an explicit user choice.
    public var insecureSkipVerify: Bool
    /// Where these settings came from, for error messages: "--ca-file", "repository \"private\"".
    public var source: String
    /// How the user of the command that uses these settings gives a CA, for hints: a flag
    /// (`--ca-file`) or a config key (`caFile in repository "corp" (k0s.yaml:4:5)`).
    public var howToGiveCA: String

    public init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil,
        insecureSkipVerify: Bool = false, source: String = "command-line flags", howToGiveCA: String = "--ca-file"
    ) {
        self.howToGiveCA = howToGiveCA
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
        self.source = source
    }
}
