import Foundation
import Yams

/// A k0sctl `Cluster` file: the operator's file (hosts, ssh, the k0s version) that carries the
/// node's k0s `ClusterConfig` under `spec.k0s.config`. A bundle built from one keeps the whole
/// file (rewritten for offline use, for running k0sctl inside the air gap); a node gets only
/// the ClusterConfig, which is what k0s reads from /etc/k0s/k0s.yaml.
public enum K0sctlCluster {
    static let defaultAPIVersion = "k0s.k0sproject.io/v1beta1"

    /// The ClusterConfig inside `text` when it is a k0sctl Cluster (`apiVersion`, `kind` and
    /// `metadata.name` filled in where the file leaves them out); nil for any other config.
    public static func clusterConfig(in text: String, file: String) throws(ConfigError) -> String? {
        let documents: [Node]
        do { documents = try Yams.compose_all(yaml: text, .default, .default, .utf8).map { $0 } } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: "", "not valid YAML: \(error)")])
        }
        guard let cluster = documents.first(where: isCluster), case .mapping(let root) = cluster else { return nil }
        let spec = root["spec"]?.mapping
        let config = spec?["k0s"]?.mapping?["config"]?.mapping ?? Node.Mapping([])
        var pairs: [(Node, Node)] = [
            (Node("apiVersion"), config["apiVersion"] ?? Node(defaultAPIVersion)),
            (Node("kind"), Node("ClusterConfig")),
            (Node("metadata"), config["metadata"] ?? Node.mapping(.init([(Node("name"), Node(root["metadata"]?.mapping?["name"]?.string ?? "k0s"))]))),
        ]
        pairs += config.filter { !["apiVersion", "kind", "metadata"].contains($0.key.string ?? "") }.map { ($0.key, $0.value) }
        do {
            return try Yams.serialize(node: .mapping(.init(pairs, .implicit, .block)), indent: 2, width: -1, allowUnicode: true)
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(.error, .invalidYAML, at: nil, path: "spec.k0s.config", "the ClusterConfig cannot be written: \(error)")])
        }
    }

    /// `spec.k0s.version` of the k0sctl Cluster in `text` as written (`v1.34.1+k0s.0`), if any.
    public static func k0sVersion(in text: String) -> String? {
        guard let documents = try? Yams.compose_all(yaml: text, .default, .default, .utf8).map({ $0 }),
              let cluster = documents.first(where: isCluster), case .mapping(let root) = cluster
        else { return nil }
        return root["spec"]?.mapping?["k0s"]?.mapping?["version"]?.string
    }

    static func isCluster(_ document: Node) -> Bool {
        guard case .mapping(let mapping) = document else { return false }
        return mapping["apiVersion"]?.string?.hasPrefix("k0sctl.k0sproject.io/") == true && mapping["kind"]?.string == "Cluster"
    }
}
