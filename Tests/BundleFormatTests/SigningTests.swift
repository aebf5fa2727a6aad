import Foundation
import Testing
@testable import BundleFormat

@Suite struct SigningTests {
    static let message = Data("{\"schemaVersion\":1}\n".utf8)

    @Test(arguments: SignatureAlgorithm.allCases)
    func signAndVerifyRoundTripThroughPEM(algorithm: SignatureAlgorithm) throws {
        let key = SigningKey.generate(algorithm)
        let reloaded = try SigningKey(pem: key.pem, source: "test.key")
        #expect(reloaded.algorithm == algorithm)
        let signature = try reloaded.sign(Self.message)
        let publicKey = try VerificationKey(pem: key.publicKey.pem, source: "test.pub")
        #expect(publicKey.isValidSignature(signature, for: Self.message))
        #expect(!publicKey.isValidSignature(signature, for: Self.message + Data(" ".utf8)))
        #expect(publicKey.keyID == key.publicKey.keyID)
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
    }

    @Test func ed25519SignaturesAreDeterministicAnd64Bytes() throws {
        let key = SigningKey.generate(.ed25519)
        let a = try key.sign(Self.message), b = try key.sign(Self.message)
        #expect(a == b && a.count == 64)
    }

    /// RFC 8032 test vector 1, wrapped as openssl writes PKCS#8 and SPKI.
    @Test func rfc8032VectorInOpensslPEM() throws {
        let seed = Data(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let publicKey = Data(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let privatePEM = "-----BEGIN PRIVATE KEY-----\n" + (DER.ed25519PrivatePrefix + seed).base64EncodedString() + "\n-----END PRIVATE KEY-----\n"
        let key = try SigningKey(pem: privatePEM, source: "rfc8032.key")
        let signature = try key.sign(Data())
        #expect(signature == Data(hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"))
        let pub = try VerificationKey(pem: "-----BEGIN PUBLIC KEY-----\n" + (DER.ed25519PublicPrefix + publicKey).base64EncodedString() + "\n-----END PUBLIC KEY-----\n", source: "rfc8032.pub")
        #expect(pub.isValidSignature(signature, for: Data()))
    }

    @Test func anotherKeyDoesNotVerify() throws {
        let signature = try SigningKey.generate(.ed25519).sign(Self.message)
        #expect(!SigningKey.generate(.ed25519).publicKey.isValidSignature(signature, for: Self.message))
        let ecdsa = try SigningKey.generate(.ecdsaP256).sign(Self.message)
        #expect(!SigningKey.generate(.ecdsaP256).publicKey.isValidSignature(ecdsa, for: Self.message))
        #expect(!SigningKey.generate(.ed25519).publicKey.isValidSignature(ecdsa, for: Self.message))
    }

    @Test func keysInTheWrongPlaceSaySo() throws {
        let key = SigningKey.generate(.ed25519)
        #expect(throws: BundleError.self) { try SigningKey(pem: key.publicKey.pem, source: "k") }
        do { _ = try SigningKey(pem: key.publicKey.pem, source: "k") } catch { #expect(error.code == .keyIsPublic) }
        do { _ = try VerificationKey(pem: key.pem, source: "k") } catch { #expect(error.code == .keyIsPrivate) }
        do { _ = try VerificationKey(pem: "hello", source: "k") } catch { #expect(error.code == .keyUnreadable) }
    }

    @Test func manifestRefusesUnknownSchemaVersions() throws {
        do {
            _ = try BundleManifest.decode(Data(#"{"schemaVersion": 99}"#.utf8), source: "b.tar.gz")
            Issue.record("schema 99 was accepted")
        } catch {
            #expect(error.code == .unknownSchema)
            #expect(error.description.contains("99"))
        }
        do {
            _ = try BundleManifest.decode(Data("not json".utf8), source: "b.tar.gz")
            Issue.record("garbage was accepted")
        } catch {
            #expect(error.code == .manifestInvalid)
        }
    }

    @Test func manifestEncodingIsCanonical() throws {
        let manifest = BundleManifest(
            builder: "bundle test", name: "n", sequence: 7, created: "1970-01-01T00:00:00Z", dataDir: "/var/lib/k0s",
            config: .init(path: "k0s.yaml", source: "k0s.yaml", format: "short form"), charts: [], certificates: [],
            files: [.init(path: "k0s.yaml", size: 1, sha256: String(repeating: "0", count: 64))])
        let data = try manifest.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"path\" : \"k0s.yaml\"") || text.contains("\"path\": \"k0s.yaml\""))
        #expect(!text.contains("\\/"))
        #expect(try BundleManifest.decode(data, source: "x") == manifest)
        #expect(try manifest.encoded() == data)
    }
}

extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }
}
