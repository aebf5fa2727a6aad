import Content
import FileSystem
import Foundation
import HTTP

/// A chart resolved in a registry: the exact version, the manifest and the layers to fetch.
public struct ResolvedChart: Sendable {
    public var reference: ChartReference
    /// The chart's real version, from its config blob (Chart.yaml).
    public var version: String
    /// The tag the manifest was found under, when resolved by tag or version.
    public var tag: String?
    public var manifestDigest: Digest
    /// The manifest as served (media type, digest, size) and its config blob: what a push to a
    /// mirror sends again so that every digest stays the same.
    public var manifest: Descriptor?
    public var configBlob: Descriptor?
    public var chartLayer: Descriptor
    public var provenanceLayer: Descriptor?
    public var config: HelmChartConfig
    /// Things the user should know that did not stop the pull (legacy media type, …).
    public var warnings: [String]

    public init(reference: ChartReference, version: String, tag: String?, manifestDigest: Digest, chartLayer: Descriptor, provenanceLayer: Descriptor?, config: HelmChartConfig, warnings: [String]) {
        self.reference = reference
        self.version = version
        self.tag = tag
        self.manifestDigest = manifestDigest
        self.chartLayer = chartLayer
        self.provenanceLayer = provenanceLayer
        self.config = config
        self.warnings = warnings
    }

    /// The file name Helm gives the chart: `NAME-VERSION.tgz`.
    public var fileName: String { "\(config.name)-\(version).tgz" }
}

/// A chart written to disk, verified.
public struct PulledChart: Sendable {
    public var resolved: ResolvedChart
    public var chartPath: String
    public var provenancePath: String?
}

/// A place for small content-addressed blobs; what comes back is checked against its digest.
public protocol SmallBlobStore: Sendable {
    /// The blob's bytes, verified against its digest; nil when the store has no such bytes.
    func data(for descriptor: Descriptor) -> Data?
    /// Keeps bytes the registry client verified.
    func keep(_ data: Data, for descriptor: Descriptor)
}

/// Resolves chart versions the way Helm does and downloads verified charts.
public final class ChartPuller {
    public let client: RegistryClient

    /// Where small, content-addressed blobs (chart configs) may already be kept, so that
    /// resolving a known chart again costs one manifest request, not two.
    let store: (any SmallBlobStore)?

    /// How hints name what the user writes: a config's keys (`version:`, `chartname`), or a
    /// command line's (`--version`, the reference argument).
    public enum Wording: Sendable { case config, commandLine }
    public var wording = Wording.config

    public init(client: RegistryClient, store: (any SmallBlobStore)? = nil) {
        self.client = client
        self.store = store
    }

    /// How to ask for a version constraint, in the words of the command that failed.
    func asking(for constraint: String) -> String {
        wording == .config ? "`version: \"\(constraint)\"`" : "`--version \"\(constraint)\"`"
    }

    /// What to point at a chart, in the words of the command that failed.
    var chartSource: String { wording == .config ? "Point chartname at" : "Give the reference of" }

    /// Resolves `reference` with an optional `version` as Helm does: a digest pins the
    /// manifest; a tag, or a version Helm's lenient parser reads as a version, is looked up as
    /// that exact tag (with `+` stored as `_`); a constraint or nothing picks the highest
    /// strict-semver tag that matches (Masterminds semver v3 rules, see `VersionConstraint`).
    public func resolve(_ reference: ChartReference, version: String?) throws(RegistryError) -> ResolvedChart {
        var (lookup, requested, warnings) = try self.lookup(reference, version: version)
        let fetched = try fetchManifest(reference, lookup: lookup, requested: requested, exact: reference.digest == nil && reference.tag == nil && version.map(Self.isExactVersion) == true)
        let manifest = try chartManifest(fetched, reference: reference)
        let (chartLayer, layerWarnings) = try chartLayer(of: manifest, reference: reference, digest: fetched.digest)
        warnings += layerWarnings
        let provenance = manifest.layers.first { $0.mediaType == MediaType.helmProvenance }
        let config = try chartConfig(manifest.config, reference: reference, digest: fetched.digest)
        if let requested, reference.digest == nil || reference.tag != nil || version != nil, !Self.sameVersion(config.version, requested) {
            throw RegistryError(
                .versionMismatch, registry: client.registry,
                reason: "\(Self.display(reference, lookup)) holds chart version \(config.version), not \(requested)",
                hint: "k0s needs the chart's real version; push the chart under its own version tag.")
        }
        if config.name != reference.chartName {
            warnings.append("\(reference.untagged): the chart inside is named \"\(config.name)\", not \"\(reference.chartName)\"")
        }
        store?.keep(fetched.body, for: fetched.descriptor)
        var resolved = ResolvedChart(
            reference: reference, version: config.version, tag: reference.digest == nil ? lookup : reference.tag,
            manifestDigest: fetched.digest, chartLayer: chartLayer, provenanceLayer: provenance, config: config,
            warnings: warnings)
        resolved.manifest = fetched.descriptor
        resolved.configBlob = manifest.config
        return resolved
    }

    /// Helm's rule for OCI: a `version` that Masterminds' lenient parser reads as a version
    /// (`1.2.3`, `1.2`, `1`, `v1.0.0`, `01.2.3`, `1.0-1.2`) is looked up as that exact tag, with
    /// no tag listing; anything else is a constraint.
    public static func isExactVersion(_ version: String) -> Bool {
        !version.isEmpty && SemanticVersion(version) != nil
    }

    /// `oci://host/repo@sha256:…` for a digest, `oci://host/repo:tag` for a tag.
    static func display(_ reference: ChartReference, _ lookup: String) -> String {
        "oci://\(reference.registry)/" + RegistryClient.display(repository: reference.repository, reference: lookup)
    }

    /// The chart's own version against the one asked for: equal as semver versions, and with
    /// the same build metadata (`v1.0.0` asks for 1.0.0; `1.2.3+b.1` is not `1.2.3+b.2`).
    static func sameVersion(_ actual: String, _ requested: String) -> Bool {
        if actual == requested { return true }
        guard let a = SemanticVersion(actual), let r = SemanticVersion(requested) else { return false }
        return a == r && a.build == r.build
    }

    /// What to ask the registry for (a digest, a tag, or the best tag for a constraint), the
    /// version that asks for (to check the chart against), and warnings about the choice.
    func lookup(_ reference: ChartReference, version: String?) throws(RegistryError) -> (lookup: String, requested: String?, warnings: [String]) {
        if let digest = reference.digest {
            return (digest.description, reference.tag.map(VersionSelection.version(fromTag:)) ?? version, [])
        }
        if let tag = reference.tag {
            if let version, !version.isEmpty, version != VersionSelection.version(fromTag: tag) {
                throw RegistryError(
                    .invalidReference, registry: client.registry,
                    reason: "the reference \(reference) names version \(VersionSelection.version(fromTag: tag)) but --version asks for \(version)",
                    hint: "Give the version once, either in the reference or with --version.")
            }
            return (tag, VersionSelection.version(fromTag: tag), [])
        }
        if let version, Self.isExactVersion(version) {
            let tag = VersionSelection.tag(fromVersion: version)
            guard ChartReference.isValidTag(tag) else {
                throw RegistryError(
                    .invalidReference, registry: client.registry,
                    reason: "version \"\(version.prefix(40))\(version.count > 40 ? "…" : "")\" cannot be an OCI tag (\(version.count) characters; a tag is at most 128 of letters, digits, '_', '.', '-')",
                    hint: "Helm stores a chart under its version as the tag; give the chart's real version.")
            }
            return (tag, version, [])
        }
        let choice = try highestTag(reference, matching: version ?? "")
        return (VersionSelection.tag(fromVersion: choice.chosen), choice.chosen, choice.tieWarning(reference.untagged).map { [$0] } ?? [])
    }

    /// The registry's tags that Helm considers: strict semver once `_` is read back as `+`
    /// (so `v3.0.0` or `latest` take part in exact lookups only), as (version, version text).
    func semverTags(_ reference: ChartReference) throws(RegistryError) -> (all: [String], versions: [(version: SemanticVersion, text: String)]) {
        let tags = try client.tags(repository: reference.repository)
        return (tags, tags.compactMap { tag in
            let text = VersionSelection.version(fromTag: tag)
            return SemanticVersion(strict: text).map { ($0, text) }
        })
    }

    /// The highest version matching `constraintText` (empty: the highest stable).
    func highestTag(_ reference: ChartReference, matching constraintText: String) throws(RegistryError) -> VersionChoice {
        let constraint: VersionConstraint
        if constraintText.isEmpty {
            constraint = .anyStable
        } else if let parsed = VersionConstraint(constraintText) {
            constraint = parsed
        } else {
            throw RegistryError(
                .invalidReference, registry: client.registry,
                reason: "\"\(constraintText)\" is neither a version nor a version constraint",
                hint: "Use an exact version (1.2.3) or a constraint such as ^1.2, ~1.2.0, >=1.0 <2.0 or 1.x.")
        }
        let (tags, candidates) = try semverTags(reference)
        guard let choice = VersionSelection.highest(candidates, matching: constraint) else {
            let available = candidates.map(\.version).sorted().suffix(8).map(\.description)
            throw RegistryError(
                .noMatchingVersion, registry: client.registry,
                reason: constraintText.isEmpty
                    ? "\(reference.untagged) has no stable semver version (tags: \(tags.isEmpty ? "none" : tags.sorted().prefix(8).joined(separator: ", ")))"
                    : "no version of \(reference.untagged) matches \"\(constraintText)\"",
                hint: available.isEmpty ? "Push a chart with a semver version first." : "Available versions: \(available.joined(separator: ", ")).")
        }
        return choice
    }

    /// The manifest; a missing version says which versions exist near it and, for a version
    /// looked up as an exact tag, which constraint gives what was probably meant.
    func fetchManifest(_ reference: ChartReference, lookup: String, requested: String?, exact: Bool) throws(RegistryError) -> RegistryClient.FetchedManifest {
        do {
            return try client.manifest(repository: reference.repository, reference: lookup)
        } catch where error.code == .versionNotFound && reference.digest == nil {
            let tags = (try? semverTags(reference)) ?? (all: [], versions: [])
            let asked = requested ?? lookup
            let near = VersionSelection.nearest(to: asked, among: tags.versions.map(\.text))
            var hint = near.isEmpty ? "The repository has no versions at all; check the path." : "Nearest available: \(near.joined(separator: ", "))."
            if exact, let suggestion = VersionSelection.suggestedConstraint(for: asked), let constraint = VersionConstraint(suggestion),
               let choice = VersionSelection.highest(tags.versions, matching: constraint) {
                hint += " Helm looks \(asked) up as an exact tag; \(asking(for: suggestion)) would give \(choice.chosen)."
            }
            throw RegistryError(.versionNotFound, registry: client.registry, reason: "\(reference.untagged) has no version \(asked)", hint: hint)
        }
    }

    /// The manifest, if it is a Helm chart's; images and indexes are refused saying what they are.
    func chartManifest(_ fetched: RegistryClient.FetchedManifest, reference: ChartReference) throws(RegistryError) -> Manifest {
        let manifest: Manifest
        switch fetched.content {
        case .index(let index):
            let platforms = index.manifests.compactMap { $0.platform.map { "\($0.os)/\($0.architecture)" } }
            throw RegistryError(
                .notAChart, registry: client.registry,
                reason: "\(reference.untagged)@\(fetched.digest) is an image index (\(index.manifests.count) manifests\(platforms.isEmpty ? "" : ": " + platforms.joined(separator: ", "))), not a Helm chart",
                hint: "This looks like a container image. \(chartSource) a chart pushed with `helm push`.")
        case .manifest(let m):
            manifest = m
        }
        guard manifest.config.mediaType == MediaType.helmConfig else {
            let kind = [MediaType.imageConfig, MediaType.dockerContainerConfig].contains(manifest.config.mediaType)
                ? "a container image" : "an OCI artifact of another kind"
            throw RegistryError(
                .notAChart, registry: client.registry,
                reason: "\(reference.untagged)@\(fetched.digest) is \(kind) (config media type \(manifest.config.mediaType)), not a Helm chart",
                hint: "\(chartSource) a chart pushed with `helm push` (config media type \(MediaType.helmConfig)).")
        }
        return manifest
    }

    /// The one chart layer (the legacy media type accepted, with a warning).
    func chartLayer(of manifest: Manifest, reference: ChartReference, digest: Digest) throws(RegistryError) -> (Descriptor, [String]) {
        for layer in manifest.layers where layer.size < 0 || layer.size > client.limits.chartBytes {
            throw RegistryError(
                .tooLarge, registry: client.registry,
                reason: "\(reference.untagged)@\(digest) declares a layer of \(layer.size) bytes, outside the 0 to \(client.limits.chartBytes) a chart may be",
                hint: "Do not use this chart: the registry serves a damaged or hostile manifest. Nothing was downloaded.")
        }
        let chartLayers = manifest.layers.filter { $0.mediaType == MediaType.helmChartContent }
        let legacyLayers = manifest.layers.filter { $0.mediaType == MediaType.legacyChartContent }
        if chartLayers.count == 1 { return (chartLayers[0], []) }
        if chartLayers.isEmpty, legacyLayers.count == 1 {
            return (legacyLayers[0], ["\(reference.untagged): chart layer uses the legacy media type \(MediaType.legacyChartContent); accepted, but push it again with a current Helm"])
        }
        throw RegistryError(
            .notAChart, registry: client.registry,
            reason: "\(reference.untagged)@\(digest) has \(chartLayers.count + legacyLayers.count) chart layers, where a Helm chart has exactly one",
            hint: "Push the chart again with `helm push`.")
    }

    /// The chart's config blob (Chart.yaml as JSON), from the store when it has it.
    func chartConfig(_ descriptor: Descriptor, reference: ChartReference, digest: Digest) throws(RegistryError) -> HelmChartConfig {
        let configData: Data
        if let kept = store?.data(for: descriptor) {
            configData = kept
        } else {
            configData = try client.fetchBlob(repository: reference.repository, descriptor: descriptor, limit: client.limits.configBytes)
            store?.keep(configData, for: descriptor)
        }
        guard let config = try? JSONDecoder().decode(HelmChartConfig.self, from: configData) else {
            throw RegistryError(
                .notAChart, registry: client.registry,
                reason: "the Helm config blob of \(reference.untagged)@\(digest) has no chart name and version",
                hint: "Push the chart again with `helm push`.")
        }
        guard PulledFile.isSafeComponent(config.name), PulledFile.isSafeComponent(config.version) else {
            throw RegistryError(
                .notAChart, registry: client.registry,
                reason: "chart \(reference.untagged) declares name \"\(config.name)\" version \"\(config.version)\", which cannot be a file name",
                hint: "Chart names and versions must not contain '/' or start with '.'; fix the chart's Chart.yaml.")
        }
        return config
    }

    /// Downloads the chart (and its provenance, when present) into `directory` as
    /// `NAME-VERSION.tgz`: streamed to a temporary file, verified, flushed, then renamed, so
    /// a final name never holds unverified or partial bytes.
    /// `progress` hears the chart archive's bytes on disk and its size, as they arrive.
    public func download(_ resolved: ResolvedChart, into directory: String,
                         progress: (@Sendable (_ bytes: Int64, _ total: Int64) -> Void)? = nil) throws(RegistryError) -> PulledChart {
        let repository = resolved.reference.repository
        let chartPath = (directory as NSString).appendingPathComponent(resolved.fileName)
        let needed = resolved.chartLayer.size + (resolved.provenanceLayer?.size ?? 0)
        if let free = FreeSpace.available(at: directory), free.bytes < needed {
            throw RegistryError(.localFile, registry: client.registry,
                                reason: "\(resolved.reference.untagged) \(resolved.version) needs \(FreeSpace.describe(needed)), but \(directory) has \(FreeSpace.describe(free.bytes)) free",
                                hint: "Free some space there, or pull into another folder with -d. Nothing was downloaded.")
        }
        let total = resolved.chartLayer.size
        try fetchAtomically(repository: repository, descriptor: resolved.chartLayer, to: chartPath,
                            progress: progress.map { report in { @Sendable (file: FileProgress) in report(file.bytes, total) } })
        var provenancePath: String?
        if let provenance = resolved.provenanceLayer {
            let path = chartPath + ".prov"
            try fetchAtomically(repository: repository, descriptor: provenance, to: path)
            provenancePath = path
        }
        return PulledChart(resolved: resolved, chartPath: chartPath, provenancePath: provenancePath)
    }

    private func fetchAtomically(repository: String, descriptor: Descriptor, to path: String,
                                 progress: (@Sendable (FileProgress) -> Void)? = nil) throws(RegistryError) {
        try PulledFile.writeAtomically(to: path, registry: client.registry) { temporary throws(RegistryError) in
            try client.fetchBlob(repository: repository, descriptor: descriptor, to: temporary, progress: progress)
        }
    }
}
