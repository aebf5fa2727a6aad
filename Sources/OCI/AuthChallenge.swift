import Foundation

/// A `WWW-Authenticate` challenge from a registry (RFC 7235; distribution token auth spec).
public enum AuthChallenge: Sendable, Hashable {
    case basic(realm: String?)
    case bearer(realm: String, service: String?, scope: String?)
    case unknown(scheme: String)

    /// Parses the header value, e.g. `Bearer realm="https://auth/token",service="reg",scope="repository:a/b:pull"`.
    public init?(header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            guard !trimmed.isEmpty else { return nil }
            self = trimmed.lowercased() == "basic" ? .basic(realm: nil) : .unknown(scheme: trimmed)
            return
        }
        let scheme = trimmed[..<space].lowercased()
        let parameters = Self.parameters(String(trimmed[trimmed.index(after: space)...]))
        switch scheme {
        case "basic":
            self = .basic(realm: parameters["realm"])
        case "bearer":
            guard let realm = parameters["realm"] else { return nil }
            self = .bearer(realm: realm, service: parameters["service"], scope: parameters["scope"])
        default:
            self = .unknown(scheme: String(trimmed[..<space]))
        }
    }

    /// key=value and key="quoted, value" pairs separated by commas.
    static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        func skip(_ predicate: (Character) -> Bool) {
            while index < text.endIndex, predicate(text[index]) { index = text.index(after: index) }
        }
        while index < text.endIndex {
            skip { $0 == " " || $0 == "," }
            let keyStart = index
            skip { $0 != "=" && $0 != "," }
            let key = text[keyStart..<index].trimmingCharacters(in: .whitespaces).lowercased()
            guard index < text.endIndex, text[index] == "=" else { continue }
            index = text.index(after: index)
            var value = ""
            if index < text.endIndex, text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"" {
                    if text[index] == "\\", text.index(after: index) < text.endIndex { index = text.index(after: index) }
                    value.append(text[index])
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                let valueStart = index
                skip { $0 != "," }
                value = text[valueStart..<index].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { result[key] = value }
        }
        return result
    }
}
