import Foundation
import X509

/// A repository's CA file, checked before it goes into a bundle: PEM, parseable X.509
/// certificates, not expired; expiring within 30 days is a warning.
struct CertificateCheck {
    var subjects: [String]
    var notAfter: Date
    var warnings: [String]
    /// Only the certificates, re-armoured: whatever else the file held (a key, comments) stays out of the bundle.
    var pem: Data

    init(file: String, repository: String, now: Date = Date()) throws(BuildError) {
        let subject = "repository \"\(repository)\" caFile \(file)"
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw BuildError(.certificate, subject, "cannot be read; check the path and permissions")
        }
        let blocks = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().compactMap { block -> String? in
            guard let end = block.range(of: "-----END CERTIFICATE-----") else { return nil }
            return "-----BEGIN CERTIFICATE-----" + block[..<end.upperBound]
        }
        guard !blocks.isEmpty else {
            throw BuildError(.certificate, subject, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        var subjects: [String] = []
        var earliest = Date.distantFuture
        var warnings: [String] = []
        for (index, pem) in blocks.enumerated() {
            let certificate: Certificate
            do {
                certificate = try Certificate(pemEncoded: pem)
            } catch {
                throw BuildError(.certificate, subject, "certificate \(index + 1) cannot be parsed: \(error)")
            }
            subjects.append(certificate.subject.description)
            earliest = min(earliest, certificate.notValidAfter)
            if certificate.notValidAfter < now {
                throw BuildError(.certificate, subject, "certificate \"\(certificate.subject)\" expired on \(Self.format(certificate.notValidAfter)); nodes could not verify the registry with it")
            }
            if certificate.notValidAfter < now.addingTimeInterval(30 * 24 * 3600) {
                warnings.append("\(subject): certificate \"\(certificate.subject)\" expires on \(Self.format(certificate.notValidAfter)), within 30 days")
            }
        }
        self.subjects = subjects
        self.notAfter = earliest
        self.pem = Data(blocks.map { $0 + "\n" }.joined().utf8)
        self.warnings = warnings
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
