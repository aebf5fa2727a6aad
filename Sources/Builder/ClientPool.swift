import ChartRepository
import Content
import HTTP
import K0sConfig
import OCI

/// Makes the transport one worker thread owns (libcurl handles are never shared between
/// threads). Builds and plans take one, so that their tests can hand in a scripted transport.
public typealias TransportFactory = @Sendable () throws(HTTPError) -> any HTTPTransport

public enum Transports {
    /// libcurl, configured from the environment (proxies, timeouts).
    public static let curl: TransportFactory = { () throws(HTTPError) -> any HTTPTransport in try HTTPTransports.standard() }
}

/// The build's one work queue: each worker owns one transport and the clients over it.
typealias BuildPool = WorkerPool<ClientPool, HTTPError>

extension WorkerPool where Worker == ClientPool, Failure == HTTPError {
    /// Workers each making their transport with `makeTransport`, on their own thread.
    convenience init(workers: Int, name: String = "bundle-worker", makeTransport: @escaping TransportFactory) throws(HTTPError) {
        let cancelled = HTTPError(.cancelled, host: "", reason: "the build stopped before this transfer began",
                                  hint: "Another problem ended the build; see the errors before this one.")
        try self.init(workers: workers, name: name, cancelled: cancelled) { () throws(HTTPError) -> ClientPool in
            ClientPool(transport: try makeTransport())
        }
    }
}

/// The clients of one worker thread, over its one transport: one registry client per registry
/// and repository entry (so tokens and connections are reused), one client per classic
/// repository. Not `Sendable`, like the transport it owns.
final class ClientPool {
    let transport: any HTTPTransport
    private var registries: [String: RegistryClient] = [:]
    private var repositories: [String: ChartRepositoryClient] = [:]

    init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// The client for an OCI chart's registry with its repository entry's TLS and credentials.
    func registry(for job: Builder.PullJob, reference: ChartReference) throws(RegistryError) -> RegistryClient {
        try registry(reference.registry, repository: job.repository, credentials: job.credentials)
    }

    func registry(_ registry: String, repository: RepositoryEntry?, credentials: RegistryCredentials.Found?) throws(RegistryError) -> RegistryClient {
        let key = "\(registry)|\(repository?.name ?? "")"
        if let existing = registries[key] { return existing }
        let client = try RegistryClient(
            registry: registry, plainHTTP: repository?.plainHTTP ?? false,
            tls: repository?.tls ?? TLSSettings(source: "the config has no repository entry for \(registry)",
                                                howToGiveCA: "a repository entry for oci://\(registry) with caFile in the config"),
            credentials: credentials?.credentials, transport: transport)
        client.credentialHelp = RegistryCredentials.help(repository: repository, registry: registry, source: credentials?.source)
        registries[key] = client
        return client
    }

    /// The client for a classic repository entry.
    func chartRepository(_ repository: RepositoryEntry, credentials: RegistryCredentials.Found?, cacheDir: String) throws(RegistryError) -> ChartRepositoryClient {
        if let existing = repositories[repository.url] { return existing }
        let client = try ChartRepositoryClient(url: repository.url, tls: repository.tls, credentials: credentials?.credentials, transport: transport, cacheDir: cacheDir)
        client.credentialHelp = RegistryCredentials.help(repository: repository, registry: client.host, source: credentials?.source)
        repositories[repository.url] = client
        return client
    }
}
