import Diagnostics

/// A registry-level failure, naming the registry (`host:port`) and saying what to do.
public struct RegistryError: ToolError {
    /// Stable identifiers; tests compare these, never the text.
    public enum Code: String, ErrorCodeSet {
        case invalidReference
        case credentialsRequired
        case credentialsRejected
        case accessDenied
        case repositoryNotFound
        case versionNotFound
        case noMatchingVersion
        case digestMismatch
        case sizeMismatch
        case tooLarge
        case notAChart
        case unsupported
        case badResponse
        case tooManyTagPages
        case versionMismatch
        case registryFailed
        /// A registry refused an index whose child manifests it does not have (a partial index).
        case partialIndexRefused
        case localFile

        public var errorClass: ErrorClass {
            switch self {
            case .invalidReference, .versionNotFound, .noMatchingVersion, .notAChart, .unsupported, .versionMismatch: return .input
            case .digestMismatch, .sizeMismatch: return .integrity
            case .localFile: return .local
            default: return .remote
            }
        }
    }

    public var code: Code
    public var registry: String
    public var reason: String
    public var hint: String
    public var fileID: String
    public var line: Int
    /// For failures below HTTP (TLS, connection), the transport's code.
    public var transportCode: TransportErrorCode?

    public init(
        _ code: Code, registry: String, reason: String, hint: String = "",
        fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.registry = registry
        self.reason = reason
        self.hint = hint
        self.fileID = fileID
        self.line = line
    }

    /// A transport failure keeps its own code (`certificateUntrusted`, …), nested or not.
    public var errorCode: String { transportCode?.rawValue ?? code.rawValue }
    public var errorClass: ErrorClass { transportCode?.errorClass ?? code.errorClass }
    public var subject: String { registry }
}
