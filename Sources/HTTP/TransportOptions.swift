import Foundation

/// Timeouts, retry and redirect limits of the transport.
public struct TransportOptions: Sendable {
    /// Seconds allowed to establish a connection (TCP and TLS).
    public var connectTimeout: Int = 15
    /// A transfer slower than 1 byte/s for this many seconds is aborted (a stalled peer).
    public var lowSpeedTime: Int = 30
    /// Attempts per request for transient failures (connection errors, 429, 5xx).
    public var maxAttempts: Int = 4
    /// First backoff delay in seconds; doubles on each retry.
    public var baseDelay: Double = 0.25
    /// Longest `Retry-After` we honour, in seconds; longer values are capped.
    public var maxRetryAfter: Double = 30
    /// Redirects followed per request.
    public var maxRedirects: Int = 10
    public var userAgent: String = "bundle/0.1 (+libcurl)"
    /// Receives warnings (insecure TLS, retries); the command layer prints them to stderr.
    public var warn: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    public init() {}

    /// Defaults, overridden by `BUNDLE_HTTP_CONNECT_TIMEOUT`, `BUNDLE_HTTP_LOW_SPEED_TIME`
    /// and `BUNDLE_HTTP_ATTEMPTS` where set (whole numbers).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> TransportOptions {
        var options = TransportOptions()
        if let v = env["BUNDLE_HTTP_CONNECT_TIMEOUT"].flatMap(Int.init), v > 0 { options.connectTimeout = v }
        if let v = env["BUNDLE_HTTP_LOW_SPEED_TIME"].flatMap(Int.init), v > 0 { options.lowSpeedTime = v }
        if let v = env["BUNDLE_HTTP_ATTEMPTS"].flatMap(Int.init), v > 0 { options.maxAttempts = v }
        return options
    }
}
