import Content
import Foundation
import Testing
import TestSupport
@testable import HTTP

@Suite struct TLSSettingsTests {
    let folder: String = {
        let path = NSTemporaryDirectory() + "/tls-settings-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func write(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"

    @Test func missingCAFileNamesTheFileAndTheSource() {
        let tls = TLSSettings(caFile: folder + "/nope.crt", source: "repository \"private\"")
        let error = #expect(throws: HTTPError.self) { try tls.validateFiles(host: "r:5443") }
        #expect(error?.code == .caFileUnusable)
        #expect(error?.description.contains("nope.crt") == true)
        #expect(error?.description.contains("repository \"private\"") == true)
        #expect(error?.description.hasPrefix("r:5443: ") == true)
    }

    @Test func caFileWithoutPEMIsRefused() {
        let tls = TLSSettings(caFile: write("ca.txt", "hello"))
        let error = #expect(throws: HTTPError.self) { try tls.validateFiles(host: "r") }
        #expect(error?.code == .caFileUnusable)
    }

    @Test func encryptedClientKeyIsRefused() {
        let tls = TLSSettings(
            certFile: write("c.crt", Self.certificate),
            keyFile: write("c.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----\n"))
        let error = #expect(throws: HTTPError.self) { try tls.validateFiles(host: "r") }
        #expect(error?.code == .clientCertificateUnusable)
        #expect(error?.description.contains("encrypted") == true)
    }

    @Test func keyWithoutCertificateIsRefused() {
        let tls = TLSSettings(keyFile: write("k.key", Self.key))
        #expect(throws: HTTPError.self) { try tls.validateFiles(host: "r") }
    }

    @Test func goodFilesPass() throws {
        let tls = TLSSettings(caFile: write("ca.crt", Self.certificate), certFile: write("c.crt", Self.certificate), keyFile: write("c.key", Self.key))
        try tls.validateFiles(host: "r")
    }

    @Test func trustDescriptionSaysWhereTrustComesFrom() {
        #expect(TLSSettings().trustDescription.contains("system trust store"))
        #expect(TLSSettings(caFile: "ca.crt", source: "--ca-file").trustDescription == "caFile ca.crt (from --ca-file)")
        #expect(TLSSettings(insecureSkipVerify: true).trustDescription.contains("insecure"))
    }
}

@Suite struct TransportOptionsTests {
    @Test func environmentOverrides() throws {
        let options = try TransportOptions.fromEnvironment(["BUNDLE_HTTP_LOW_SPEED_TIME": "3", "BUNDLE_HTTP_ATTEMPTS": "2"])
        #expect(options.lowSpeedTime == 3)
        #expect(options.maxAttempts == 2)
        #expect(options.connectTimeout == TransportOptions().connectTimeout)
    }

    @Test(arguments: ["x", "0", "-1", "99999", ""])
    func invalidValuesAreRefusedNamingTheVariable(_ value: String) {
        let error = #expect(throws: HTTPError.self) { try TransportOptions.fromEnvironment(["BUNDLE_HTTP_CONNECT_TIMEOUT": value]) }
        #expect(error?.reason.contains("BUNDLE_HTTP_CONNECT_TIMEOUT") == true)
    }

    /// Each variable states its own meaning and range (not another's).
    @Test(arguments: [("BUNDLE_HTTP_CONNECT_TIMEOUT", "seconds from 1 to 600", "connection"), ("BUNDLE_HTTP_LOW_SPEED_TIME", "seconds from 1 to 3600", "stall"),
                      ("BUNDLE_HTTP_ATTEMPTS", "attempts from 1 to 20", "tried")])
    func eachVariableSaysItsOwnRange(_ name: String, _ range: String, _ meaning: String) {
        let error = #expect(throws: HTTPError.self) { try TransportOptions.fromEnvironment([name: "0"]) }
        #expect(error?.reason.contains(range) == true && error?.hint.contains(meaning) == true, "\(String(describing: error))")
        for other in ["BUNDLE_HTTP_CONNECT_TIMEOUT", "BUNDLE_HTTP_LOW_SPEED_TIME", "BUNDLE_HTTP_ATTEMPTS"] where other != name {
            #expect(error?.message.contains(other) == false, "\(String(describing: error))")
        }
    }

    @Test func retryDelayHonoursRetryAfterWithinTheCap() throws {
        let transport = RetryPolicy(ScriptedTransport(sequence: []), options: TransportOptions(), sleep: { _ in })
        #expect(transport.retryDelay(attempt: 1, retryAfter: "2") == 2)
        #expect(transport.retryDelay(attempt: 1, retryAfter: "3600") == 30)
        #expect(transport.retryDelay(attempt: 1, retryAfter: nil) == 0.25)
        #expect(transport.retryDelay(attempt: 3, retryAfter: nil) == 1)
        #expect(transport.retryDelay(attempt: 3, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT") == 1)
    }

    @Test func originComparisonMakesDefaultPortsExplicit() {
        #expect(URL(string: "https://r.io/a")!.origin == URL(string: "https://R.io:443/b")!.origin)
        #expect(URL(string: "https://r.io/a")!.origin != URL(string: "https://cdn.r.io/a")!.origin)
        #expect(URL(string: "https://r.io:5000/a")!.hostAndPort == "r.io:5000")
    }
}

/// The system CA store where each distribution keeps it; SSL_CERT_FILE/SSL_CERT_DIR win.
@Suite struct SystemTrustStoreTests {
    @Test(arguments: ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"])
    func eachDistributionsPathIsFound(_ path: String) {
        #expect(SystemTrustStore.locate([:], exists: { $0 == path }) == SystemTrustStore(file: path, folder: nil))
    }

    @Test func theEnvironmentWinsAndNothingIsNil() {
        let store = SystemTrustStore.locate(["SSL_CERT_FILE": "/opt/ca.pem", "SSL_CERT_DIR": "/opt/certs"], exists: { _ in true })
        #expect(store == SystemTrustStore(file: "/opt/ca.pem", folder: "/opt/certs"))
        #expect(SystemTrustStore.locate([:], exists: { _ in false }) == nil)
    }
}
