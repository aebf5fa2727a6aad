/// Every error the tool reports, whatever module it comes from, has one shape: a stable `code`
/// that callers and tests compare, the `subject` it concerns (a `host:port`, a `file:line`, a
/// bundle entry), the `reason` (what happened) and a `hint` (what to do next). The commands
/// print it the same way in text and in `--json`, and map its class to an exit status.
public protocol ToolError: Error, CustomStringConvertible, Sendable {
    /// A stable identifier such as `certificateUntrusted`; documented in docs/errors.md.
    var errorCode: String { get }
    /// What the error concerns: a `host:port`, a `file:line:column`, a bundle entry or a path.
    var subject: String { get }
    /// What happened.
    var reason: String { get }
    /// What the user can do about it; empty when there is nothing to add.
    var hint: String { get }
    /// The kind of failure, which decides the exit status.
    var errorClass: ErrorClass { get }
}

extension ToolError {
    /// `--json`'s error object and the text form, from one place.
    public var report: ErrorReport {
        ErrorReport(code: errorCode, errorClass: errorClass.rawValue, subject: subject, message: message, hint: hint)
    }

    /// `subject: reason. hint`
    public var message: String {
        let head = subject.isEmpty ? reason : "\(subject): \(reason)"
        return hint.isEmpty ? head : "\(head). \(hint)"
    }

    public var description: String { message }
}

/// What kind of failure an error is; each class has one exit status (see docs/errors.md).
public enum ErrorClass: String, Sendable, CaseIterable {
    /// The user's input is wrong or unusable: a config, a chart reference, a key, a flag's file.
    case input
    /// A registry, repository, proxy or the network failed or refused.
    case remote
    /// A bundle, blob or signature does not verify: nothing from it is trusted.
    case integrity
    /// This machine could not do its part: a file cannot be written, no space, a lock is held.
    case local

    /// The process's exit status for errors of this class: 1 for every class, so that a
    /// script's `if bundle ...` stays simple; `--json` prints the class and the code for those
    /// that need to tell failures apart (0 is success, 64 a usage error).
    public var exitStatus: Int32 { 1 }
}

/// Where an error type keeps its codes in an enum of them, the error's code and class are the enum's.
extension ToolError where Self: CodedError {
    public var errorCode: String { code.rawValue }
    public var errorClass: ErrorClass { code.errorClass }
}

/// An error whose code is one case of an enum of the type's codes.
public protocol CodedError: ToolError {
    associatedtype Code: ErrorCodeSet
    var code: Code { get }
}

/// What every command prints for an error under `--json`, as `{"error": {...}}`, and each
/// entry of a `problems[]` list. A problem in a file (a config) adds where it is: `file`,
/// `line`, `column` and the key `path` (null where unknown), and its `severity`.
public struct ErrorReport: Encodable, Sendable, Equatable {
    public var code: String
    /// `input`, `remote`, `integrity` or `local`.
    public var errorClass: String
    public var subject: String
    public var message: String
    public var hint: String
    /// Where in a file, for problems found in one.
    public var location: Location?
    /// `error`, `warning` or `note`, for a config's problems.
    public var severity: String?

    public struct Location: Sendable, Equatable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var path: String?

        public init(file: String?, line: Int?, column: Int?, path: String?) {
            self.file = file
            self.line = line
            self.column = column
            self.path = path
        }
    }

    public init(code: String, errorClass: String, subject: String, message: String, hint: String, location: Location? = nil, severity: String? = nil) {
        self.code = code
        self.errorClass = errorClass
        self.subject = subject
        self.message = message
        self.hint = hint
        self.location = location
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case code, errorClass = "class", subject, message, hint, file, line, column, path, severity
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(errorClass, forKey: .errorClass)
        try c.encode(subject, forKey: .subject)
        try c.encode(message, forKey: .message)
        try c.encode(hint, forKey: .hint)
        if let location {
            try c.encode(location.file, forKey: .file)
            try c.encode(location.line, forKey: .line)
            try c.encode(location.column, forKey: .column)
            try c.encode(location.path, forKey: .path)
        }
        try c.encodeIfPresent(severity, forKey: .severity)
    }
}

/// A code that an error type can report, with its class: each error type lists its codes so
/// that the documentation can be checked against them.
public protocol ErrorCodeSet: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    var errorClass: ErrorClass { get }
}
