import Foundation

/// The CA certificates this machine trusts, where its distribution keeps them, for a registry
/// that no `caFile` (`--ca-file`) names. Looked up by the tool itself: a statically linked
/// OpenSSL knows only its build machine's default paths, which another distribution lacks.
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` win, as they do for OpenSSL's own tools.
public struct SystemTrustStore: Sendable, Equatable {
    public var file: String?
    public var folder: String?

    /// Debian/Ubuntu, RHEL/Fedora (and the ca-trust extraction it links to), SUSE, Alpine.
    public static let knownFiles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// This process's store, found once.
    public static let current = locate(ProcessInfo.processInfo.environment)

    /// The store for `environment`; nil when there is none anywhere.
    public static func locate(_ environment: [String: String], exists: (String) -> Bool = { FileManager.default.isReadableFile(atPath: $0) }) -> SystemTrustStore? {
        let file = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let folder = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        if file != nil || folder != nil { return SystemTrustStore(file: file, folder: folder) }
        guard let found = knownFiles.first(where: exists) else { return nil }
        return SystemTrustStore(file: found, folder: nil)
    }

    /// The error for a machine with no store: where it looked, and what to do.
    static func missing(host: String) -> HTTPError {
        HTTPError(.caFileUnusable, host: host,
                  reason: "this machine has no system CA store (looked at \(knownFiles.joined(separator: ", ")); SSL_CERT_FILE and SSL_CERT_DIR are unset)",
                  hint: "Give the registry's CA with --ca-file (or caFile in its repository entry), or set SSL_CERT_FILE")
    }
}
