import Foundation

/// The transport every client uses: libcurl making one exchange, wrapped in the policies that
/// make it safe and patient, each a wrapper over `HTTPTransport` so that it can be tested with
/// a scripted transport underneath: the insecure-TLS warning, then redirects, then retries.
public enum HTTPTransports {
    /// `options` nil: the defaults with the environment's overrides.
    public static func standard(options: TransportOptions? = nil) throws(HTTPError) -> any HTTPTransport {
        let curl = try CurlTransport(options: options)
        return wrapped(curl, options: curl.options)
    }

    /// `transport` (one exchange per request) under the standard policies.
    public static func wrapped(_ transport: any HTTPTransport, options: TransportOptions, sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) -> any HTTPTransport {
        InsecureTLSWarning(RedirectPolicy(RetryPolicy(transport, options: options, sleep: sleep), maxRedirects: options.maxRedirects), warn: options.warn)
    }
}

/// Says once per host that TLS verification is off for it (`insecure: true`), and where that
/// came from, before the first request to it.
public final class InsecureTLSWarning: HTTPTransport {
    private let next: any HTTPTransport
    private let warn: @Sendable (String) -> Void
    private var warned: Set<String> = []

    public init(_ next: any HTTPTransport, warn: @escaping @Sendable (String) -> Void) {
        self.next = next
        self.warn = warn
    }

    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        let host = request.hostDescription
        if request.tls.insecureSkipVerify, request.url.scheme == "https", !warned.contains(host) {
            warned.insert(host)
            warn("TLS verification is disabled for \(host) (insecure, from \(request.tls.source)); anyone on the network path can impersonate this registry")
        }
        return try next.send(request, body: body)
    }
}

/// Follows redirects (at most `maxRedirects`): refuses one from HTTPS to plain HTTP or to a
/// location that is not a web address, drops the credentials and the client certificate when
/// one leaves the origin (they belong to the registry, not to blob storage or a CDN), and turns
/// a 303 into a GET.
public final class RedirectPolicy: HTTPTransport {
    private let next: any HTTPTransport
    private let maxRedirects: Int

    public init(_ next: any HTTPTransport, maxRedirects: Int) {
        self.next = next
        self.maxRedirects = maxRedirects
    }

    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        var current = request
        let origin = request.url.origin
        for _ in 0...maxRedirects {
            let response = try next.send(current, body: body)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else {
                return response
            }
            guard let target = URL(string: location, relativeTo: current.url)?.absoluteURL,
                  let scheme = target.scheme?.lowercased(), scheme == "https" || scheme == "http"
            else {
                throw HTTPError(
                    .invalidURL, host: current.hostDescription,
                    reason: "redirected to an unusable location \(location)",
                    hint: "The registry's redirect is broken; report it to the registry's operators.")
            }
            if scheme == "http", current.url.scheme?.lowercased() == "https" {
                throw HTTPError(
                    .invalidURL, host: current.hostDescription,
                    reason: "refused a redirect from HTTPS to plain HTTP (\(target.hostAndPort))",
                    hint: "Bytes fetched over plain HTTP could be altered in transit; fix the registry's storage redirect to use HTTPS.")
            }
            if target.origin != origin {
                current.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
                current.tls.certFile = nil
                current.tls.keyFile = nil
            }
            if response.status == 303 {
                current.method = "GET"
                current.body = nil
                current.upload = nil
            }
            current.url = target
        }
        throw HTTPError(
            .tooManyRedirects, host: request.hostDescription,
            reason: "more than \(maxRedirects) redirects for \(request.url.path)",
            hint: "The registry or a proxy redirects in a loop; check its configuration.")
    }
}

/// Tries a request again (at most `maxAttempts` in all) when it failed for a reason that may
/// pass: 429 and 5xx answers, connection failures, timeouts, truncation. It waits between
/// tries, doubling from `baseDelay` or as the server's `Retry-After` says, capped; a TLS
/// connection that broke before any answer is asked again at once (a registry refusing the
/// missing client certificate says so on the second try). Each retry is a warning.
public final class RetryPolicy: HTTPTransport {
    private let next: any HTTPTransport
    private let options: TransportOptions
    private let sleep: @Sendable (Double) -> Void

    public init(_ next: any HTTPTransport, options: TransportOptions, sleep: @escaping @Sendable (Double) -> Void) {
        self.next = next
        self.options = options
        self.sleep = sleep
    }

    public func send(_ request: HTTPRequest, body: ResponseBody) throws(HTTPError) -> HTTPResponse {
        var attempt = 1
        while true {
            var tried = request
            tried.attempt = attempt
            do {
                let response = try next.send(tried, body: body)
                let transient = response.status == 429 || [500, 502, 503, 504].contains(response.status)
                guard transient, attempt < options.maxAttempts else { return response }
                let delay = retryDelay(attempt: attempt, retryAfter: response.header("Retry-After"))
                options.warn("\(request.hostDescription): HTTP \(response.status) for \(request.method) \(request.url.path); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                sleep(delay)
            } catch {
                guard Self.isTransient(error.code), attempt < options.maxAttempts else { throw error }
                if attempt > 1 || !error.brokenBeforeAnswer {
                    let delay = retryDelay(attempt: attempt, retryAfter: nil)
                    options.warn("\(error.host): \(error.reason); retrying in \(String(format: "%.1f", delay))s (attempt \(attempt + 1) of \(options.maxAttempts))")
                    sleep(delay)
                }
            }
            attempt += 1
        }
    }

    static func isTransient(_ code: HTTPError.Code) -> Bool {
        switch code {
        case .connectionFailed, .timedOut, .truncated: return true
        default: return false
        }
    }

    /// Exponential backoff, or the server's `Retry-After` (seconds) when given, capped.
    func retryDelay(attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, options.maxRetryAfter)
        }
        return min(options.baseDelay * pow(2, Double(attempt - 1)), options.maxRetryAfter)
    }
}
