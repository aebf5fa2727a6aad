import Content
import Crypto
import Foundation

/// The signature algorithms a bundle may be signed with.
public enum SignatureAlgorithm: String, Sendable, CaseIterable, Codable {
    /// Ed25519: a 64-byte signature over the bytes of bundle.json (deterministic).
    case ed25519
    /// ECDSA on P-256 over SHA-256 of bundle.json, DER-encoded.
    case ecdsaP256 = "ecdsa-p256"
}

/// A private key that signs bundle manifests. Read from and written as PKCS#8 PEM, the form
/// `openssl genpkey` makes, so keys can come from either tool.
public struct SigningKey {
    enum Storage {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let storage: Storage

    init(storage: Storage) {
        self.storage = storage
    }

    public var algorithm: SignatureAlgorithm {
        switch storage {
        case .ed25519: return .ed25519
        case .p256: return .ecdsaP256
        }
    }

    public static func generate(_ algorithm: SignatureAlgorithm) -> SigningKey {
        switch algorithm {
        case .ed25519: return SigningKey(storage: .ed25519(Curve25519.Signing.PrivateKey()))
        case .ecdsaP256: return SigningKey(storage: .p256(P256.Signing.PrivateKey()))
        }
    }

    /// The key a build signs with: the file `flag` names (`--sign-key`), else the PEM in
    /// BUNDLE_SIGN_KEY, else the file BUNDLE_SIGN_KEY_FILE names; nil when none is given.
    public static func resolve(flag: String?, environment: [String: String]) throws(BundleError) -> SigningKey? {
        func file(_ path: String, named what: String) throws(BundleError) -> SigningKey {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw BundleError(.keyUnreadable, path, reason: "(\(what)) cannot be read", hint: "Check the path given to \(what).")
            }
            return try SigningKey(pem: text, source: path)
        }
        if let flag { return try file(flag, named: "--sign-key") }
        if let text = environment["BUNDLE_SIGN_KEY"], !text.isEmpty { return try SigningKey(pem: text, source: "BUNDLE_SIGN_KEY") }
        if let path = environment["BUNDLE_SIGN_KEY_FILE"], !path.isEmpty { return try file(path, named: "BUNDLE_SIGN_KEY_FILE") }
        return nil
    }

    /// Parses a PKCS#8 PEM private key (Ed25519 or P-256; SEC1 "EC PRIVATE KEY" too).
    public init(pem: String, source: String) throws(BundleError) {
        guard let (label, der) = PEM.decode(pem) else {
            throw BundleError(.keyUnreadable, source, reason: "holds no PEM key", hint: "Give the PKCS#8 PEM private key made by `bundle keygen` or `openssl genpkey`.")
        }
        if label == "PUBLIC KEY" {
            throw BundleError(.keyIsPublic, source, reason: "is a public key; signing needs the private key", hint: "Give the .key file that `bundle keygen` wrote next to the .pub.")
        }
        if label.contains("ENCRYPTED") {
            throw BundleError(.keyUnsupported, source, reason: "is encrypted with a passphrase", hint: "Give an unencrypted PKCS#8 key (keep it in the pipeline's secret store).")
        }
        if let seed = DER.ed25519PrivateSeed(der) {
            do {
                storage = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
                return
            } catch {
                throw BundleError(.keyUnreadable, source, reason: "holds a malformed Ed25519 key", hint: "Make a new key with `bundle keygen` or `openssl genpkey -algorithm ed25519`.")
            }
        }
        do {
            storage = .p256(try P256.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw BundleError(.keyUnsupported, source, reason: "is not an Ed25519 or ECDSA P-256 private key (\(label))",
                              hint: "Make one with `bundle keygen` or `openssl genpkey -algorithm ed25519`.")
        }
    }

    /// PKCS#8 PEM, as openssl writes it.
    public var pem: String {
        switch storage {
        case .ed25519(let key): return PEM.encode(DER.ed25519PrivateKey(seed: key.rawRepresentation), label: "PRIVATE KEY")
        case .p256(let key): return key.pemRepresentation
        }
    }

    public var publicKey: VerificationKey {
        switch storage {
        case .ed25519(let key): return VerificationKey(storage: .ed25519(key.publicKey))
        case .p256(let key): return VerificationKey(storage: .p256(key.publicKey))
        }
    }

    /// The signature over `message`: raw 64 bytes (Ed25519) or DER (ECDSA P-256 over SHA-256).
    public func sign(_ message: Data) throws(BundleError) -> Data {
        do {
            switch storage {
            case .ed25519(let key): return try key.signature(for: message)
            case .p256(let key): return try key.signature(for: message).derRepresentation
            }
        } catch {
            throw BundleError(.signatureInvalid, "bundle.json", reason: "signing failed: \(error)", hint: "Check the signing key; make a new one with `bundle keygen` if it is damaged.")
        }
    }
}

/// A public key that verifies bundle signatures; SubjectPublicKeyInfo PEM.
public struct VerificationKey {
    enum Storage {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    let storage: Storage

    public var algorithm: SignatureAlgorithm {
        switch storage {
        case .ed25519: return .ed25519
        case .p256: return .ecdsaP256
        }
    }

    public init(pem: String, source: String) throws(BundleError) {
        guard let (label, der) = PEM.decode(pem) else {
            throw BundleError(.keyUnreadable, source, reason: "holds no PEM public key", hint: "Give the .pub file made by `bundle keygen` (or `openssl pkey -pubout`).")
        }
        if label.contains("PRIVATE") {
            throw BundleError(.keyIsPrivate, source, reason: "is a private key; trust a public key",
                              hint: "Give the .pub file; keep the private key off the nodes (`openssl pkey -in KEY -pubout` makes the public one).")
        }
        if let raw = DER.ed25519PublicKey(der) {
            do {
                storage = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: raw))
                return
            } catch {
                throw BundleError(.keyUnreadable, source, reason: "holds a malformed Ed25519 public key", hint: "Give the .pub file made by `bundle keygen` (or `openssl pkey -pubout`).")
            }
        }
        do {
            storage = .p256(try P256.Signing.PublicKey(pemRepresentation: pem))
        } catch {
            throw BundleError(.keyUnsupported, source, reason: "is not an Ed25519 or ECDSA P-256 public key", hint: "Give the .pub file made by `bundle keygen`.")
        }
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// SubjectPublicKeyInfo DER.
    public var der: Data {
        switch storage {
        case .ed25519(let key): return DER.ed25519PublicKeyInfo(key.rawRepresentation)
        case .p256(let key): return key.derRepresentation
        }
    }

    public var pem: String { PEM.encode(der, label: "PUBLIC KEY") }

    /// `sha256:` of the SubjectPublicKeyInfo DER: the same for a key whatever tool wrote it.
    public var keyID: String {
        "sha256:" + Content.Digest.hex(of: SHA256.hash(data: der))
    }

    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        switch storage {
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }
}

/// The fixed DER shapes of Ed25519 keys (RFC 8410).
enum DER {
    static let ed25519PrivatePrefix = Data([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
    static let ed25519PublicPrefix = Data([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
    static let ed25519OID = Data([0x06, 0x03, 0x2b, 0x65, 0x70])

    static func ed25519PrivateKey(seed: Data) -> Data { ed25519PrivatePrefix + seed }
    static func ed25519PublicKeyInfo(_ raw: Data) -> Data { ed25519PublicPrefix + raw }

    /// The 32-byte seed of a PKCS#8 Ed25519 key (v1, or v2 with the public key appended).
    static func ed25519PrivateSeed(_ der: Data) -> Data? {
        guard der.range(of: ed25519OID) != nil, let marker = der.range(of: Data([0x04, 0x22, 0x04, 0x20])) else { return nil }
        let start = marker.upperBound
        guard der.count >= start + 32 else { return nil }
        return der.subdata(in: start..<start + 32)
    }

    static func ed25519PublicKey(_ der: Data) -> Data? {
        guard der.count == 44, der.prefix(12) == ed25519PublicPrefix else { return nil }
        return der.suffix(32)
    }
}
