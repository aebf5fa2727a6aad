import CCurl

/// What libcurl this binary runs with, as libcurl itself reports it at run time (with its TLS
/// library and zlib): for `bundle --version --verbose` and security reviews.
public enum LinkedCurl {
    public static var version: String { String(cString: curl_version()) }
}
