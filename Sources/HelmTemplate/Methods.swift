import Foundation

/// The methods Helm's objects offer to templates: `.Capabilities.APIVersions.Has "apps/v1"`,
/// and on `.Files` `Get`, `GetBytes`, `Lines`, `Glob` (gobwas/glob patterns: `*` and `?` within
/// a path segment, `**` across them, classes, `{a,b}`), `AsConfig` and `AsSecrets` (the files by
/// base name as YAML, their contents as text or base64). Nil when `name` is no method of the value.
enum Methods {
    static func call(_ name: String, on receiver: Value, _ arguments: [Value]) throws(FunctionError) -> Value? {
        switch receiver {
        case .map(let values) where values.type == .values: return try ValuesMethods.call(name, on: values, arguments)
        case .map(let files) where files.type == .files: return try call(name, onFiles: files, arguments)
        case .list(let versions) where versions.type == .versionSet && name == "Has":
            guard arguments.count == 1, case .string(let wanted) = arguments[0] else { return nil }
            return .bool(versions.contains(.string(wanted)))
        case .time(let time) where name == "Format":
            guard arguments.count == 1, case .string(let layout) = arguments[0] else { return nil }
            return .string(GoTime.format(time.instant, layout: layout, zone: time.zone))
        default:
            return nil
        }
    }

    /// `.Files.Get`, `GetBytes`, `Lines` and `Glob`, each of one text argument.
    static func call(_ name: String, onFiles files: ValueMap, _ arguments: [Value]) throws(FunctionError) -> Value? {
        guard arguments.count == 1, case .string(let argument) = arguments[0] else { return nil }
        switch name {
        case "Get", "GetBytes":
            if case .missing? = files[argument] { throw omitted(argument) }
            return files[argument] ?? .string("")
        case "Lines":
            if case .missing? = files[argument] { throw omitted(argument) }
            guard case .string(var text)? = files[argument], !text.isEmpty else { return .strings([]) }
            if text.hasSuffix("\n") { text.removeLast() }
            return .strings(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        case "Glob":
            let glob = Array(argument.unicodeScalars)
            return .map(files.filter { Glob.matches(glob, Array($0.key.unicodeScalars)) })
        default:
            return nil
        }
    }

    /// `.name` of a map as Go reads it: a method of Helm's values first (`.Values.AsMap`), then
    /// the key; a key a `map[string]string` lacks is its zero, ""; a field a struct lacks is
    /// nil (an error to the caller); `AsConfig`/`AsSecrets` of files; else missing.
    static func field(_ name: String, of map: ValueMap) throws(FunctionError) -> Value? {
        if map.type == .values, ValuesMethods.names.contains(name) { return try ValuesMethods.property(name, of: map) }
        if let entry = map[name] { return entry }
        if map.type.isStruct { return nil }
        if map.type == .stringMap { return .string("") }
        return try property(name, of: map) ?? .missing
    }

    /// A method of a `time.Time` that takes no argument, read as a field (`(now).Year`): the
    /// calendar's parts in the time's zone, the Unix time, `IsZero`, `UTC`, `String`.
    static func property(_ name: String, of time: GoTimeValue) -> Value? {
        let instant = time.instant
        let civil = GoCivil(instant, offset: time.zone.offset)
        switch name {
        case "Year": return .int(civil.year)
        case "Month": return .string(GoTime.months[civil.month - 1])
        case "Day": return .int(civil.day)
        case "Hour": return .int(civil.hour)
        case "Minute": return .int(civil.minute)
        case "Second": return .int(civil.second)
        case "Nanosecond": return .int(civil.nanos)
        case "Weekday": return .string(GoTime.weekdays[civil.weekday])
        case "YearDay": return .int(civil.yearDay)
        case "Unix": return .int64(instant.seconds)
        case "IsZero": return .bool(instant == GoTimeValue.zero.instant)
        // Go's UTC drops the monotonic reading.
        case "UTC": return .time(GoTimeValue(instant))
        case "UnixNano": return .int64(instant.seconds &* 1_000_000_000 &+ instant.nanos)
        case "String": return .string(time.printed)
        default: return nil
        }
    }

    static func omitted(_ path: String) -> FunctionError {
        FunctionError("the chart's file \(path) is one bundle does not read: over 4 MiB (or past 64 MiB in all), or bytes that are not UTF-8 text", isUnsupported: true)
    }

    /// `.AsConfig` and `.AsSecrets` of a files object (also after `Glob`), read as fields; a
    /// file too large to read is the same gap as `Get` of it, never its absence written out.
    static func property(_ name: String, of files: ValueMap) throws(FunctionError) -> Value? {
        guard files.type == .files, name == "AsConfig" || name == "AsSecrets" else { return nil }
        var byName: [String: Value] = [:]
        for (path, content) in files {
            if case .missing = content { throw omitted(path) }
            let text = SprigStrings.stringify(content)
            byName[GoPath.base(path)] = .string(name == "AsConfig" ? text : Data(text.utf8).base64EncodedString())
        }
        return .string(YAMLText.encode(.map(ValueMap(byName))))
    }
}

/// gobwas/glob with `/` as the separator, matched by dynamic programming (no backtracking).
enum Glob {
    static func matches(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        // Alternatives `{a,b}` expand first (a few at most in a chart).
        if let open = pattern.firstIndex(of: "{"), let close = pattern[open...].firstIndex(of: "}") {
            let options = pattern[(open + 1)..<close].split(separator: ",", omittingEmptySubsequences: false)
            return options.prefix(32).contains { matches(Array(pattern[..<open]) + $0 + Array(pattern[(close + 1)...]), text) }
        }
        // reachable[j]: the pattern so far can end having consumed text[..<j].
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        var i = 0
        while i < pattern.count {
            var next = [Bool](repeating: false, count: text.count + 1)
            let c = pattern[i]
            if c == "*" {
                let crosses = i + 1 < pattern.count && pattern[i + 1] == "*"
                for j in 0...text.count where reachable[j] {
                    next[j] = true
                    var k = j
                    while k < text.count, crosses || text[k] != "/" { k += 1; next[k] = true }
                }
                i += crosses ? 2 : 1
            } else if c == "[", let close = pattern[(i + 1)...].firstIndex(of: "]") {
                let negated = pattern[i + 1] == "!"
                let body = Array(pattern[(negated ? i + 2 : i + 1)..<close])
                for j in 0..<text.count where reachable[j] {
                    var hit = false, k = 0
                    while k < body.count {
                        if k + 2 < body.count, body[k + 1] == "-" { hit = hit || (body[k]...body[k + 2]).contains(text[j]); k += 3 } else { hit = hit || body[k] == text[j]; k += 1 }
                    }
                    if hit != negated, text[j] != "/" { next[j + 1] = true }
                }
                i = close + 1
            } else {
                var literal = c
                if c == "\\", i + 1 < pattern.count { i += 1; literal = pattern[i] }
                for j in 0..<text.count where reachable[j] && (c == "?" ? text[j] != "/" : text[j] == literal) { next[j + 1] = true }
                i += 1
            }
            reachable = next
        }
        return reachable[text.count]
    }
}
