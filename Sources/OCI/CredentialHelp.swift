/// What a registry's 401 and 403 errors tell the user to do: the ways the command that failed
/// takes credentials (its flags, or its variables), and where the credentials in use came from.
public struct CredentialHelp: Sendable {
    /// How this command is given credentials, as a phrase: "--username with --password-stdin, or …".
    public var give: String
    /// Where the credentials in use came from, when there are some.
    public var source: String?

    public init(give: String, source: String? = nil) {
        self.give = give
        self.source = source
    }

    /// A command with --username and --password-stdin (pull), which also reads `docker login`.
    public static func flags(registry: String, source: String? = nil) -> CredentialHelp {
        CredentialHelp(give: "--username with --password-stdin, or `docker login \(registry)` (or `helm registry login`)", source: source)
    }

    /// The hint when credentials are needed and none were given.
    public var required: String { "Give credentials: \(give)." }

    /// The hint when the registry refused them.
    public func rejected(user: String) -> String {
        "Check the password of user \"\(user)\"\(source.map { " (from \($0))" } ?? ""); credentials are given with \(give)."
    }

    /// The hint for a 403 without credentials.
    public var withPullAccess: String { "Give credentials with pull access: \(give)." }
}
