import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Sprig's certificate functions, as charts use them to make a webhook's or a server's TLS
/// secret at render time: `genCA`, `genSelfSignedCert`, `genSignedCert` (and their `WithKey`
/// forms), `genPrivateKey`, `buildCustomCert`. Like Sprig's: RSA 2048 keys (4096 for
/// `genPrivateKey "rsa"`), a random 128-bit serial, valid from now for the days given, server
/// and client auth, the IPs and DNS names as subject alternative names; PEM in Go's forms. The
/// output is random, as it is in Helm.
enum SprigCertificates {
    static let table: FunctionTable = [
        "genCA": { args, _ in try authority(args, key: nil) },
        "genCAWithKey": { args, _ in try authority(args, key: args.count > 2 ? args[2] : nil) },
        "genSelfSignedCert": { args, _ in try leaf(args, key: nil, ca: nil) },
        "genSelfSignedCertWithKey": { args, _ in try leaf(args, key: args.count > 4 ? args[4] : nil, ca: nil) },
        "genSignedCert": { args, _ in try leaf(args, key: nil, ca: args.count > 4 ? args[4] : nil) },
        "genSignedCertWithKey": { args, _ in try leaf(args, key: args.count > 5 ? args[5] : nil, ca: args.count > 4 ? args[4] : nil) },
        "genPrivateKey": { args, _ in .string(try privateKey(SprigStrings.one(args, "genPrivateKey"))) },
        "buildCustomCert": { args, _ in
            guard args.count == 2, let cert = Data(base64Encoded: SprigStrings.stringify(args[0])), let key = Data(base64Encoded: SprigStrings.stringify(args[1])) else {
                throw FunctionError("buildCustomCert wants a base64 certificate and key")
            }
            return certificate(cert: String(decoding: cert, as: UTF8.self), key: String(decoding: key, as: UTF8.self))
        },
    ]

    /// `genCA CN DAYS [KEY]`.
    static func authority(_ args: [Value], key: Value?) throws -> Value {
        guard args.count >= 2 else { throw FunctionError("genCA wants a common name and days") }
        let signing = try key.map { try parseKey(SprigStrings.stringify($0)) } ?? Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let certificate = try make(commonName: SprigStrings.stringify(args[0]), ips: [], names: [], days: SprigData.toInt(args[1]),
                                   isAuthority: true, key: signing, issuer: nil)
        return try pair(certificate, signing)
    }

    /// `genSelfSignedCert CN IPS NAMES DAYS [KEY]`, `genSignedCert CN IPS NAMES DAYS CA [KEY]`.
    static func leaf(_ args: [Value], key: Value?, ca: Value?) throws -> Value {
        guard args.count >= 4 else { throw FunctionError("wants a common name, IPs, alternate names and days") }
        let signing = try key.map { try parseKey(SprigStrings.stringify($0)) } ?? Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        var issuer: (Certificate, Certificate.PrivateKey)?
        if let ca {
            guard case .map(let fields) = ca, let cert = fields["Cert"], let caKey = fields["Key"] else { throw FunctionError("the CA is not a certificate from genCA") }
            do {
                issuer = (try Certificate(pemEncoded: SprigStrings.stringify(cert)), try parseKey(SprigStrings.stringify(caKey)))
            } catch { throw FunctionError("error parsing the CA: \(error)") }
        }
        let certificate = try make(commonName: SprigStrings.stringify(args[0]), ips: try ips(args[1]), names: strings(args[2]),
                                   days: SprigData.toInt(args[3]), isAuthority: false, key: signing, issuer: issuer)
        return try pair(certificate, signing)
    }

    static func make(commonName: String, ips: [[UInt8]], names: [String], days: Int, isAuthority: Bool, key: Certificate.PrivateKey,
                     issuer: (Certificate, Certificate.PrivateKey)?) throws -> Certificate {
        let subject = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let extensions = try Certificate.Extensions {
            Critical(isAuthority ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: isAuthority))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            if !ips.isEmpty || !names.isEmpty {
                SubjectAlternativeNames(names.map { GeneralName.dnsName($0) } + ips.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice($0))) })
            }
        }
        let signer = issuer?.1 ?? key
        return try Certificate(version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey, notValidBefore: now,
                               notValidAfter: now.addingTimeInterval(Double(Swift.max(-36_500, Swift.min(36_500, days))) * 86_400),
                               issuer: issuer?.0.subject ?? subject, subject: subject, signatureAlgorithm: algorithm(signer),
                               extensions: extensions, issuerPrivateKey: signer)
    }

    /// Go's choice for the key: SHA-256 with RSA or ECDSA, Ed25519 for Ed25519.
    static func algorithm(_ key: Certificate.PrivateKey) -> Certificate.SignatureAlgorithm {
        let supported = key.supportedSignatureAlgorithms
        for preferred in [Certificate.SignatureAlgorithm.sha256WithRSAEncryption, .ecdsaWithSHA256] where supported.contains(preferred) { return preferred }
        return supported.first ?? .ed25519
    }

    static func pair(_ certificate: Certificate, _ key: Certificate.PrivateKey) throws -> Value {
        self.certificate(cert: try certificate.serializeAsPEM().pemString + "\n", key: try keyPEM(key))
    }

    /// Sprig's `certificate` struct: `.Cert` and `.Key`, PEM text.
    static func certificate(cert: String, key: String) -> Value {
        .map(ValueMap(["Cert": .string(cert), "Key": .string(key)], type: .certificate))
    }

    /// Go's forms: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 otherwise.
    static func keyPEM(_ key: Certificate.PrivateKey) throws -> String {
        try key.serializeAsPEM().pemString + "\n"
    }

    static func parseKey(_ pem: String) throws -> Certificate.PrivateKey {
        do { return try Certificate.PrivateKey(pemEncoded: pem) } catch { throw FunctionError("error parsing the private key: \(error)") }
    }

    /// `genPrivateKey TYPE`: rsa (4096 bits), ecdsa (P-256), ed25519; Sprig answers an unknown type in words.
    static func privateKey(_ type: String) throws -> String {
        switch type {
        case "rsa": return try _RSA.Signing.PrivateKey(keySize: .bits4096).pemRepresentation + "\n"
        case "ecdsa": return sec1PEM(P256.Signing.PrivateKey())
        case "ed25519": return try keyPEM(Certificate.PrivateKey(Curve25519.Signing.PrivateKey()))
        case "dsa": throw FunctionError("DSA keys are not implemented by bundle's template engine yet", isUnsupported: true)
        default: return "Unknown type \(type)"
        }
    }

    /// Go's `x509.MarshalECPrivateKey` (SEC 1, "EC PRIVATE KEY") of a P-256 key: version 1, the
    /// scalar, the curve's OID and the public point.
    static func sec1PEM(_ key: P256.Signing.PrivateKey) -> String {
        let curve: [UInt8] = [0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let body: [UInt8] = [0x02, 0x01, 0x01, 0x04, 0x20] + Array(key.rawRepresentation) + curve
            + [0xA1, 0x44, 0x03, 0x42, 0x00] + Array(key.publicKey.x963Representation)
        return PEMDocument(type: "EC PRIVATE KEY", derBytes: [0x30, UInt8(body.count)] + body).pemString + "\n"
    }

    static func strings(_ value: Value) -> [String] {
        guard case .list(let items) = value else { return [] }
        return items.map(SprigStrings.stringify)
    }

    /// IPv4 and IPv6 addresses as bytes; Sprig refuses anything else.
    static func ips(_ value: Value) throws -> [[UInt8]] {
        try strings(value).map { text in
            var v4 = in_addr(), v6 = in6_addr()
            if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
            if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
            throw FunctionError("error parsing ip: \(text)")
        }
    }
}
