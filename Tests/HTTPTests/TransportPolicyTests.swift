import Content
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// The transport's policies, each over a transport that answers from a script: which requests
/// reach the wire, what is retried and how long it waits (the waits are recorded, never slept),
/// what a redirect keeps, what is warned (TestSupport's scripted transport underneath). The
/// fault proxy's end-to-end tests hold libcurl's part.
@Suite struct TransportPolicyTests {
    /// What the policies said and how long they would have waited.
    final class Recorder: Sendable {
        let warnings = Mutex<[String]>([])
        let sleeps = Mutex<[Double]>([])
        var options: TransportOptions {
            var options = TransportOptions()
            options.warn = { message in self.warnings.withLock { $0.append(message) } }
            return options
        }
        var sleep: @Sendable (Double) -> Void { { seconds in self.sleeps.withLock { $0.append(seconds) } } }
    }

    typealias Outcome = Result<ScriptedTransport.Answer, HTTPError>
    static func ok(_ status: Int = 200, _ headers: [(String, String)] = []) -> Outcome { .success((status, headers, Data())) }
    static func failure(_ code: HTTPError.Code, brokenBeforeAnswer: Bool = false) -> Outcome {
        var error = HTTPError(code, host: "registry.test", reason: "scripted \(code)", hint: "")
        error.brokenBeforeAnswer = brokenBeforeAnswer
        return .failure(error)
    }

    let request = HTTPRequest(url: URL(string: "https://registry.test/v2/app/blobs/sha256:1")!, headers: [("Authorization", "Bearer t")],
                              tls: TLSSettings(certFile: "/c.pem", keyFile: "/k.pem"))

    @Test func transientAnswersAreRetriedWithBackoffThenGivenBack() throws {
        let recorder = Recorder(), script = ScriptedTransport(sequence: [Self.ok(503), Self.ok(429, [("Retry-After", "7")]), Self.ok(500), Self.ok(502)])
        let response = try RetryPolicy(script, options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10))
        #expect(response.status == 502, "the last answer once the attempts are spent")
        #expect(script.requests.map(\.attempt) == [1, 2, 3, 4])
        #expect(recorder.sleeps.withLock { $0 } == [0.25, 7, 1.0], "doubling, or the server's Retry-After")
        #expect(recorder.warnings.withLock { $0.count } == 3)

        let capped = Recorder(), slow = ScriptedTransport(sequence: [Self.ok(503, [("Retry-After", "3600")]), Self.ok()])
        #expect(try RetryPolicy(slow, options: capped.options, sleep: capped.sleep).send(request, body: .memory(limit: 10)).status == 200)
        #expect(capped.sleeps.withLock { $0 } == [30], "Retry-After is capped")
    }

    @Test func onlyTransientFailuresAreRetried() throws {
        let recorder = Recorder(), script = ScriptedTransport(sequence: [Self.failure(.connectionFailed), Self.failure(.timedOut), Self.ok()])
        #expect(try RetryPolicy(script, options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10)).status == 200)
        #expect(script.requests.count == 3 && recorder.sleeps.withLock { $0 } == [0.25, 0.5])

        let refused = ScriptedTransport(sequence: [Self.failure(.certificateUntrusted), Self.ok()])
        #expect { try RetryPolicy(refused, options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10)) } throws: {
            ($0 as? HTTPError)?.code == .certificateUntrusted
        }
        #expect(refused.requests.count == 1, "an untrusted certificate is not asked again")
        #expect(try RetryPolicy(ScriptedTransport(sequence: [Self.ok(404)]), options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10)).status == 404)
    }

    /// A TLS connection that broke before any answer (a registry refusing the missing client
    /// certificate) is asked again at once, without a warning; the second time it says why.
    @Test func aConnectionBrokenBeforeAnyAnswerIsAskedAgainAtOnce() throws {
        let recorder = Recorder(), script = ScriptedTransport(sequence: [Self.failure(.connectionFailed, brokenBeforeAnswer: true), Self.failure(.clientCertificateRequired)])
        #expect { try RetryPolicy(script, options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10)) } throws: {
            ($0 as? HTTPError)?.code == .clientCertificateRequired
        }
        #expect(script.requests.count == 2 && recorder.sleeps.withLock { $0 }.isEmpty && recorder.warnings.withLock { $0 }.isEmpty)
    }

    @Test func aRedirectToAnotherOriginDropsCredentialsAndTheClientCertificate() throws {
        let script = ScriptedTransport(sequence: [Self.ok(307, [("Location", "/v2/app/blobs/moved")]), Self.ok(302, [("Location", "https://cdn.test/blob?sig=1")]), Self.ok()])
        let response = try RedirectPolicy(script, maxRedirects: 10).send(request, body: .memory(limit: 10))
        #expect(response.status == 200 && script.requests.count == 3)
        #expect(script.requests[1].headers.contains { $0.name == "Authorization" } && script.requests[1].tls.certFile == "/c.pem", "the same origin keeps them")
        #expect(!script.requests[2].headers.contains { $0.name == "Authorization" } && script.requests[2].tls.certFile == nil && script.requests[2].tls.keyFile == nil)
        #expect(script.requests[2].url.absoluteString == "https://cdn.test/blob?sig=1")
    }

    @Test func redirectsThatWouldLowerTrustOrNeverEndAreRefused() throws {
        let downgrade = ScriptedTransport(sequence: [Self.ok(302, [("Location", "http://cdn.test/blob")]), Self.ok()])
        #expect { try RedirectPolicy(downgrade, maxRedirects: 10).send(request, body: .memory(limit: 10)) } throws: {
            ($0 as? HTTPError)?.code == .invalidURL && "\($0)".contains("HTTPS to plain HTTP")
        }
        #expect(downgrade.requests.count == 1)

        let loop = ScriptedTransport(sequence: Array(repeating: Self.ok(302, [("Location", "/again")]), count: 10))
        #expect { try RedirectPolicy(loop, maxRedirects: 3).send(request, body: .memory(limit: 10)) } throws: { ($0 as? HTTPError)?.code == .tooManyRedirects }
        #expect(loop.requests.count == 4, "the request and 3 redirects")

        var post = request
        post.method = "POST"
        post.body = Data("form".utf8)
        let seeOther = ScriptedTransport(sequence: [Self.ok(303, [("Location", "/v2/token")]), Self.ok()])
        _ = try RedirectPolicy(seeOther, maxRedirects: 10).send(post, body: .memory(limit: 10))
        #expect(seeOther.requests[1].method == "GET" && seeOther.requests[1].body == nil)
    }

    @Test func insecureTLSIsWarnedOncePerHost() throws {
        let recorder = Recorder()
        var insecure = request
        insecure.tls = TLSSettings(insecureSkipVerify: true, source: "k0s.yaml:7")
        let policy = InsecureTLSWarning(ScriptedTransport(sequence: [Self.ok(), Self.ok(), Self.ok()]), warn: recorder.options.warn)
        for _ in 0..<2 { _ = try policy.send(insecure, body: .memory(limit: 10)) }
        _ = try policy.send(request, body: .memory(limit: 10))
        let warnings = recorder.warnings.withLock { $0 }
        #expect(warnings.count == 1 && warnings[0].contains("registry.test") && warnings[0].contains("k0s.yaml:7"), "\(warnings)")
    }

    /// The standard chain: a retried answer inside a redirect, as a registry behind a flaky CDN.
    @Test func theStandardChainRetriesEachHopOfARedirect() throws {
        let recorder = Recorder()
        let script = ScriptedTransport(sequence: [Self.ok(302, [("Location", "https://cdn.test/b")]), Self.ok(503), Self.ok()])
        let response = try HTTPTransports.wrapped(script, options: recorder.options, sleep: recorder.sleep).send(request, body: .memory(limit: 10))
        #expect(response.status == 200 && script.requests.map(\.url.host) == ["registry.test", "cdn.test", "cdn.test"])
        #expect(script.requests.map(\.attempt) == [1, 1, 2])
    }
}
