import Content
import Foundation

/// What the transport adds to a registry's TLS settings: a phrase naming the trust anchor (the
/// system store is found here) and the check of the files before any traffic.
extension TLSSettings {
    /// A short phrase naming the trust anchor, for messages: "caFile ./ca.crt (from --ca-file)".
    public var trustDescription: String {
        if insecureSkipVerify { return "no verification (insecure, from \(source))" }
        if let caFile { return "caFile \(caFile) (from \(source))" }
        return "the system trust store \(SystemTrustStore.current.map { $0.file ?? $0.folder ?? "-" } ?? "(none found)") (no caFile; \(source))"
    }

    /// Checks that the files exist, are readable and hold PEM of the right kind, so that a
    /// typo fails before any network traffic with a message naming the field.
    public func validateFiles(host: String) throws(HTTPError) {
        if let caFile {
            let text = try Self.readPEM(caFile, field: "CA file", host: host, source: source)
            guard text.contains("-----BEGIN CERTIFICATE-----") else {
                throw HTTPError(
                    .caFileUnusable, host: host,
                    reason: "CA file \(caFile) (from \(source)) holds no PEM certificate",
                    hint: "Point it at the PEM file (-----BEGIN CERTIFICATE-----) of the CA that signed the registry's certificate.")
            }
        }
        if certFile != nil || keyFile != nil {
            guard let certFile else {
                throw HTTPError(
                    .clientCertificateUnusable, host: host,
                    reason: "a client key was given without a client certificate (from \(source))",
                    hint: "Give both the certificate (--cert-file / certFile) and its key (--key-file / keyfile).")
            }
            let cert = try Self.readPEM(certFile, field: "client certificate", host: host, source: source)
            guard cert.contains("-----BEGIN CERTIFICATE-----") else {
                throw HTTPError(
                    .clientCertificateUnusable, host: host,
                    reason: "client certificate \(certFile) (from \(source)) holds no PEM certificate",
                    hint: "Give the PEM file of the client certificate.")
            }
            let keyPath = keyFile ?? certFile
            let key = try Self.readPEM(keyPath, field: "client key", host: host, source: source)
            if key.contains("ENCRYPTED PRIVATE KEY") || key.contains("Proc-Type: 4,ENCRYPTED") {
                throw HTTPError(
                    .clientCertificateUnusable, host: host,
                    reason: "client key \(keyPath) (from \(source)) is encrypted with a passphrase",
                    hint: "Give an unencrypted key, e.g. `openssl pkey -in \(keyPath) -out client.key`, kept readable only by this user.")
            }
            guard key.contains("PRIVATE KEY-----") else {
                throw HTTPError(
                    .clientCertificateUnusable, host: host,
                    reason: "client key \(keyPath) (from \(source)) holds no PEM private key",
                    hint: "Give the PEM private key that belongs to the client certificate (--key-file / keyfile).")
            }
        }
    }

    private static func readPEM(_ path: String, field: String, host: String, source: String) throws(HTTPError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HTTPError(
                field == "CA file" ? .caFileUnusable : .clientCertificateUnusable, host: host,
                reason: "\(field) \(path) (from \(source)) does not exist",
                hint: "Check the path; relative paths are resolved against the current directory for flags.")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1)
        else {
            throw HTTPError(
                field == "CA file" ? .caFileUnusable : .clientCertificateUnusable, host: host,
                reason: "\(field) \(path) (from \(source)) cannot be read",
                hint: "Check the file's permissions.")
        }
        return text
    }
}
