import Archive
import Builder
import BundleFormat
@testable import Commands
import Content
import Diagnostics
import FileSystem
import Foundation
import HTTP
import Images
import Pusher
import K0sConfig
import OCI
import Testing

/// docs/errors.md's table of error codes is the contract scripts rely on: every code the tool can
/// report has a row with its class, and every row names a code that exists.
struct ErrorCodeTableTests {
    static let table = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/errors.md").path

    /// `code → class` from the rows `| \`code\` | class | … |`.
    static func documented() throws -> [String: String] {
        let text = try String(contentsOfFile: table, encoding: .utf8)
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`"), cells[1].hasSuffix("`"), ErrorClass(rawValue: cells[2]) != nil else { continue }
            rows[String(cells[1].dropFirst().dropLast())] = cells[2]
        }
        return rows
    }

    static func codes<C: ErrorCodeSet>(_ type: C.Type) -> [(String, String)] {
        C.allCases.map { ($0.rawValue, $0.errorClass.rawValue) }
    }

    static let all: [(String, String)] = codes(HTTPError.Code.self) + codes(RegistryError.Code.self) + codes(BundleError.Code.self)
        + codes(BuildError.Code.self) + codes(ConfigProblem.Code.self) + codes(ArchiveError.Code.self)
        + codes(FileSystemError.Code.self) + codes(CommandError.Code.self) + codes(ImageError.Code.self) + codes(PushError.Code.self)

    @Test func everyCodeIsDocumentedWithItsClass() throws {
        let rows = try Self.documented()
        #expect(rows.count > 50, "the table of codes was not found in \(Self.table)")
        for (code, errorClass) in Self.all {
            #expect(rows[code] != nil, "error code \(code) is missing from docs/errors.md's table of codes")
            if let documented = rows[code] { #expect(documented == errorClass, "\(code) is \(errorClass) in the code, \(documented) in docs/errors.md") }
        }
    }

    @Test func everyDocumentedCodeExists() throws {
        let known = Set(Self.all.map(\.0))
        for code in try Self.documented().keys {
            #expect(known.contains(code), "docs/errors.md documents \(code), which no error type has")
        }
    }

    @Test func nestedErrorsKeepTheirCode() {
        var registry = RegistryError(HTTPFailure: HTTPError(.certificateUntrusted, host: "r:5443", reason: "not trusted", hint: "Give the CA."), registry: "r:5443")
        #expect(registry.errorCode == "certificateUntrusted")
        #expect(registry.errorClass == .remote)
        let problem = BuildError.Problem(wrapping: registry, subject: "web")
        #expect(problem.code == "certificateUntrusted")
        #expect(problem.subject == "web")
        #expect(problem.hint == "Give the CA.")
        let build = BuildError([problem])
        #expect(build.errorCode == "certificateUntrusted")
        #expect(build.report.subject == "web")
        registry.transportCode = nil
        #expect(BuildError.Problem(wrapping: registry, subject: "web").code == "registryFailed")
    }

    @Test func reportHasEveryField() throws {
        let error = BundleError(.entryMismatch, "b.tar.gz: entry \"charts/a.tgz\"", reason: "has sha256 x", hint: "Do not install it.")
        let data = try JSONEncoder().encode(Output.Failure(error: error.report, ok: false))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let detail = try #require(object["error"] as? [String: Any])
        #expect(detail["code"] as? String == "entryMismatch")
        #expect(detail["class"] as? String == "integrity")
        #expect(detail["subject"] as? String == "b.tar.gz: entry \"charts/a.tgz\"")
        #expect(detail["message"] as? String == "b.tar.gz: entry \"charts/a.tgz\": has sha256 x. Do not install it.")
        #expect(detail["hint"] as? String == "Do not install it.")
        #expect(object["ok"] as? Bool == false)
    }
}
