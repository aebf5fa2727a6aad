import BundleFormat
import Foundation
import K0sConfig

/// How a node uses a mirror instead of local copies (`install --mirror`).
public struct MirrorInstall: Sendable {
    public var target: MirrorTarget
    /// The mirror's CA certificate (PEM) on this machine, installed under the data dir.
    public var caFile: String
    public var username: String?
    public var password: String?
    /// containerd's config version for the k0s drop-in: 3 (k0s 1.36+, containerd 2) or 2.
    public var containerdConfigVersion = 3

    public init(target: MirrorTarget, caFile: String) {
        self.target = target
        self.caFile = caFile
    }
}

/// Mirror mode: no chart or image file is placed; the config points every chart at the
/// mirror through one repository entry with the installed CA, and containerd's `hosts.toml`
/// files send pulls of every source registry of the bundle's images to the mirror.
extension Installer {
    static let mirrorRepositoryName = "bundle-mirror"
    static let containerdFolder = "/etc/k0s/containerd.d"

    /// The files a mirror install writes (node paths without the root) and their bytes.
    func mirrorFiles(_ manifest: BundleManifest, mirror: MirrorInstall) throws(BundleError) -> [(path: String, data: Data)] {
        let ca = try Self.certificatesOnly(mirror.caFile)
        let caPath = node.certificate("\(Self.mirrorRepositoryName).crt")
        var files: [(path: String, data: Data)] = [(caPath, ca)]
        let certsFolder = Self.containerdFolder + "/certs.d"
        var hosts = Set<String>()
        // Controller-only nodes (--no-images) pull no images: containerd is left alone.
        guard options.placeImages else { return files }
        for image in manifest.images ?? [] {
            guard let place = mirror.target.imageRepository(reference: image.reference), hosts.insert(place.host).inserted else { continue }
            let server = place.host == "docker.io" ? "https://registry-1.docker.io" : "https://\(place.host)"
            let path = mirror.target.repository(MirrorTarget.hostFolder(place.host))
            let text = """
                # Written by `bundle install --mirror`: pulls of \(place.host) go to the mirror.
                server = "\(server)"

                [host."https://\(mirror.target.registry)/v2/\(path)"]
                  capabilities = ["pull", "resolve"]
                  ca = "\(caPath)"
                  override_path = true

                """
            files.append(("\(certsFolder)/\(place.host)/hosts.toml", Data(text.utf8)))
        }
        let plugin = mirror.containerdConfigVersion == 2 ? "io.containerd.grpc.v1.cri" : "io.containerd.cri.v1.images"
        let dropIn = """
            # Written by `bundle install --mirror`: containerd reads registry hosts from certs.d.
            version = \(mirror.containerdConfigVersion)

            [plugins."\(plugin)".registry]
              config_path = "\(certsFolder)"

            """
        files.append(("\(Self.containerdFolder)/bundle-mirror.toml", Data(dropIn.utf8)))
        return files
    }

    /// The bundle's config with every chart at the mirror, through one repository entry.
    func mirrorConfig(_ bundled: Data, manifest: BundleManifest, mirror: MirrorInstall) throws -> Data {
        guard let text = String(data: bundled, encoding: .utf8) else {
            throw BundleError(.manifestInvalid, manifest.config.path, reason: "is not UTF-8 text", hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        let config = try K0sConfig.parse(text: text, file: manifest.config.path, directory: node.dataDir)
        var placement = OfflinePlacement()
        for chart in manifest.charts {
            let reference = "oci://\(mirror.target.registry)/\(mirror.target.chartRepository(reference: chart.reference, name: chart.name))"
            for release in chart.releases {
                placement.chartPaths[release] = reference
                placement.versions[release] = chart.version
            }
        }
        placement.mirror = MirrorRepository(name: Self.mirrorRepositoryName, url: "oci://\(mirror.target.registry)",
                                            caFile: node.certificate("\(Self.mirrorRepositoryName).crt"), username: mirror.username, password: mirror.password)
        return Data(try config.offlineConfig(placement).text.utf8)
    }
}

extension Installer {
    /// A mirror install, after the signature, the lock and the sequence checks: the entries are
    /// verified (only the config is kept), then the mirror's CA, containerd's hosts files and
    /// drop-in, and the config are placed (all or nothing), the record last, and the files of
    /// a previous local install removed.
    func installForMirror(_ bundle: BundleVerifier, mirror: MirrorInstall, previous: InstalledRecord?, report: InstallReport) throws -> InstallReport {
        var report = report
        report.mirror = mirror.target.description
        let manifest = bundle.manifest
        let plan = try mirrorPlan(manifest, mirror: mirror)
        // What an install killed while placing left aside, and targets that cannot be files.
        let folders = Set(plan.recordFiles.map { ($0 as NSString).deletingLastPathComponent })
        state.removeStaleStaging(configOut: options.configOut, placedFolders: folders.sorted())
        for path in plan.recordFiles {
            var info = stat()
            if lstat(rooted(path), &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
                throw BundleError(.writeFailed, rooted(path), reason: "exists and is not a regular file", hint: "Move it away, then install again; nothing was changed.")
            }
        }
        let staging = state.folder + "/staging-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let staged = try bundle.stage(into: staging) { $0.path == manifest.config.path }
        // The same bundle, mirror, files and config (credentials included) as last time: unchanged.
        let wouldWrite = try staged[manifest.config.path].flatMap { FileManager.default.contents(atPath: $0) }.map { NodeFiles.sha256(try mirrorConfig($0, manifest: manifest, mirror: mirror)) }
        if let previous, previous.mirror == mirror.target.description, previous.manifestDigest == bundle.manifestDigest, previous.config == options.configOut,
           plan.files.allSatisfy({ NodeFiles.sha256(of: rooted($0.nodePath)) == $0.sha256 }), let configSHA = previous.configSHA256,
           NodeFiles.sha256(of: configFile(options.configOut)) == configSHA, wouldWrite == configSHA {
            report.status = .unchanged
            report.files = plan.files.map { .init(path: rooted($0.nodePath), action: "unchanged", sha256: $0.sha256) }
            return report
        }
        _ = try apply(plan, manifest: manifest, staged: staged, staging: staging, report: &report)
        try recordAndPrune(bundle, plan: plan, previous: previous, imagesSHA256: nil, report: &report)
        return report
    }
}

extension Installer {
    /// The PEM certificate blocks of a CA file and nothing else; a private key in it is refused
    /// (it would be copied to every node).
    static func certificatesOnly(_ path: String) throws(BundleError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BundleError(.keyUnreadable, path, reason: "cannot be read (the mirror's CA)", hint: "Give --mirror-ca the CA certificate that signed the mirror's TLS certificate.")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("PRIVATE KEY-----") {
            throw BundleError(.keyIsPrivate, path, reason: "holds a private key; only the CA certificate goes to the nodes", hint: "Give --mirror-ca a file with the CA certificate alone.")
        }
        var blocks: [String] = []
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN CERTIFICATE-----"), let end = rest[begin.upperBound...].range(of: "-----END CERTIFICATE-----") {
            blocks.append(String(rest[begin.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        guard !blocks.isEmpty else {
            throw BundleError(.keyUnreadable, path, reason: "holds no PEM certificate (the mirror's CA)", hint: "Give --mirror-ca the CA certificate that signed the mirror's TLS certificate.")
        }
        return Data((blocks.joined(separator: "\n") + "\n").utf8)
    }
}
