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

    /// A release that does not render, about `subject` (the release and where it comes from):
    /// its code (each bound its own), the template's place and reason after `lead`, and what to
    /// do; `readsValues` adds that `--no-render` reads the images without rendering.
    public static func problem(_ error: TemplateError, subject: String, lead: String = "", readsValues: Bool = false) -> BuildError.Problem {
        let code = limitCode(error) ?? (error.kind == .unsupported ? .renderUnsupported : .renderFailed)
        var hint = switch error.kind {
        case .failed: "The chart refuses these values: give the values it asks for"
        case .missingDependency: "Run `helm dependency build` on the chart, as Helm would fetch it from the network"
        case .unsupported: "Render it with Helm for now; `bundle images` reads this release's values instead"
        case .limit where error.limit == .input: "The chart or the release's values are larger or deeper than bundle reads (YAML nodes, schema, subcharts)"
        case .limit: "The chart's templates do more work than bundle allows a release (a loop, or a template including itself?)"
        case .parse, .execute: "Check the template at that place against the release's values"
        }
        if readsValues, error.kind != .failed { hint += "; --no-render reads the images from the values without rendering" }
        return BuildError.Problem(code: code, subject: subject, message: lead + error.description, hint: hint)
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
