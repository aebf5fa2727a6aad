import ArgumentParser
import BundleFormat
import Foundation

/// The public keys a node trusts, repeatable for key rotation.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust"), help: ArgumentHelp("A trusted public key (PEM); required, repeat for several.", valueName: "key.pub"))
    var keys: [String]

    func validate() throws {
        if keys.isEmpty {
            throw ValidationError("--trust KEY.pub is required: the public key(s) whose signatures this node accepts (from `bundle keygen`).")
        }
    }

    func load() throws(BundleError) -> [(key: VerificationKey, source: String)] {
        var result: [(key: VerificationKey, source: String)] = []
        for path in keys {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw BundleError(.keyUnreadable, path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist", hint: "Give the .pub file made by `bundle keygen`.")
            }
            result.append((try VerificationKey(pem: text, source: path), path))
        }
        return result
    }
}
