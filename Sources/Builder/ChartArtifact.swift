import BundleFormat
import Content
import Foundation
import OCI

/// A chart ready to bundle, wherever it came from (an OCI registry or a classic repository):
/// what the bundle records about it and which blob in the cache holds it.
struct ChartArtifact: Codable, Sendable {
    /// As written in the config: `oci://…` or `REPO/CHART`.
    var reference: String
    /// For messages: `oci://host/path/chart` or the repository URL and chart.
    var origin: String
    var name: String
    var version: String
    /// The archive's digest and size (the OCI chart layer, or the index's digest).
    var chart: Descriptor
    var provenance: Descriptor?
    /// The OCI manifest digest; nil for classic repositories.
    var manifestDigest: Content.Digest?
    /// The OCI manifest and config blobs as served (bundled under `oci/`, for push); nil for
    /// classic repositories.
    var ociManifest: Descriptor?
    var ociConfig: Descriptor?
    /// Where a classic repository serves the archive; nil for OCI charts.
    var download: String?

    /// The archive's entry name: the chart's name and version, made safe (`EntryRules`).
    var fileName: String { EntryRules.fileName(from: "\(name)-\(version)") + ".tgz" }

    /// The OCI manifest and config, where the chart came from a registry.
    var ociBlobs: [Descriptor] { [ociManifest, ociConfig].compactMap { $0 } }

    init(oci resolved: ResolvedChart) {
        reference = resolved.reference.description
        origin = resolved.reference.untagged
        name = resolved.config.name
        version = resolved.version
        chart = resolved.chartLayer
        provenance = resolved.provenanceLayer
        manifestDigest = resolved.manifestDigest
        ociManifest = resolved.manifest
        ociConfig = resolved.configBlob
    }

    init(reference: String, origin: String, name: String, version: String, chart: Descriptor, download: String? = nil) {
        self.reference = reference
        self.origin = origin
        self.name = name
        self.version = version
        self.chart = chart
        self.provenance = nil
        self.manifestDigest = nil
        self.ociManifest = nil
        self.ociConfig = nil
        self.download = download
    }
}
