import Content
import Diagnostics

/// An HTTP or TLS failure, always naming the host (`host:port`) it came from and what to do next.
public struct HTTPError: CodedError {
    /// Stable identifiers; tests and callers compare these, never the text (`TransportErrorCode`,
    /// kept below so that errors of other modules can carry one without linking libcurl).
    public typealias Code = TransportErrorCode

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
