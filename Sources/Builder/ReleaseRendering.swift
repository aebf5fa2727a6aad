import HelmTemplate
import K0sConfig

/// How a release of a k0s config is rendered, the one rule `images`, `plan`, `build` and
/// `template` follow: named and namespaced as k0s installs it, on the cluster's Kubernetes
/// version (`--kube-version` when given, else the k0s version a k0sctl file names, else
/// Helm's default).
public enum ReleaseRendering {
    public static func release(_ chart: ChartEntry, config: K0sConfig, kubeVersion: String?) -> ChartRender.Release {
        let cluster = config.format == .k0sctl ? K0sctlCluster.k0sVersion(in: config.text).flatMap(KubeVersion.parse) : nil
        return ChartRender.Release(name: chart.name, namespace: chart.namespace ?? "default",
                                   kubeVersion: kubeVersion ?? cluster ?? ChartRender.defaultKubeVersion)
    }

    /// The code of a bound a hostile or runaway template hit, each its own.
    public static func limitCode(_ error: TemplateError) -> BuildError.Code? {
        switch error.limit {
        case .steps?: .renderStepLimit
        case .depth?: .renderDepthLimit
        case .output?: .renderOutputLimit
        case .iterations?: .renderIterationLimit
        case .input?: .renderInputLimit
        case nil: nil
        }
    }

}
