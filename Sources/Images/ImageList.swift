import Diagnostics
import Foundation

/// Images named by the user: `--image REF` and `--images-file FILE`, a file in the format
/// `k0s airgap list-images` prints (one reference per line, `#` comments, blank lines).
public enum ImageList {
    static let maxFileBytes = 4 << 20
    static let maxEntries = 10_000

    /// The references of an images file, each with its `file:line`.
    public static func read(file: String) throws(ImageError) -> [FoundImage] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ImageError(.imageListInvalid, file, reason: "cannot be read", hint: "Check the path given to --images-file.")
        }
        guard data.count <= maxFileBytes else {
            throw ImageError(.imageListInvalid, file, reason: "is larger than \(maxFileBytes) bytes", hint: "An images file lists references, one per line.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImageError(.imageListInvalid, file, reason: "is not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws(ImageError) -> [FoundImage] {
        var images: [FoundImage] = []
        // By newline characters, not "\n": Swift reads a CRLF pair as one character.
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let reference = line.trimmingCharacters(in: .whitespaces)
            guard !reference.isEmpty else { continue }
            do {
                images.append(FoundImage(reference: try ImageReference(parsing: reference), sources: ["\(file):\(number + 1)"]))
            } catch {
                throw ImageError(.imageListInvalid, "\(file):\(number + 1)", reason: "\"\(Escaped(String(reference.prefix(200))))\" \(error.reason)")
            }
            guard images.count <= maxEntries else {
                throw ImageError(.imageListInvalid, file, reason: "lists more than \(maxEntries) images")
            }
        }
        return images
    }

    /// `--image` arguments.
    public static func parse(arguments: [String]) throws(ImageError) -> [FoundImage] {
        var images: [FoundImage] = []
        for argument in arguments {
            do {
                images.append(FoundImage(reference: try ImageReference(parsing: argument), sources: ["--image"]))
            } catch {
                throw ImageError(.invalidImageReference, "--image \(Escaped(String(argument.prefix(200))))", reason: error.reason)
            }
        }
        return images
    }
}
