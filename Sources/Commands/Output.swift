import ArgumentParser
import Builder
import BundleFormat
import Foundation
import HTTP
import K0sConfig
import OCI

/// Printing for commands: results to stdout, warnings and errors to stderr.
enum Output {
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// JSON with sorted keys and unescaped slashes, so output is stable and readable.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Runs `body`, turning the tool's errors into a message and exit status 1
    /// (and, with `json`, an error object on stdout).
    static func reportingErrors(json: Bool, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as RegistryError {
            try fail(code: error.transportCode?.rawValue ?? error.code.rawValue, message: error.description, json: json)
        } catch let error as HTTPError {
            try fail(code: error.code.rawValue, message: error.description, json: json)
        } catch let error as ConfigError {
            try fail(code: "config", message: error.description, json: json)
        } catch let error as BuildError {
            try fail(code: error.problems.first?.code.rawValue ?? "build", message: error.description, json: json)
        } catch let error as BundleError {
            try fail(code: error.code.rawValue, message: error.description, json: json)
        }
    }

    private static func fail(code: String, message: String, json: Bool) throws -> Never {
        error(message)
        if json {
            struct Failure: Encodable { var error: Detail; struct Detail: Encodable { var code: String; var message: String } }
            print(try Output.json(Failure(error: .init(code: code, message: message))))
        }
        throw ExitCode(1)
    }
}
