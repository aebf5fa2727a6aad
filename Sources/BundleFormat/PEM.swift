import Foundation

/// PEM armour (RFC 7468): base64 DER between BEGIN and END lines.
enum PEM {
    /// The DER bytes and label of the first PEM block in `text`.
    static func decode(_ text: String) -> (label: String, der: Data)? {
        guard let begin = text.range(of: "-----BEGIN ") else { return nil }
        let afterBegin = text[begin.upperBound...]
        guard let labelEnd = afterBegin.range(of: "-----") else { return nil }
        let label = String(afterBegin[..<labelEnd.lowerBound])
        let body = afterBegin[labelEnd.upperBound...]
        guard let end = body.range(of: "-----END \(label)-----") else { return nil }
        let base64 = body[..<end.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(base64)) else { return nil }
        return (label, der)
    }

    static func encode(_ der: Data, label: String) -> String {
        let base64 = der.base64EncodedString()
        var lines: [String] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<next]))
            index = next
        }
        return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
    }
}
