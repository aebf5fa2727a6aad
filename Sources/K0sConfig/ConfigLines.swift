/// A config's text as lines, split on line feeds by Unicode scalar (a Swift `Character` holds
/// "\r\n" as one, so splitting by characters would see a CRLF file as one line), without the
/// carriage returns of a CRLF file, and joined back with the file's own line ending.
struct ConfigLines {
    var lines: [String]
    /// "\r\n" when the file's lines end so, else "\n".
    let ending: String

    init(_ text: String) {
        let raw = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        let crlf = raw.dropLast().contains { $0.unicodeScalars.last == "\r" }
        ending = crlf ? "\r\n" : "\n"
        lines = crlf ? raw.map { $0.unicodeScalars.last == "\r" ? String(String.UnicodeScalarView($0.unicodeScalars.dropLast())) : $0 } : raw
    }

    func joined() -> String { lines.joined(separator: ending) }

    /// Text made with "\n" (Yams' output), in this file's line ending.
    func native(_ text: String) -> String {
        ending == "\n" ? text : text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: ending)
    }
}
