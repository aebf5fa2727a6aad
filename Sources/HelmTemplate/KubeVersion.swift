/// A Kubernetes version as charts see it in `.Capabilities.KubeVersion`: `MAJOR.MINOR.PATCH`.
public enum KubeVersion {
    /// `1.34.1`, `v1.34.1`, `v1.34.1+k0s.0` (k0s's, the build metadata dropped) or `1.34`
    /// (patch 0) → `1.34.1`; nil for anything else.
    public static func parse(_ text: String) -> String? {
        var core = Substring(text)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let plus = core.firstIndex(of: "+") { core = core[..<plus] }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        return parts.map(String.init).joined(separator: ".") + (parts.count == 2 ? ".0" : "")
    }
}
