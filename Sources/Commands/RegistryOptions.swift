import ArgumentParser
import Content
import Foundation
import HTTP
import OCI

/// How to reach and trust a registry from the command line, as `helm pull` spells it.
struct RegistryOptions: ParsableArguments {
    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of the CA(s) to trust for the registry; replaces the system trust store.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("cert-file"), help: ArgumentHelp("PEM client certificate, for registries that require mutual TLS.", valueName: "file"))
    var certFile: String?

    @Option(name: .customLong("key-file"), help: ArgumentHelp("PEM private key of the client certificate.", valueName: "file"))
    var keyFile: String?

    @Option(help: "User name for the registry.")
    var username: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the registry password from standard input.")
    var passwordStdin = false

    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "Do not verify the registry's certificate (not recommended).")
    var insecureSkipTLSVerify = false

    @Flag(name: .customLong("plain-http"), help: "Use plain HTTP instead of HTTPS.")
    var plainHTTP = false

    func validate() throws {
        if (certFile == nil) != (keyFile == nil) {
            throw ValidationError("--cert-file and --key-file go together: give the client certificate and its private key.")
        }
        if passwordStdin && username == nil {
            throw ValidationError("--password-stdin needs --username: give the user name the password belongs to.")
        }
        if username != nil && !passwordStdin {
            throw ValidationError("--username needs --password-stdin: pipe the password in, e.g. `printenv REGISTRY_PASSWORD | bundle pull ... --username u --password-stdin`.")
        }
        if plainHTTP && (caFile != nil || certFile != nil || insecureSkipTLSVerify) {
            throw ValidationError("--plain-http turns TLS off, so --ca-file, --cert-file and --insecure-skip-tls-verify cannot apply; drop one or the other.")
        }
    }

    var tls: TLSSettings {
        TLSSettings(
            caFile: caFile, certFile: certFile, keyFile: keyFile, insecureSkipVerify: insecureSkipTLSVerify,
            source: "command-line flags")
    }

    /// Reads the password from standard input (`PasswordInput`).
    func credentials() throws -> Credentials? {
        guard let username, passwordStdin else { return nil }
        return Credentials(username: username, password: try PasswordInput.read(flag: "--password-stdin"))
    }
}

/// The one way a password is read from standard input (`--password-stdin`,
/// `--mirror-password-stdin`): everything up to one trailing line break (LF, CRLF or CR,
/// as `echo`, `printenv` and Windows tools end it); an empty password is refused.
enum PasswordInput {
    static func read(flag: String) throws -> String {
        try parse(FileHandle.standardInput.readDataToEndOfFile(), flag: flag)
    }

    static func parse(_ data: Data, flag: String) throws -> String {
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw ValidationError("\(flag) read an empty password; pipe the password into bundle.") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
