import Content
import Foundation
import HTTP

/// Pushing to a registry (distribution spec v1.1), as a mirror is seeded: HEAD a blob first and
/// skip what exists, mount from another repository of the same registry, else POST an upload
/// session and PUT the blob (PATCH chunks for large ones), manifests last by the caller.
extension RegistryClient {
    /// What happened to one blob.
    public enum BlobPush: Sendable, Equatable {
        case present, mounted, uploaded(Int64)
    }

    /// Blobs above this go up in PATCH chunks of this size, then a closing PUT (64 MiB;
    /// `BUNDLE_PUSH_CHUNK_BYTES` lowers it, so that tests exercise chunks with small blobs).
    public static let chunkBytes: Int64 = ProcessInfo.processInfo.environment["BUNDLE_PUSH_CHUNK_BYTES"].flatMap(Int64.init).map { max($0, 1) } ?? 64 << 20

    func pushScope(_ repository: String) -> String { "repository:\(repository):pull,push" }

    /// One authenticated request with the push scope: on a 401 the challenge is answered once.
    func pushRequest(_ method: String, _ url: URL, repository: String, headers: [(name: String, value: String)] = [],
                     body: Data? = nil, upload: HTTPRequest.Upload? = nil) throws(RegistryError) -> HTTPResponse {
        let scope = pushScope(repository)
        func attempt() throws(RegistryError) -> HTTPResponse {
            try send(url, scope: scope, accept: nil, body: .memory(limit: 1 << 20), method: method, headers: headers, requestBody: body, upload: upload)
        }
        var response = try attempt()
        if response.status == 401 {
            _ = try authenticate(response, scope: scope)
            response = try attempt()
        }
        // Harbor answers a push into a project that does not exist with 404 (or 401/403 where
        // the project is hidden from this user), naming the project.
        if [401, 403, 404].contains(response.status), method != "HEAD" {
            let detail = errorDetail(response)
            if detail.lowercased().contains("project") && detail.lowercased().contains("not") {
                throw RegistryError(.repositoryNotFound, registry: registry, reason: "\(repository): the project does not exist\(detail)",
                                    hint: "Create the project (the first path segment) in the registry, or push under another --prefix.")
            }
        }
        // 401: the credentials were rejected (or none were given); 403: they were accepted, but
        // this user may not push here.
        if response.status == 401 {
            let detail = errorDetail(response)
            if let credentials {
                throw RegistryError(.credentialsRejected, registry: registry,
                                    reason: "pushing to \(repository) was refused (HTTP 401): the registry rejected the credentials of user \"\(credentials.username)\"\(detail)",
                                    hint: credentialHelp.rejected(user: credentials.username))
            }
            throw RegistryError(.credentialsRequired, registry: registry, reason: "pushing to \(repository) needs credentials (HTTP 401)\(detail)",
                                hint: "Give credentials with push access: \(credentialHelp.give).")
        }
        if response.status == 403 {
            let detail = errorDetail(response)
            throw RegistryError(.accessDenied, registry: registry,
                                reason: "pushing to \(repository) was refused (HTTP 403)\(detail)",
                                hint: credentials.map { "User \"\($0.username)\"\(credentialHelp.source.map { " (from \($0))" } ?? "") needs push access to \(repository)." }
                                    ?? "Give credentials with push access: \(credentialHelp.give).")
        }
        return response
    }

    /// Whether the registry has the blob in `repository` already.
    public func hasBlob(repository: String, digest: Digest) throws(RegistryError) -> Bool {
        let response = try pushRequest("HEAD", try endpoint("/v2/\(repository)/blobs/\(digest)"), repository: repository)
        if response.status == 200 { return true }
        if response.status == 404 { return false }
        throw failure(response, what: "blob \(digest) of \(repository)", repository: repository)
    }

    /// Sends one blob unless the repository has it: mounted from `mountFrom` (another repository
    /// of this registry that has it), else uploaded from `file`.
    /// `sent` hears the bytes of the file as they go up.
    public func pushBlob(repository: String, descriptor: Descriptor, file: String, mountFrom: String?,
                         sent: (@Sendable (Int64) -> Void)? = nil) throws(RegistryError) -> BlobPush {
        if try hasBlob(repository: repository, digest: descriptor.digest) { return .present }
        var location: URL
        if let mountFrom {
            let url = try endpoint("/v2/\(repository)/blobs/uploads/", query: "mount=\(descriptor.digest)&from=\(mountFrom)")
            let response = try pushRequest("POST", url, repository: repository, headers: [("Content-Length", "0")], body: Data())
            if response.status == 201 { return .mounted }
            location = try uploadLocation(response, repository: repository)
        } else {
            let response = try pushRequest("POST", try endpoint("/v2/\(repository)/blobs/uploads/"), repository: repository,
                                           headers: [("Content-Length", "0")], body: Data())
            location = try uploadLocation(response, repository: repository)
        }
        var offset: Int64 = 0
        if descriptor.size > Self.chunkBytes {
            while offset < descriptor.size {
                let length = min(Self.chunkBytes, descriptor.size - offset)
                let response = try pushRequest("PATCH", location, repository: repository, headers: [
                    ("Content-Type", "application/octet-stream"), ("Content-Range", "\(offset)-\(offset + length - 1)")],
                    upload: HTTPRequest.Upload(path: file, offset: offset, length: length, progress: sent))
                location = try uploadLocation(response, repository: repository)
                offset += length
            }
        }
        let final = try url(location, adding: "digest=\(descriptor.digest)")
        let response = try pushRequest("PUT", final, repository: repository, headers: [("Content-Type", "application/octet-stream")],
                                       upload: HTTPRequest.Upload(path: file, offset: offset, length: descriptor.size - offset, progress: sent))
        guard response.status == 201 || response.status == 204 else {
            throw failure(response, what: "the upload of \(descriptor.digest) to \(repository)", repository: repository)
        }
        return .uploaded(descriptor.size)
    }

    /// Puts a manifest or index under a tag or its digest; the registry must answer with its digest.
    public func pushManifest(repository: String, reference: String, mediaType: String, body: Data) throws(RegistryError) {
        let response = try pushRequest("PUT", try endpoint("/v2/\(repository)/manifests/\(reference)"), repository: repository,
                                       headers: [("Content-Type", mediaType)], body: body)
        guard response.status == 201 || response.status == 200 else {
            let detail = errorDetail(response)
            if detail.contains("MANIFEST_BLOB_UNKNOWN") || detail.lowercased().contains("blob unknown") {
                throw RegistryError(.partialIndexRefused, registry: registry,
                                    reason: "\(repository):\(reference) was refused because it names manifests the registry does not have\(detail)",
                                    hint: "The bundle holds only the chosen platforms of this index; this registry refuses partial indexes. The platform manifests were pushed by digest.")
            }
            throw failure(response, what: "manifest \(repository):\(reference)", repository: repository)
        }
    }

    /// The `Location` of an upload session, absolute, and on this registry only.
    func uploadLocation(_ response: HTTPResponse, repository: String) throws(RegistryError) -> URL {
        guard response.status == 202 || response.status == 201, let text = response.header("Location"),
              let location = URL(string: text, relativeTo: baseURL)?.absoluteURL else {
            throw failure(response, what: "an upload session for \(repository)", repository: repository)
        }
        guard location.origin == baseURL.origin else {
            throw RegistryError(.badResponse, registry: registry, reason: "the upload session for \(repository) points to another origin (\(location.hostAndPort))",
                                hint: "Credentials are not sent elsewhere; push to the registry's own address.")
        }
        return location
    }

    func url(_ base: URL, adding query: String) throws(RegistryError) -> URL {
        let separator = base.absoluteString.contains("?") ? "&" : "?"
        guard let url = URL(string: base.absoluteString + separator + query) else {
            throw RegistryError(.badResponse, registry: registry, reason: "gave an upload location that cannot be used: \(base.absoluteString)",
                                hint: "The registry's upload API answers oddly; check that this is the registry's own address, or report it to its operators.")
        }
        return url
    }
}
