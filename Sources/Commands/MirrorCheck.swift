import BundleFormat
import Content
import Diagnostics
import HTTP
import OCI

/// Before `install --mirror` points a node at a mirror: does the mirror, reached with the
/// given CA and credentials, serve what the bundle's config will ask it for? A typo in the
/// prefix, or the wrong `--mirror-ca`, would otherwise pass silently and fail in k0s later.
/// Unreachable from here (a node may not reach it yet) is said, not failed.
struct MirrorCheck {
    let target: MirrorTarget
    let tls: TLSSettings
    let credentials: Credentials?
    /// `--verify-mirror`: a mirror that cannot be reached from here is a problem too.
    var strict = false
    /// At most this many pinned images are asked about (one HEAD-sized GET each).
    static let pinnedLimit = 50

    /// What is wrong, as messages; empty when the mirror serves the bundle's first chart and
    /// every image pinned by digest.
    func problems(_ manifest: BundleManifest) -> [String] {
        let client: RegistryClient
        do {
            client = try RegistryClient(registry: target.registry, tls: tls, credentials: credentials, transport: try HTTPTransports.standard())
        } catch {
            return ["the mirror \(target) cannot be checked: \((error as? any ToolError)?.message ?? "\(error)")"]
        }
        var problems: [String] = []
        if let chart = manifest.charts.first {
            let repository = target.chartRepository(reference: chart.reference, name: chart.name)
            if let problem = check(client, repository: repository, reference: VersionSelection.tag(fromVersion: chart.version), what: "chart \(chart.name) \(chart.version)") {
                // Unreachable from here: nothing more to ask; with --verify-mirror, that is the problem.
                if problem.isEmpty { return strict ? ["the mirror \(target) cannot be reached from here, so it cannot be verified"] : [] }
                problems.append(problem)
            }
        }
        for image in (manifest.images ?? []).filter({ $0.reference.contains("@sha256:") }).prefix(Self.pinnedLimit) {
            guard let (repository, _, _) = target.imageRepository(reference: image.reference) else { continue }
            if let problem = check(client, repository: repository, reference: image.digest, what: "image \(image.reference)"), !problem.isEmpty {
                problems.append(problem + "; pods that pin this digest cannot pull it from the mirror")
            }
        }
        return problems
    }

    /// nil when the mirror serves it; "" when the mirror cannot be reached from here; else why not.
    func check(_ client: RegistryClient, repository: String, reference: String, what: String) -> String? {
        do {
            _ = try client.manifest(repository: repository, reference: reference)
            return nil
        } catch {
            if ["connectionFailed", "hostNotFound", "timedOut", "proxyFailed"].contains(error.errorCode) {
                Log.warning("the mirror \(target) cannot be reached from here (\(error.reason)); it was not checked")
                return ""
            }
            if ["certificateUntrusted", "certificateExpired", "hostnameMismatch", "tlsFailed"].contains(error.errorCode) {
                return "the mirror \(target) is not trusted with --mirror-ca \(tls.caFile ?? "-"): \(error.reason); k0s and containerd will refuse it too"
            }
            if ["versionNotFound", "repositoryNotFound"].contains(error.errorCode) {
                let at = reference.hasPrefix("sha256:") ? "\(repository)@\(reference)" : "\(repository):\(reference)"
                return "the mirror \(target) has no \(what) at \(at) (was `bundle push` run with this prefix?)"
            }
            return "the mirror \(target) does not serve \(what): \(error.message)"
        }
    }
}
