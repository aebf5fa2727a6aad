import Diagnostics

/// A problem finding or naming a release's images.
public struct ImageError: CodedError {
    public enum Code: String, ErrorCodeSet {
        /// A text that is not a container image reference.
        case invalidImageReference
        /// `--images-file` cannot be read, or holds a line that is not a reference.
        case imageListInvalid

        public var errorClass: ErrorClass { .input }
    }

    public var code: Code
    public var subject: String
    public var reason: String
    public var hint: String

    public init(_ code: Code, _ subject: String, reason: String, hint: String = "") {
        self.code = code
        self.subject = subject
        self.reason = reason
        self.hint = hint.isEmpty ? Self.defaultHint(code) : hint
    }

    static func defaultHint(_ code: Code) -> String {
        switch code {
        case .invalidImageReference: return "Write it as [registry[:port]/]path[:tag][@sha256:digest], e.g. docker.io/library/redis:7.2."
        case .imageListInvalid: return "Write one image reference per line; lines starting with # are comments."
        }
    }
}
