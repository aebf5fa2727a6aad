import Diagnostics

/// A failure reading or writing a bundle or a key, naming the file (and bundle entry) and what to do.
public struct BundleError: CodedError {
    /// Stable identifiers; tests compare these, never the text.
    public enum Code: String, ErrorCodeSet {
        case keyUnreadable, keyUnsupported, keyIsPublic, keyIsPrivate
        case signatureMissing, signatureInvalid, untrustedKey
        case notABundle, unknownSchema, manifestInvalid
        case entryUnlisted, entryDuplicate, entryUnsafe, entryMismatch, entryMissing, entryTooLarge
        case archiveFailed, writeFailed, notEnoughSpace, downgrade, locked
        /// A bundle of another name is installed (`--replace-bundle` replaces it).
        case otherBundleInstalled
        /// `uninstall` on a node with no installed bundle.
        case notInstalled

        public var errorClass: ErrorClass {
            switch self {
            case .keyUnreadable, .keyUnsupported, .keyIsPublic, .keyIsPrivate, .notABundle, .unknownSchema, .downgrade, .otherBundleInstalled, .notInstalled: return .input
            case .writeFailed, .notEnoughSpace, .locked: return .local
            default: return .integrity
            }
        }
    }

    public var code: Code
    /// The file or bundle entry concerned.
    public var subject: String
    public var reason: String
    public var hint: String
    public var fileID: String
    public var line: Int

    public init(_ code: Code, _ subject: String, reason: String, hint: String = "", fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.subject = subject
        self.reason = reason
        self.hint = hint
        self.fileID = fileID
        self.line = line
    }


}
