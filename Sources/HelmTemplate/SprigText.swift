import Foundation

/// The rest of Sprig's and Go's string helpers charts use: `substr`, `swapcase`, `initials`,
/// `b32dec`, `toDecimal`, the `os…` path functions (Linux's paths are
/// Go's `path`), `urlParse`, `urlJoin` (`GoURL`), Go's escapers `html` and `urlquery`, and the
/// random `randBytes` and `shuffle` (random, as in Helm).
enum SprigText {
    static let table: FunctionTable = [
        "substr": { args, _ in
            guard args.count == 3 else { throw FunctionError("wrong number of args for substr: want 3 got \(args.count)") }
            let bytes = Array(SprigStrings.stringify(args[2]).utf8)
            let start = SprigData.toInt(args[0]), end = SprigData.toInt(args[1])
            // Sprig: a negative start keeps the beginning, an end past the text keeps the rest.
            if start < 0 { return .string(String(decoding: bytes[..<Swift.min(Swift.max(end, 0), bytes.count)], as: UTF8.self)) }
            guard start <= bytes.count else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(bytes.count)]") }
            if end < 0 || end > bytes.count { return .string(String(decoding: bytes[start...], as: UTF8.self)) }
            guard start <= end else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(end)]") }
            return .string(String(decoding: bytes[start..<end], as: UTF8.self))
        },
        "swapcase": { args, _ in
            .string(String(try SprigStrings.one(args, "swapcase").map { $0.isUppercase ? Character($0.lowercased()) : $0.isLowercase ? Character($0.uppercased()) : $0 }))
        },
        "initials": { args, _ in .string(try SprigStrings.one(args, "initials").split(whereSeparator: \.isWhitespace).compactMap(\.first).map(String.init).joined()) },
        "b32dec": { args, _ in .string(base32Decode(try SprigStrings.one(args, "b32dec"))) },
        "toDecimal": { args, _ in .int64(Int(try SprigStrings.one(args, "toDecimal"), radix: 8) ?? 0) },  // Sprig: octal text, 0 when it is none
        "osBase": { args, _ in .string(GoPath.base(try SprigStrings.one(args, "osBase"))) },
        "osDir": { args, _ in .string(GoPath.dir(try SprigStrings.one(args, "osDir"))) },
        "osClean": { args, _ in .string(GoPath.clean(try SprigStrings.one(args, "osClean"))) },
        "osExt": { args, _ in .string(GoPath.ext(try SprigStrings.one(args, "osExt"))) },
        "osIsAbs": { args, _ in .bool(try SprigStrings.one(args, "osIsAbs").hasPrefix("/")) },
        "html": { args, _ in .string(escapeHTML(goArguments(args))) },
        "urlquery": { args, _ in
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
            let text = goArguments(args)
            return .string((text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingEvery("%20", with: "+"))
        },
        "urlParse": { args, _ in
            let url: GoURL
            do throws(GoURL.Failure) { url = try GoURL(parsing: SprigStrings.stringify(args[0])) } catch { throw FunctionError("unable to parse url: \(error.message)") }
            return ["scheme": .string(url.scheme), "host": .string(url.host), "hostname": .string(url.hostname), "path": .string(url.path),
                    "query": .string(url.rawQuery), "opaque": .string(url.opaque), "fragment": .string(url.fragment), "userinfo": .string(url.user ?? "")]
        },
        "urlJoin": { args, _ in .string(try joinedURL(args[0])) },
        "randBytes": { args, _ in
            let count = SprigData.toInt(try SprigStrings.single(args, "randBytes"))
            guard count >= 0, count <= SprigMore.maxRandom else { throw FunctionError("randBytes of \(count) bytes") }
            return .string(Data((0..<count).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
        },
        "shuffle": { args, _ in .string(String(try SprigStrings.one(args, "shuffle").shuffled())) },
    ]

    /// Sprig's urlJoin: a dict's string parts written as one URL.
    static func joinedURL(_ parts: Value) throws -> String {
        guard case .map(let map) = parts else { return "" }
        func part(_ key: String) throws -> String {
            guard let value = map[key] else { return "" }
            guard case .string(let text) = value else { throw FunctionError("unable to parse \(key) key, must be of type string, but \(SprigMore.kind(value)) found") }
            return text
        }
        var url = GoURL()
        (url.scheme, url.host, url.path, url.rawQuery, url.opaque, url.fragment) = (try part("scheme"), try part("host"), try part("path"), try part("query"), try part("opaque"), try part("fragment"))
        let info = try part("userinfo")
        if !info.isEmpty {
            do throws(GoURL.Failure) { url.user = try GoURL(parsing: "proto://\(info)@host").user } catch { throw FunctionError("unable to parse userinfo in dict: \(error.message)") }
        }
        return url.text
    }

    /// What Go's escapers (`html`, `urlquery`, `js`) escape: a single string as it is, else
    /// `fmt.Sprint` of the arguments.
    static func goArguments(_ args: [Value]) -> String {
        if args.count == 1, case .string(let text) = args[0] { return text }
        return GoFormat.sprint(args)
    }

    /// Go's `template.HTMLEscapeString`.
    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "'": out += "&#39;"
            case "\"": out += "&#34;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// RFC 4648 base32 with padding; Sprig gives the error's text for bad input, here "".
    static func base32Decode(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var buffer = 0, bits = 0, bytes: [UInt8] = []
        for character in text where character != "=" {
            guard let value = alphabet.firstIndex(of: character) else { return "" }
            buffer = (buffer << 5 | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
