import Diagnostics

/// A libarchive failure, naming the archive (and entry) and what libarchive said.
public struct ArchiveError: CodedError {
    public enum Code: String, ErrorCodeSet {
        /// The archive cannot be read: not a tar, damaged or truncated.
        case archiveUnreadable
        /// The archive cannot be written.
        case archiveWriteFailed
        /// An entry holds more bytes than it may.
        case archiveEntryTooLarge
        /// A chart archive without its Chart.yaml.
        case notAChartArchive

        public var errorClass: ErrorClass {
            switch self {
            case .archiveUnreadable, .archiveEntryTooLarge: return .integrity
            case .archiveWriteFailed: return .local
            case .notAChartArchive: return .input
            }
        }
    }

    public var code: Code
    public var archive: String
    public var entry: String?
    public var reason: String

    public init(_ code: Code, archive: String, entry: String? = nil, reason: String) {
        self.code = code
        self.archive = archive
        self.entry = entry
        self.reason = reason
    }

    public var subject: String { entry.map { "\(archive): entry \($0)" } ?? archive }

    public var hint: String {
        switch code {
        case .archiveUnreadable, .archiveEntryTooLarge: return "The file is damaged or not what it claims to be; copy or build it again."
        case .archiveWriteFailed: return "Check free space and permissions of the folder it is written to."
        case .notAChartArchive: return "Push or package the chart again with Helm."
        }
    }
}
