import CCurl
import Content
import Foundation

/// Sets libcurl options through the typed shims and checks every result: an option libcurl
/// refuses (a CA file it cannot use, an unknown protocol list) stops the request with an error
/// naming the option, instead of passing silently and weakening what was asked for.
struct CurlOptions {
    let handle: UnsafeMutableRawPointer
    let host: String

    private func check(_ code: CURLcode, _ option: String) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw HTTPError(
                .transportSetupFailed, host: host,
                reason: "libcurl refused the option \(option): \(String(cString: curl_easy_strerror(code)))",
                hint: "The request was not sent. This libcurl may lack a feature bundle needs (TLS, HTTP/2); install libcurl4-openssl-dev's libcurl.")
        }
    }

    func string(_ option: CURLoption, _ value: String?, _ name: String) throws(HTTPError) {
        let code = value.map { text in text.withCString { bundle_curl_set_string(handle, option, $0) } } ?? bundle_curl_set_string(handle, option, nil)
        try check(code, name)
    }

    func long(_ option: CURLoption, _ value: Int, _ name: String) throws(HTTPError) {
        try check(bundle_curl_set_long(handle, option, value), name)
    }

    func offset(_ option: CURLoption, _ value: Int64, _ name: String) throws(HTTPError) {
        try check(bundle_curl_set_off(handle, option, curl_off_t(value)), name)
    }

    func pointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?, _ name: String) throws(HTTPError) {
        try check(bundle_curl_set_pointer(handle, option, value), name)
    }

    /// For options that copy the bytes (COPYPOSTFIELDS), so the buffer need not outlive the call;
    /// an empty body still gets a valid pointer, which libcurl does not read.
    func copiedBytes(_ option: CURLoption, _ bytes: [UInt8], _ name: String) throws(HTTPError) {
        var buffer = bytes.isEmpty ? [0] : bytes
        let code = buffer.withUnsafeMutableBytes { bundle_curl_set_pointer(handle, option, $0.baseAddress) }
        try check(code, name)
    }

    func list(_ option: CURLoption, _ value: UnsafeMutablePointer<curl_slist>?, _ name: String) throws(HTTPError) {
        try check(bundle_curl_set_list(handle, option, value), name)
    }

    func callback(_ option: CURLoption, _ value: bundle_curl_data_callback, _ name: String) throws(HTTPError) {
        try check(bundle_curl_set_callback(handle, option, value), name)
    }

    /// Appends a header line; libcurl returns NULL when it cannot allocate.
    func append(_ line: String, to list: inout UnsafeMutablePointer<curl_slist>?) throws(HTTPError) {
        guard let extended = curl_slist_append(list, line) else {
            throw HTTPError(.transportSetupFailed, host: host, reason: "libcurl could not add a request header (out of memory)", hint: "Free some memory and try again.")
        }
        list = extended
    }
}

extension CurlTransport {
    /// Sets every option of one request on the (reset) handle: URL, protocols, timeouts,
    /// method and body, headers, TLS verification and client certificate, callbacks.
    func configure(_ set: CurlOptions, for request: HTTPRequest, context: TransferContext,
                   headerList: inout UnsafeMutablePointer<curl_slist>?) throws(HTTPError) {
        try set.string(CURLOPT_URL, request.url.absoluteString, "CURLOPT_URL")
        try set.string(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try set.long(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set.long(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        try set.long(CURLOPT_CONNECTTIMEOUT, options.connectTimeout, "CURLOPT_CONNECTTIMEOUT")
        try set.long(CURLOPT_LOW_SPEED_LIMIT, 1, "CURLOPT_LOW_SPEED_LIMIT")
        try set.long(CURLOPT_LOW_SPEED_TIME, options.lowSpeedTime, "CURLOPT_LOW_SPEED_TIME")
        try set.string(CURLOPT_USERAGENT, options.userAgent, "CURLOPT_USERAGENT")
        try set.pointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer), "CURLOPT_ERRORBUFFER")

        switch request.method {
        case "GET": break
        case "HEAD": try set.long(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        default: try set.string(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
        }
        if let requestBody = request.body {
            try set.offset(CURLOPT_POSTFIELDSIZE_LARGE, Int64(requestBody.count), "CURLOPT_POSTFIELDSIZE_LARGE")
            try set.copiedBytes(CURLOPT_COPYPOSTFIELDS, [UInt8](requestBody), "CURLOPT_COPYPOSTFIELDS")
            if request.method != "POST" { try set.string(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST") }
        }
        if let upload = request.upload {
            // Streamed from the file by curlReadCallback; UPLOAD would say PUT, so the method stays explicit.
            try set.long(CURLOPT_UPLOAD, 1, "CURLOPT_UPLOAD")
            try set.offset(CURLOPT_INFILESIZE_LARGE, upload.length, "CURLOPT_INFILESIZE_LARGE")
            try set.string(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
            try set.callback(CURLOPT_READFUNCTION, curlReadCallback, "CURLOPT_READFUNCTION")
            try set.pointer(CURLOPT_READDATA, Unmanaged.passUnretained(context).toOpaque(), "CURLOPT_READDATA")
        }
        for (name, value) in request.headers {
            try set.append("\(name): \(value)", to: &headerList)
        }
        // No "Expect: 100-continue" round trip for small bodies.
        try set.append("Expect:", to: &headerList)
        try set.list(CURLOPT_HTTPHEADER, headerList, "CURLOPT_HTTPHEADER")
        try configureTLS(set, request.tls, host: request.url.hostAndPort, secure: request.url.scheme?.lowercased() == "https")

        let opaque = Unmanaged.passUnretained(context).toOpaque()
        try set.callback(CURLOPT_WRITEFUNCTION, curlWriteCallback, "CURLOPT_WRITEFUNCTION")
        try set.pointer(CURLOPT_WRITEDATA, opaque, "CURLOPT_WRITEDATA")
        try set.callback(CURLOPT_HEADERFUNCTION, curlHeaderCallback, "CURLOPT_HEADERFUNCTION")
        try set.pointer(CURLOPT_HEADERDATA, opaque, "CURLOPT_HEADERDATA")
    }

    /// Verify unless explicitly told not to; a caFile replaces the system roots entirely.
    private func configureTLS(_ set: CurlOptions, _ tls: TLSSettings, host: String, secure: Bool) throws(HTTPError) {
        if tls.insecureSkipVerify {
            try set.long(CURLOPT_SSL_VERIFYPEER, 0, "CURLOPT_SSL_VERIFYPEER")
            try set.long(CURLOPT_SSL_VERIFYHOST, 0, "CURLOPT_SSL_VERIFYHOST")
        } else {
            try set.long(CURLOPT_SSL_VERIFYPEER, 1, "CURLOPT_SSL_VERIFYPEER")
            try set.long(CURLOPT_SSL_VERIFYHOST, 2, "CURLOPT_SSL_VERIFYHOST")
            if let caFile = tls.caFile {
                try set.string(CURLOPT_CAINFO, caFile, "CURLOPT_CAINFO (caFile \(caFile))")
                try set.string(CURLOPT_CAPATH, nil, "CURLOPT_CAPATH")
            } else {
                // The system store where this distribution keeps it, never OpenSSL's compiled-in path.
                guard let store = SystemTrustStore.current else {
                    if secure { throw SystemTrustStore.missing(host: host) }
                    return
                }
                try set.string(CURLOPT_CAINFO, store.file, "CURLOPT_CAINFO (system store \(store.file ?? "-"))")
                try set.string(CURLOPT_CAPATH, store.folder, "CURLOPT_CAPATH (system store \(store.folder ?? "-"))")
            }
        }
        if let certFile = tls.certFile {
            try set.string(CURLOPT_SSLCERT, certFile, "CURLOPT_SSLCERT (certFile \(certFile))")
            try set.string(CURLOPT_SSLCERTTYPE, "PEM", "CURLOPT_SSLCERTTYPE")
            try set.string(CURLOPT_SSLKEY, tls.keyFile ?? certFile, "CURLOPT_SSLKEY")
            try set.string(CURLOPT_SSLKEYTYPE, "PEM", "CURLOPT_SSLKEYTYPE")
        }
    }
}
