import BundleFormat
import Foundation
import K0sConfig

/// The config for this node: the bundle's own, or, when the node's data dir differs from the
/// one the bundle was built for, the same config with its chart and certificate paths placed
/// for this node's layout. The paths are set by the config rewrite (as the build sets them),
/// from the manifest's entries, never by replacing text.
enum NodeConfig {
    static func text(_ bundled: Data, manifest: BundleManifest, for node: NodeLayout) throws -> Data {
        guard node.dataDir != NodeLayout(dataDir: manifest.dataDir).dataDir else { return bundled }
        guard let text = String(data: bundled, encoding: .utf8) else {
            throw BundleError(.manifestInvalid, manifest.config.path, reason: "is not UTF-8 text", hint: "The bundle was not made by `bundle build`; do not install it.")
        }
        let config = try K0sConfig.parse(text: text, file: manifest.config.path, directory: node.dataDir)
        var placement = OfflinePlacement()
        for chart in manifest.charts {
            guard let path = node.nodePath(forEntry: chart.path) else { continue }
            for release in chart.releases {
                placement.chartPaths[release] = path
                placement.versions[release] = chart.version
            }
        }
        for certificate in manifest.certificates {
            if let path = node.nodePath(forEntry: certificate.path) { placement.caFiles[certificate.repository] = path }
        }
        return Data(try config.offlineConfig(placement).text.utf8)
    }
}
