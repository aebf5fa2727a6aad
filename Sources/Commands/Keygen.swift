import ArgumentParser
import BundleFormat
import FileSystem
import Foundation

/// `bundle keygen`: make a signing key pair in the PEM formats openssl reads and writes.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
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
            // A missing folder is refused (as ssh-keygen -f does), and so is anything but a regular file.
            let keyPath = try OutputPath.prepare(out + ".key", option: "--out", followLinks: false)
            let pubPath = try OutputPath.prepare(out + ".pub", option: "--out")
            for path in [out + ".key", out + ".pub"] where FileManager.default.fileExists(atPath: path) && !force {
                throw CommandError(code: .keyExists, subject: path, reason: "exists; refusing to overwrite a key", hint: "Choose another --out, or pass --force.")
            }
            let key = SigningKey.generate(algorithm)
            // The private key is created with mode 0600 from the start, never readable by others.
            try DurableFile.write(Array(key.pem.utf8), to: keyPath, mode: 0o600)
            try DurableFile.write(Array(key.publicKey.pem.utf8), to: pubPath, mode: 0o644)
            print("private key  \(out).key  (keep secret; bundle build --sign-key)")
            print("public key   \(out).pub  (for the nodes; bundle install --trust)")
            print("key id       \(key.publicKey.keyID)")
        }
    }
}

extension SignatureAlgorithm: ExpressibleByArgument {}
