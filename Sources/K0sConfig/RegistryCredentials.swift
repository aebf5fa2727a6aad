import Content
import Diagnostics
import Foundation

/// Where a registry's credentials come from, so pipelines need not write secrets into configs.
///
/// In order: the environment (`BUNDLE_REPO_<NAME>_USERNAME` and `BUNDLE_REPO_<NAME>_PASSWORD`,
/// NAME being the repository entry's name upper-cased with every other character than A-Z
/// and 0-9 turned into `_`), then `username`/`password` in the repository entry, then the
/// credential helper or `auths` of a Docker or Helm `config.json` for the registry's host (`$DOCKER_CONFIG/config.json`
/// or `~/.docker/config.json`, and `$HELM_REGISTRY_CONFIG` or `~/.config/helm/registry/config.json`).
public struct RegistryCredentials {
    public struct Found: Sendable {
        public var credentials: Credentials
        /// For messages and the plan: "environment BUNDLE_REPO_PRIVATE_*", "config", "~/.docker/config.json".
        public var source: String

        public init(credentials: Credentials, source: String) {
            self.credentials = credentials
            self.source = source
        }
    }

    let environment: [String: String]
    /// `HOME` (never the password database: a static binary must not load NSS modules);
    /// without it, no per-user config file is read.
    let home: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A mirror's credentials (`push`, `install --verify-mirror`): BUNDLE_MIRROR_USERNAME and
    /// BUNDLE_MIRROR_PASSWORD, else a Docker/Helm config.json entry for `host`.
    public func mirror(host: String) -> Found? {
        if let user = environment["BUNDLE_MIRROR_USERNAME"], let password = environment["BUNDLE_MIRROR_PASSWORD"] {
            return Found(credentials: Credentials(username: user, password: password), source: "BUNDLE_MIRROR_USERNAME/_PASSWORD")
        }
        return find(repository: nil, registry: host)
    }

    /// The environment variable prefix for a repository entry: `BUNDLE_REPO_MY_REGISTRY`.
    public static func variablePrefix(for repositoryName: String) -> String {
        "BUNDLE_REPO_" + String(repositoryName.uppercased().unicodeScalars.map { scalar in
            (("A"..."Z").contains(Character(scalar)) || ("0"..."9").contains(Character(scalar))) ? Character(scalar) : "_"
        })
    }

    /// What a 401 or 403 from `registry` tells the user of a config-driven command (plan,
    /// build, images): the variables and the repository entry that give credentials, or
    /// `docker login`; and where the credentials in use came from.
    public static func help(repository: RepositoryEntry?, registry: String, source: String?) -> CredentialHelp {
        guard let repository else {
            return CredentialHelp(give: "a repository entry for \(registry) (then BUNDLE_REPO_<NAME>_USERNAME and _PASSWORD, or its username and password), or `docker login \(registry)`",
                                  source: source, registry: registry)
        }
        let prefix = variablePrefix(for: repository.name)
        return CredentialHelp(give: "\(prefix)_USERNAME and \(prefix)_PASSWORD, username and password in the repository entry \"\(repository.name)\" (\(repository.origin)), or `docker login \(registry)`",
                              source: source, registry: registry)
    }

    /// One of a repository entry's two variables set without the other: a mistake (a typo, or a
    /// secret missing in the pipeline) that would otherwise fall through to other sources.
    public func halfSet(for repository: RepositoryEntry) -> String? {
        let prefix = Self.variablePrefix(for: repository.name)
        let user = environment["\(prefix)_USERNAME"], password = environment["\(prefix)_PASSWORD"]
        switch (user, password) {
        case (.some, nil): return "\(prefix)_USERNAME is set but \(prefix)_PASSWORD is not (repository \"\(repository.name)\"); set both, or neither"
        case (nil, .some): return "\(prefix)_PASSWORD is set but \(prefix)_USERNAME is not (repository \"\(repository.name)\"); set both, or neither"
        default: return nil
        }
    }

    public func find(repository: RepositoryEntry?, registry: String) -> Found? {
        if let repository {
            let prefix = Self.variablePrefix(for: repository.name)
            if let user = environment["\(prefix)_USERNAME"], let password = environment["\(prefix)_PASSWORD"] {
                return Found(credentials: Credentials(username: user, password: password), source: "environment \(prefix)_USERNAME/_PASSWORD")
            }
            if let user = repository.username, let password = repository.password, !user.isEmpty {
                return Found(credentials: Credentials(username: user, password: password), source: "\(repository.origin)")
            }
        }
        for path in configFiles() {
            if let credentials = dockerCredentials(path: path, registry: registry) {
                return Found(credentials: credentials, source: path)
            }
        }
        return nil
    }

    func configFiles() -> [String] {
        var files: [String] = []
        if let dir = environment["DOCKER_CONFIG"] { files.append((dir as NSString).appendingPathComponent("config.json")) }
        if let home { files.append("\(home)/.docker/config.json") }
        if let helm = environment["HELM_REGISTRY_CONFIG"] { files.append(helm) }
        if let home { files.append("\(home)/.config/helm/registry/config.json") }
        return files
    }

    /// A Docker config's credentials for `registry`: its credential helper (`credHelpers`
    /// for that registry, else `credsStore`), else `auths[registry]` with `auth` (base64
    /// user:password) or `username`/`password`.
    func dockerCredentials(path: String, registry: String) -> Credentials? {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let helpers = root["credHelpers"] as? [String: String] ?? [:]
        if let helper = helpers[registry] ?? helpers[registry.lowercased()] ?? (root["credsStore"] as? String),
           let credentials = Self.helperCredentials(helper, registry: registry, config: path, environment: environment)
        {
            return credentials
        }
        guard let auths = root["auths"] as? [String: Any] else { return nil }
        // Docker Hub is one registry under three names; `docker login` files it under index.docker.io.
        let hub: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]
        let wanted: Set<String> = hub.contains(registry.lowercased()) ? hub : [registry.lowercased()]
        for (key, value) in auths.sorted(by: { $0.key < $1.key }) {
            var host = key.lowercased()
            for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host = String(host.dropFirst(scheme.count)) }
            host = String(host.split(separator: "/").first ?? "")
            guard wanted.contains(host), let entry = value as? [String: Any] else { continue }
            if let auth = entry["auth"] as? String, let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
               let colon = decoded.firstIndex(of: ":") {
                return Credentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            }
            if let user = entry["username"] as? String, let password = entry["password"] as? String {
                return Credentials(username: user, password: password)
            }
        }
        return nil
    }

    /// Asks `docker-credential-<helper> get` (found on PATH) for `registry`'s credentials, as
    /// docker does; nil when the helper knows nothing. A helper that is missing, fails, or takes
    /// over 30 s is a warning that names it and what it printed; the command goes on without
    /// its credentials (and a refusal's hint names it, through `source`).
    static func helperCredentials(_ helper: String, registry: String, config: String, environment: [String: String]) -> Credentials? {
        let name = "docker-credential-\(helper)"
        guard helper.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), !helper.isEmpty else {
            Log.warning("\(config) names the credential helper \"\(helper.prefix(60))\", which is not a helper name; going on without credentials for \(registry)")
            return nil
        }
        guard let executable = executable(name, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            Log.warning("\(config) names the credential helper \(name) for \(registry), which is not on PATH; going on without credentials (install the helper, or remove it from \(config))")
            CredentialHelp.recordFailedHelper(name, registry: registry)
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["get"]
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            Log.warning("credential helper \(executable) (named in \(config)) cannot be started: \(error.localizedDescription); going on without credentials for \(registry)")
            return nil
        }
        // A helper that exits before reading its input makes this write fail with EPIPE (SIGPIPE
        // is ignored process-wide): that is the helper's failure, reported from its exit below.
        try? input.fileHandleForWriting.write(contentsOf: Data("\(registry)\n".utf8))
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            Log.warning("credential helper \(executable) (named in \(config)) gave no answer for \(registry) in 30 s; going on without credentials")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(400), as: UTF8.self) + String(decoding: data.prefix(400), as: UTF8.self)
        let printed = said.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        struct Answer: Decodable { var Username: String; var Secret: String }
        guard process.terminationStatus == 0 else {
            // Docker's helpers say this when they simply hold nothing for the registry.
            if printed.lowercased().contains("credentials not found") { return nil }
            Log.warning("credential helper \(executable) (named in \(config)) failed for \(registry) with exit status \(process.terminationStatus)\(printed.isEmpty ? "" : ": \(printed)"); going on without credentials")
            CredentialHelp.recordFailedHelper(name, registry: registry)
            return nil
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data), !answer.Secret.isEmpty else { return nil }
        return Credentials(username: answer.Username, password: answer.Secret)
    }

    /// The first executable file called `name` in the folders of `path` (a PATH value).
    static func executable(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
