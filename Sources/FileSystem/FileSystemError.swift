import Diagnostics
import Glibc

/// A system call on a local file that failed: which call, on which path, and what the
/// system said (`errno`), with what to do about it.
public struct FileSystemError: CodedError {
    public enum Code: String, ErrorCodeSet {
        /// A file or folder cannot be created, written, flushed or renamed.
        case writeFailed
        /// A file cannot be removed.
        case removeFailed
        /// A path the user named for output is a device, FIFO, socket or folder (or a link to one).
        case notARegularFile
        /// The folder of a path the user named for output does not exist.
        case folderMissing

        public var errorClass: ErrorClass {
            switch self {
            case .writeFailed, .removeFailed: .local
            case .notARegularFile, .folderMissing: .input
            }
        }
    }

    public var code: Code
    /// The system call or step, like `fsync` or `rename`.
    public var operation: String
    public var path: String
    /// `errno` when the call failed, 0 otherwise.
    public var errorNumber: Int32
    public var reason: String
    public var hint: String

    public init(_ code: Code, _ operation: String, path: String, errorNumber: Int32 = errno, reason: String? = nil, hint: String? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
        let system = errorNumber == 0 ? "" : ": \(String(cString: strerror(errorNumber)))"
        self.reason = reason ?? "\(operation) failed\(system)"
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        self.hint = hint ?? "Check free space and permissions of \(folder.isEmpty ? "the current folder" : folder)."
    }

    public var subject: String { path }
}
