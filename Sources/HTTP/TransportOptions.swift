import Diagnostics
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
    public var warn: @Sendable (String) -> Void = { Log.warning($0) }

    public init() {}

    /// Defaults, overridden by `BUNDLE_HTTP_CONNECT_TIMEOUT` (seconds, 1 to 600),
    /// `BUNDLE_HTTP_LOW_SPEED_TIME` (seconds, 1 to 3600) and `BUNDLE_HTTP_ATTEMPTS` (attempts,
    /// 1 to 20) where set; anything else is refused, naming the variable and its own range,
    /// rather than silently ignored.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(HTTPError) -> TransportOptions {
        var options = TransportOptions()
        func value(_ name: String, _ range: ClosedRange<Int>, unit: String, meaning: String, default: Int) throws(HTTPError) -> Int? {
            guard let text = env[name] else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw HTTPError(.transportSetupFailed, host: "environment",
                                reason: "\(name)=\"\(text.prefix(40))\" is not a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound)",
                                hint: "Set \(name) to \(meaning) (\(unit), default \(`default`)), or unset it.")
            }
            return number
        }
        if let v = try value("BUNDLE_HTTP_CONNECT_TIMEOUT", 1...600, unit: "seconds", meaning: "how long a connection (TCP and TLS) may take", default: options.connectTimeout) {
            options.connectTimeout = v
        }
        if let v = try value("BUNDLE_HTTP_LOW_SPEED_TIME", 1...3600, unit: "seconds", meaning: "how long a transfer may stall before it is aborted", default: options.lowSpeedTime) {
            options.lowSpeedTime = v
        }
        if let v = try value("BUNDLE_HTTP_ATTEMPTS", 1...20, unit: "attempts", meaning: "how often a request is tried on transient failures", default: options.maxAttempts) {
            options.maxAttempts = v
        }
        return options
    }
}
