import Synchronization

/// What a registry's 401 and 403 errors tell the user to do: the ways the command that failed
/// takes credentials (its flags, or its variables), and where the credentials in use came from.
public struct CredentialHelp: Sendable {
    /// How this command is given credentials, as a phrase: "--username with --password-stdin, or …".
    public var give: String
    /// Where the credentials in use came from, when there are some.
    public var source: String?
    /// The registry, to name a credential helper that failed for it.
    public var registry: String?

    public init(give: String, source: String? = nil, registry: String? = nil) {
        self.give = give
        self.source = source
        self.registry = registry
    }

    /// A command with --username and --password-stdin (pull), which also reads `docker login`.
    public static func flags(registry: String, source: String? = nil) -> CredentialHelp {
        CredentialHelp(give: "--username with --password-stdin, or `docker login \(registry)` (or `helm registry login`)", source: source, registry: registry)
    }

    /// Credential helpers (`docker-credential-NAME`) that failed, by registry: a refusal then
    /// names the helper, whose failure was a warning when it happened.
    private static let failedHelpers = Mutex<[String: String]>([:])

    public static func recordFailedHelper(_ helper: String, registry: String) {
        failedHelpers.withLock { $0[registry] = helper }
    }

    /// " The credential helper X … failed" where one did for this registry.
    var helperNote: String {
        guard let registry, let helper = Self.failedHelpers.withLock({ $0[registry] }) else { return "" }
        return " The credential helper \(helper) failed for \(registry) (see the warning above): fix it, or give credentials another way."
    }

    /// The hint when credentials are needed and none were given.
    public var required: String { "Give credentials: \(give).\(helperNote)" }

    /// The hint when the registry refused them.
    public func rejected(user: String) -> String {
        "Check the password of user \"\(user)\"\(source.map { " (from \($0))" } ?? ""); credentials are given with \(give)."
    }

    /// The hint for a 403 without credentials.
    public var withPullAccess: String { "Give credentials with pull access: \(give).\(helperNote)" }
}
