import Diagnostics

/// An HTTP or TLS failure, always naming the host (`host:port`) it came from and what to do next.
public struct HTTPError: CodedError {
    /// Stable identifiers; tests and callers compare these, never the text.
    public enum Code: String, ErrorCodeSet {
        case certificateUntrusted
        case certificateExpired
        case hostnameMismatch
        case clientCertificateRequired
        case clientCertificateRejected
        case clientCertificateUnusable
        case clientKeyMismatch
        case caFileUnusable
        case tlsFailed
        case connectionFailed
        case hostNotFound
        case timedOut
        case truncated
        case bodyTooLarge
        case tooManyRedirects
        case proxyFailed
        case invalidURL
        case localFile
        case transferFailed
        /// libcurl refused an option or could not allocate: the request was not sent.
        case transportSetupFailed
        /// The work stopped (another problem ended it) before this request was sent.
        case cancelled

        public var errorClass: ErrorClass {
            switch self {
            case .caFileUnusable, .clientCertificateUnusable, .clientKeyMismatch, .invalidURL: return .input
            case .localFile, .transportSetupFailed, .cancelled: return .local
            default: return .remote
            }
        }
    }

    public var code: Code
    /// `host:port` of the peer.
    public var host: String
    /// What happened.
    public var reason: String
    /// What the user can do about it.
    public var hint: String
    public var fileID: String
    public var line: Int
    /// A TLS connection without a client certificate broke before any byte of an answer: what a
    /// registry that requires one often does before its "certificate required" alert arrives.
    var brokenBeforeAnswer = false

    public init(
        _ code: Code, host: String, reason: String, hint: String,
        fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.host = host
        self.reason = reason
        self.hint = hint
        self.fileID = fileID
        self.line = line
    }

    public var subject: String { host }
}
