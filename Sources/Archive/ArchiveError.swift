/// A libarchive failure, naming the archive (and entry) and what libarchive said.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public var archive: String
    public var entry: String?
    public var reason: String

    public init(archive: String, entry: String? = nil, reason: String) {
        self.archive = archive
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        if let entry { return "\(archive): entry \(entry): \(reason)" }
        return "\(archive): \(reason)"
    }
}
