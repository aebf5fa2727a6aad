import Content
import HTTP
import OCI
@testable import Pusher
import Synchronization
import Testing

/// A push runs its items on the shared worker pool: results in the items' order, and the first
/// failure stops what has not begun and is what the push reports.
struct PushRunTests {
    /// A transport for clients that never send in these tests.
    struct Unused: HTTPTransport {
        func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
            throw HTTPError(.transportSetupFailed, host: "test", reason: "not used", hint: "none")
        }
    }

    struct Refused: Error, Equatable { let item: String }

    static let items = ["a", "b", "c", "d"].map { PushPlanTests.item($0, content: "a", tag: $0) }

    static func run(workers: Int) -> PushRun {
        PushRun(items: items, workers: workers) { try RegistryClient(registry: "mirror.test", tls: TLSSettings(), transport: Unused()) }
    }

    @Test func resultsComeInTheItemsOrder() throws {
        let sources = try Self.run(workers: 3).run { item, _, _ in item.source }
        #expect(sources == ["a", "b", "c", "d"])
    }

    @Test func theFirstFailureStopsWhatHasNotBegun() {
        let begun = Mutex<[String]>([])
        let error = #expect(throws: Refused.self) {
            try Self.run(workers: 1).run { item, _, _ in
                begun.withLock { $0.append(item.source) }
                if item.source == "b" { throw Refused(item: item.source) }
                return item.source
            }
        }
        #expect(error == Refused(item: "b"))
        #expect(begun.withLock { $0 } == ["a", "b"], "one worker takes items in order and stops at b")
    }

    /// With several workers at once, the failing item's error is still the push's error.
    @Test func theFirstFailureIsThePushsErrorWithSeveralWorkers() {
        let error = #expect(throws: Refused.self) {
            try Self.run(workers: 3).run { item, _, _ in
                if item.source == "c" { throw Refused(item: item.source) }
                return item.source
            }
        }
        #expect(error == Refused(item: "c"))
    }

    @Test func aClientThatCannotBeMadeIsThePushsError() {
        let error = #expect(throws: RegistryError.self) {
            try PushRun(items: Self.items, workers: 2) { try RegistryClient(registry: "bad host/", tls: TLSSettings(), transport: Unused()) }
                .run { item, _, _ in item.source }
        }
        #expect(error?.code == .invalidReference, "\(String(describing: error))")
    }
}
