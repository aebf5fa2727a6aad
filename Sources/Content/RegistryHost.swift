/// A registry host as written in image references and mirror folders: DNS labels of letters,
/// digits and `-` joined by dots (at most 253 bytes), and an optional port 1-65535. (A chart
/// reference's registry also takes an IPv6 literal: `ChartReference.isValidRegistry`.)
public enum RegistryHost {
    public static func isNamed(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let host = parts.first, !host.isEmpty, host.utf8.count <= 253 else { return false }
        if parts.count == 2 { guard let port = Int(parts[1]), (1...65535).contains(port) else { return false } }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
        }
    }
}
