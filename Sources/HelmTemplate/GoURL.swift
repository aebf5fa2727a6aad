/// Go's `net/url` as Sprig's `urlParse` and `urlJoin` use it: a URL split into scheme, user
/// information, host, path (unescaped), query and fragment, and written back with each part
/// escaped by its own rules. Errors read as Go's (`parse "://x": missing protocol scheme`).
struct GoURL {
    var scheme = "", opaque = "", user: String?, host = "", path = "", rawQuery = "", fragment = ""
    var forceQuery = false

    struct Failure: Error { var message: String }

    init() {}

    /// `url.Parse`.
    init(parsing text: String) throws(Failure) {
        func failure(_ reason: String) -> Failure { Failure(message: "parse \(GoFormat.quote(text)): \(reason)") }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { throw failure("net/url: invalid control character in URL") }
        let (beforeFragment, fragmentText) = Self.cut(text, at: "#")
        if let fragmentText {
            guard let unescaped = Self.unescape(fragmentText) else { throw failure("invalid URL escape") }
            fragment = unescaped
        }
        var rest = Substring(beforeFragment)
        if rest == "*" { path = "*"; return }
        // A scheme: a letter, then letters, digits, `+-.`, up to a colon.
        if let colon = rest.firstIndex(of: ":") {
            let candidate = rest[..<colon]
            if candidate.isEmpty { throw failure("missing protocol scheme") }
            if let first = candidate.first, first.isASCII, first.isLetter,
               candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
                scheme = candidate.lowercased()
                rest = rest[rest.index(after: colon)...]
            }
        }
        if rest.hasSuffix("?"), rest.filter({ $0 == "?" }).count == 1 {
            forceQuery = true
            rest = rest.dropLast()
        } else {
            let (before, query) = Self.cut(String(rest), at: "?")
            rawQuery = query ?? ""
            rest = Substring(before)
        }
        if !rest.hasPrefix("/") {
            if !scheme.isEmpty { opaque = String(rest); return }
            if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") { throw failure("first path segment in URL cannot contain colon") }
        }
        if rest.hasPrefix("//"), !scheme.isEmpty || !rest.hasPrefix("///") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" }
            rest = rest.dropFirst(2 + authority.count)
            try parseAuthority(String(authority), failure)
        }
        guard let unescaped = Self.unescape(String(rest)) else { throw failure("invalid URL escape") }
        path = unescaped
    }

    private mutating func parseAuthority(_ authority: String, _ failure: (String) -> Failure) throws(Failure) {
        guard let at = authority.lastIndex(of: "@") else { host = authority; return try checkHost(failure) }
        host = String(authority[authority.index(after: at)...])
        try checkHost(failure)
        let info = String(authority[..<at])
        let (name, password) = Self.cut(info, at: ":")
        guard let name = Self.unescape(name), let password = password.map({ Self.unescape($0) }) ?? .some(nil) else { throw failure("invalid URL escape") }
        user = Self.escape(name, .userPassword) + (password.map { ":" + Self.escape($0, .userPassword) } ?? "")
    }

    private func checkHost(_ failure: (String) -> Failure) throws(Failure) {
        if host.hasPrefix("[") {
            guard host.contains("]") else { throw failure("missing ']' in host") }
            return
        }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw failure("invalid port \(GoFormat.quote(String(host[colon...]))) after host") }
        }
    }

    /// `Hostname()`: the host without its port or an IPv6 literal's brackets.
    var hostname: String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<close]) }
        if let colon = host.lastIndex(of: ":") { return String(host[..<colon]) }
        return host
    }

    /// `URL.String()`.
    var text: String {
        var out = scheme.isEmpty ? "" : scheme + ":"
        if !opaque.isEmpty {
            out += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || user != nil {
                if !host.isEmpty || !path.isEmpty || user != nil { out += "//" }
                if let user { out += user + "@" }
                out += Self.escape(host, .host)
            }
            let escapedPath = path == "*" ? "*" : Self.escape(path, .path)
            if !escapedPath.isEmpty, !escapedPath.hasPrefix("/"), !host.isEmpty { out += "/" }
            if out.isEmpty, let colon = escapedPath.firstIndex(of: ":"), !escapedPath[..<colon].contains("/") { out += "./" }
            out += escapedPath
        }
        if forceQuery || !rawQuery.isEmpty { out += "?" + rawQuery }
        if !fragment.isEmpty { out += "#" + Self.escape(fragment, .fragment) }
        return out
    }

    enum Part { case host, path, userPassword, fragment }

    /// Go's shouldEscape for each part: unreserved bytes never, `$&+,/:;=?@` by part.
    static func escape(_ text: String, _ part: Part) -> String {
        var out = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            let unreserved = byte < 0x80 && (character.isLetter || character.isNumber || "-_.~".contains(character))
            let kept: Bool = switch part {
            case .host: unreserved || (byte < 0x80 && "!$&'()*+,;=:[]<>\"".contains(character))
            case .path: unreserved || (byte < 0x80 && "$&+,/:;=@".contains(character))
            case .userPassword: unreserved || (byte < 0x80 && "$&+,;=".contains(character))
            case .fragment: unreserved || (byte < 0x80 && "$&+,/:;=?@!()*".contains(character))
            }
            if kept { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out
    }

    /// `%XX` sequences decoded; nil for a malformed one.
    static func unescape(_ text: String) -> String? {
        var bytes: [UInt8] = [], index = 0
        let input = Array(text.utf8)
        while index < input.count {
            if input[index] == UInt8(ascii: "%") {
                guard index + 2 < input.count, let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func cut(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }
}
