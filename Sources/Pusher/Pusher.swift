import BundleFormat
import Content
import Diagnostics
import Foundation
import HTTP
import OCI

public struct PushError: CodedError {
    public enum Code: String, ErrorCodeSet {
        /// The mirror is not `oci://HOST[:PORT][/PREFIX]`.
        case invalidTarget
        /// Two artifacts of the bundle would land on one repository and tag.
        case collision
        /// The bundle's content is not what a push needs (a chart without its OCI manifest).
        case incompleteBundle

        public var errorClass: ErrorClass { .input }
    }

    public var code: Code
    public var subject: String
    public var reason: String
    public var hint: String

    public init(_ code: Code, _ subject: String, reason: String, hint: String) {
        self.code = code
        self.subject = subject
        self.reason = reason
        self.hint = hint
    }
}

/// What `bundle push` does.
public struct PushOptions: Sendable {
    public var bundle: String
    public var target: MirrorTarget
    public var tls: TLSSettings
    public var plainHTTP = false
    public var credentials: Credentials?
    /// Where they came from, for messages.
    public var credentialSource: String?
    /// Artifacts pushed at once, each worker with its own connection.
    public var concurrency = 4
    /// The blob bytes settled so far (sent, or found in the mirror) and their total, for a
    /// progress bar; heard from every worker.
    public var progress: (@Sendable (_ done: Int64, _ total: Int64) -> Void)?

    public init(bundle: String, target: MirrorTarget, tls: TLSSettings) {
        self.bundle = bundle
        self.target = target
        self.tls = tls
    }
}

/// What a push did.
public struct PushReport: Encodable, Sendable {
    public struct Pushed: Encodable, Sendable {
        public var kind: String
        public var source: String
        /// The full reference in the mirror.
        public var target: String
        /// What the target names in the mirror: the bundle's root digest, or, where the mirror
        /// refused a partial index, the platform manifest (or index of the bundled platforms)
        /// pushed under the tag instead.
        public var digest: String
        /// The root digest as the bundle (and the source registry) has it.
        public var sourceDigest: String
        /// Bytes of blobs this push uploaded for it (0 when the mirror had them all).
        public var uploaded: Int64
    }
    public var bundle: String
    public var mirror: String
    public var verifiedBy: String?
    public var pushed: [Pushed] = []
    public var uploaded: Int64 = 0
    public var warnings: [String] = []
}

/// Seeds a registry from a bundle: the signature and every entry are verified first (into a
/// private staging folder) and only then is a byte sent; charts and images go up with the
/// manifests and digests they were served with (see `PushPlan` for where).
public final class Pusher {
    let options: PushOptions
    let trusted: [(key: VerificationKey, source: String)]
    let log: (String) -> Void

    public init(options: PushOptions, trusted: [(key: VerificationKey, source: String)], log: @escaping (String) -> Void) {
        self.options = options
        self.trusted = trusted
        self.log = log
    }

    public func push() throws -> PushReport {
        let bundle = try BundleVerifier(path: options.bundle, trusted: trusted)
        let staging = NSTemporaryDirectory() + "bundle-push-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let staged = try bundle.stage(into: staging)
        let items = try PushItems(manifest: bundle.manifest, staged: staged, target: options.target, staging: staging).items
        try PushPlan.collisions(items)

        var report = PushReport(bundle: options.bundle, mirror: options.target.description, verifiedBy: bundle.verifiedBy)
        let tally = PushTally(items: items, report: options.progress)
        let results = try PushRun(items: items, workers: options.concurrency) { [options] () throws -> RegistryClient in
            let client = try RegistryClient(registry: options.target.registry, plainHTTP: options.plainHTTP, tls: options.tls,
                                            credentials: options.credentials, transport: try HTTPTransports.standard())
            client.credentialHelp = CredentialHelp(give: "--username with --password-stdin, or BUNDLE_MIRROR_USERNAME and BUNDLE_MIRROR_PASSWORD",
                                                   source: options.credentialSource)
            return client
        }.run { [self] item, client, holders in try pushItem(item, client: client, holders: holders, tally: tally) }
        for (pushed, warnings) in results {
            report.pushed.append(pushed)
            report.uploaded += pushed.uploaded
            report.warnings += warnings
            log("\(pushed.kind) \(pushed.source) -> \(pushed.target) (\(pushed.uploaded > 0 ? "\(pushed.uploaded) bytes uploaded" : "nothing to upload"))")
        }
        return report
    }

    /// One item: its blobs (skipped, mounted or uploaded), then its manifests.
    func pushItem(_ item: PushItem, client: RegistryClient, holders: Holders, tally: PushTally) throws -> (PushReport.Pushed, [String]) {
        var uploaded: Int64 = 0
        for blob in item.blobs {
            let mountFrom = holders.holder(of: blob.descriptor.digest).flatMap { $0 == item.repository ? nil : $0 }
            var sent: (@Sendable (Int64) -> Void)?
            if tally.reporting { sent = { tally.add($0) } }
            let outcome = try client.pushBlob(repository: item.repository, descriptor: blob.descriptor, file: blob.file, mountFrom: mountFrom, sent: sent)
            if case .uploaded(let bytes) = outcome { uploaded += bytes }
            tally.settled(blob.descriptor, sent: outcome)
            holders.record(blob.descriptor.digest, in: item.repository)
        }
        let (warning, atTarget) = try pushManifests(item, client: client)
        let target = "\(options.target.registry)/\(item.repository)" + (item.tags.first.map { ":\($0)" } ?? "@\(item.root.digest)")
        return (.init(kind: item.kind.rawValue, source: item.source, target: target, digest: atTarget.description,
                      sourceDigest: item.root.digest.description, uploaded: uploaded),
                warning.map { [$0] } ?? [])
    }

    /// Children by digest, then the root by digest and each tag. A registry that refuses an
    /// index whose other platforms are not in the bundle gets, under the tag, the bundled
    /// platform's manifest (or an index of the bundled platforms); returns the warning saying
    /// so, and the digest the target (the tag, else the root digest) names in the mirror.
    func pushManifests(_ item: PushItem, client: RegistryClient) throws -> (warning: String?, atTarget: Digest) {
        for (descriptor, data) in item.manifests.dropLast() {
            try client.pushManifest(repository: item.repository, reference: descriptor.digest.description, mediaType: descriptor.mediaType, body: data)
        }
        guard let last = item.manifests.last else { return (nil, item.root.digest) }
        let root = last.descriptor
        do {
            try client.pushManifest(repository: item.repository, reference: root.digest.description, mediaType: root.mediaType, body: last.data)
            for tag in item.tags { try client.pushManifest(repository: item.repository, reference: tag, mediaType: root.mediaType, body: last.data) }
            return (nil, root.digest)
        } catch {
            // Only the refusal of a partial index is worked around; anything else stops the push.
            guard error.code == .partialIndexRefused, item.manifests.count > 1 else { throw error }
            if item.tags.isEmpty {
                return ("\(item.source): \(client.registry) refuses the partial index \(root.digest) (the bundle holds only the chosen platforms), "
                    + "so pods that pin that digest cannot pull it from this mirror; its platform manifests were pushed by digest. "
                    + "Build with --platform all, or use a registry that stores partial indexes (Harbor, Zot)", root.digest)
            }
        }
        let children = Array(item.manifests.dropLast())
        var tagged = children[0]
        if children.count > 1 {
            // Several bundled platforms: an index of just those, so no platform is dropped.
            let index = Index(schemaVersion: 2, mediaType: MediaType.imageIndex, manifests: children.map(\.descriptor))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(index)
            tagged = (Descriptor(mediaType: MediaType.imageIndex, digest: Digest.sha256(of: data), size: Int64(data.count)), data)
            try client.pushManifest(repository: item.repository, reference: tagged.descriptor.digest.description, mediaType: MediaType.imageIndex, body: data)
        }
        for tag in item.tags {
            try client.pushManifest(repository: item.repository, reference: tag, mediaType: tagged.descriptor.mediaType, body: tagged.data)
        }
        return ("\(item.source): \(client.registry) refuses the partial index \(root.digest) (the bundle holds only the chosen platforms); "
            + "\(item.repository):\(item.tags[0]) names \(children.count > 1 ? "an index of the bundled platforms" : "the bundled platform's manifest") \(tagged.descriptor.digest) instead",
            tagged.descriptor.digest)
    }
}
