import ArgumentParser
import BundleFormat
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

    func run() throws {
        let keyPath = out + ".key", pubPath = out + ".pub"
        for path in [keyPath, pubPath] where FileManager.default.fileExists(atPath: path) && !force {
            Output.error("\(path) exists; refusing to overwrite a key. Choose another --out, or pass --force.")
            throw ExitCode(1)
        }
        let key = SigningKey.generate(algorithm)
        let directory = (keyPath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // The private key is created with mode 0600 from the start, never readable by others.
        unlink(keyPath)
        let fd = open(keyPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            Output.error("cannot create \(keyPath): \(String(cString: strerror(errno))). Choose a writable folder for --out.")
            throw ExitCode(1)
        }
        let bytes = Array(key.pem.utf8)
        let written = write(fd, bytes, bytes.count)
        fsync(fd)
        close(fd)
        guard written == bytes.count, FileManager.default.createFile(atPath: pubPath, contents: Data(key.publicKey.pem.utf8)) else {
            Output.error("cannot write the key files \(keyPath) and \(pubPath): check free space and that the folder is writable, then run keygen again with --force.")
            throw ExitCode(1)
        }
        print("private key  \(keyPath)  (keep secret; bundle build --sign-key)")
        print("public key   \(pubPath)  (for the nodes; bundle install --trust)")
        print("key id       \(key.publicKey.keyID)")
    }
}

extension SignatureAlgorithm: ExpressibleByArgument {}
