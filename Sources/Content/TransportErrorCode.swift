import Diagnostics

/// What went wrong below HTTP (TLS, the connection, the transfer), as `HTTPError.Code` names
/// it: plain data, so that an error of a module that does not link libcurl can carry one.
public enum TransportErrorCode: String, ErrorCodeSet {
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
