import ArgumentParser
import BundleFormat
import FileSystem
import Foundation

/// `bundle keygen`: make a signing key pair in the PEM formats openssl reads and writes.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a key pair for signing bundles: PREFIX.key (private) and PREFIX.pub.",
        discussion: """
            PREFIX.key is PKCS#8 PEM (mode 0600), PREFIX.pub SubjectPublicKeyInfo PEM. Keys made \
            by `openssl genpkey -algorithm ed25519` (or EC P-256) work as well. Put PREFIX.pub on \
            the nodes (bundle install --trust) and keep PREFIX.key in the pipeline's secrets.
            """)

    @Option(help: ArgumentHelp("ed25519 or ecdsa-p256.", valueName: "algorithm"))
    var algorithm: SignatureAlgorithm = .ed25519

    @Option(help: ArgumentHelp("Path prefix of the two files.", valueName: "prefix"))
    var out: String

    @Flag(help: "Replace existing files.")
    var force = false

    @OptionGroup(title: "Output")
    var logging: LoggingOptions

    func run() throws {
        try Output.reportingErrors(json: false) {
            let keyPath = out + ".key", pubPath = out + ".pub"
            for path in [keyPath, pubPath] where FileManager.default.fileExists(atPath: path) && !force {
                throw CommandError(code: .keyExists, subject: path, reason: "exists; refusing to overwrite a key", hint: "Choose another --out, or pass --force.")
            }
            let key = SigningKey.generate(algorithm)
            let directory = (keyPath as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw FileSystemError(.writeFailed, "create folder", path: directory, errorNumber: 0, reason: "cannot be created: \(error.localizedDescription)",
                                          hint: "Choose a writable folder for --out.")
                }
            }
            // The private key is created with mode 0600 from the start, never readable by others.
            try DurableFile.write(Array(key.pem.utf8), to: keyPath, mode: 0o600)
            try DurableFile.write(Array(key.publicKey.pem.utf8), to: pubPath, mode: 0o644)
            print("private key  \(keyPath)  (keep secret; bundle build --sign-key)")
            print("public key   \(pubPath)  (for the nodes; bundle install --trust)")
            print("key id       \(key.publicKey.keyID)")
        }
    }
}

extension SignatureAlgorithm: ExpressibleByArgument {}
