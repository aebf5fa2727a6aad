/// Text from an untrusted place (a bundle, a registry, a chart, a config) made safe to show on
/// a terminal: control characters, escape sequences and Unicode format characters become
/// visible `\u{…}` escapes, so that what is printed is what is there.
public struct Escaped: CustomStringConvertible, Sendable {
    public let text: String
    /// Keeps `\n` (and only it): for messages that list several problems on their own lines.
    public let keepingLineBreaks: Bool

    public init(_ text: String, keepingLineBreaks: Bool = false) {
        self.text = text
        self.keepingLineBreaks = keepingLineBreaks
    }

    public var description: String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if Self.isSafe(scalar) || (keepingLineBreaks && scalar == "\n") {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    /// Printable: not a control character (C0, DEL, C1), not a format character (bidi
    /// overrides, zero-width), not a private-use or unassigned code point.
    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }
}
