/// Sprig's regular expression functions with Go's `regexp` semantics (RE2 syntax, leftmost-first
/// matches, successive non-overlapping matches with an empty match right after another one
/// skipped, `$1`/`${name}` in replacements), run by `RegexMachine` in linear time within a
/// step budget per call.
enum SprigRegex {
    /// Thread steps one call may take (a pattern and a text are untrusted).
    static let budget = 10_000_000

    static let table: FunctionTable = {
        var table: FunctionTable = [
            "regexQuoteMeta": { args, _ in .string(quoteMeta(try SprigStrings.one(args, "regexQuoteMeta"))) },
        ]
        for prefix in ["", "must"] {
            @Sendable func name(_ base: String) -> String { prefix.isEmpty ? base : "must" + base.prefix(1).uppercased() + base.dropFirst() }
            table[name("regexMatch")] = { args, _ in
                // Sprig's regexMatch answers false for a pattern that does not compile; mustRegexMatch fails.
                let machine: RegexMachine, text: [Unicode.Scalar]
                do { (machine, text) = try compile(args, name("regexMatch")) } catch is FunctionError where prefix.isEmpty {
                    return .bool(false)
                }
                var budget = Self.budget
                return .bool(try limited { () throws(RegexError) in try machine.match(text, from: 0, budget: &budget) } != nil)
            }
            table[name("regexFind")] = { args, _ in
                let (machine, text) = try compile(args, name("regexFind"))
                return .string(try limited { () throws(RegexError) in try matches(machine, text, limit: 1) }.first.map { string(text, $0[0], $0[1]) } ?? "")
            }
            table[name("regexFindAll")] = { args, _ in
                let (machine, text) = try compile(args, name("regexFindAll"))
                let limit = args.count > 2 ? SprigData.toInt(args[2]) : -1
                let found = try limited { () throws(RegexError) in try matches(machine, text, limit: limit) }.map { Value.string(string(text, $0[0], $0[1])) }
                return .list(.orNil(found, type: .stringList))
            }
            table[name("regexReplaceAll")] = { args, _ in
                let (machine, text) = try compile(args, name("regexReplaceAll"))
                let template = Array(SprigStrings.stringify(args.count > 2 ? args[2] : .string("")).unicodeScalars)
                return .string(try limited { () throws(RegexError) in try replace(machine, text) { expand(template, machine: machine, text: text, match: $0) } })
            }
            table[name("regexReplaceAllLiteral")] = { args, _ in
                let (machine, text) = try compile(args, name("regexReplaceAllLiteral"))
                let literal = SprigStrings.stringify(args.count > 2 ? args[2] : .string(""))
                return .string(try limited { () throws(RegexError) in try replace(machine, text) { _ in literal } })
            }
            table[name("regexSplit")] = { args, _ in
                let (machine, text) = try compile(args, name("regexSplit"))
                let limit = args.count > 2 ? SprigData.toInt(args[2]) : -1
                // A limit of 0 is Go's nil slice.
                let pieces = try limited { () throws(RegexError) in try split(machine, text, limit: limit, emptyPattern: SprigStrings.stringify(args[0]).isEmpty) }
                return .list(limit == 0 ? .orNil([], type: .stringList) : ValueList(pieces.map { Value.string($0) }, type: .stringList))
            }
        }
        return table
    }()

    /// A match within the step budget, or the function's error.
    static func limited<T>(_ body: () throws(RegexError) -> T) throws(FunctionError) -> T {
        do { return try body() } catch { throw FunctionError(error.message) }
    }

    static func compile(_ args: [Value], _ name: String) throws -> (RegexMachine, [Unicode.Scalar]) {
        guard args.count >= 2 else { throw FunctionError("wrong number of args for \(name): want at least 2 got \(args.count)") }
        let pattern = SprigStrings.stringify(args[0])
        do {
            return (try RegexMachine(pattern), Array(SprigStrings.stringify(args[1]).unicodeScalars))
        } catch {
            throw FunctionError("regexp: Compile(`\(pattern)`): error parsing regexp: \(error.message)")
        }
    }

    static func string(_ text: [Unicode.Scalar], _ from: Int, _ to: Int) -> String {
        String(String.UnicodeScalarView(text[from..<to]))
    }

    /// Go's successive matches: at most `limit` (all when negative), an empty match right
    /// after the previous match left out.
    static func matches(_ machine: RegexMachine, _ text: [Unicode.Scalar], limit: Int) throws(RegexError) -> [[Int]] {
        var found: [[Int]] = [], position = 0, previousEnd = -1, budget = Self.budget
        while limit < 0 || found.count < limit, position <= text.count {
            guard let match = try machine.match(text, from: position, budget: &budget) else { break }
            let accept = !(match[1] == match[0] && match[0] == previousEnd)
            position = match[1] == position ? position + 1 : match[1]
            previousEnd = match[1]
            if accept { found.append(match) }
        }
        return found
    }

    /// Go's `ReplaceAllString`: each match replaced, the text between kept, a match of the empty
    /// string right after another match not replaced.
    static func replace(_ machine: RegexMachine, _ text: [Unicode.Scalar], _ replacement: ([Int]) -> String) throws(RegexError) -> String {
        var out = "", lastEnd = 0, search = 0, budget = Self.budget
        while search <= text.count {
            guard let match = try machine.match(text, from: search, budget: &budget) else { break }
            out += string(text, lastEnd, match[0])
            if match[1] > lastEnd || match[0] == 0 { out += replacement(match) }
            lastEnd = match[1]
            search = search + 1 > match[1] ? search + 1 : match[1]
        }
        return out + string(text, Swift.min(lastEnd, text.count), text.count)
    }

    /// Go's `Split`: the text between matches, at most `limit` pieces (all when negative).
    static func split(_ machine: RegexMachine, _ text: [Unicode.Scalar], limit: Int, emptyPattern: Bool) throws(RegexError) -> [String] {
        if limit == 0 { return [] }
        if text.isEmpty, !emptyPattern { return [""] }
        var pieces: [String] = [], begin = 0, end = 0
        for match in try matches(machine, text, limit: limit) {
            if limit > 0, pieces.count == limit - 1 { break }
            end = match[0]
            if match[1] != 0 { pieces.append(string(text, begin, end)) }
            begin = match[1]
        }
        if end != text.count { pieces.append(string(text, begin, text.count)) }
        return pieces
    }

    /// `$1`, `${1}`, `$name`, `${name}` and `$$` in a replacement, as Go's `Expand` reads them.
    static func expand(_ template: [Unicode.Scalar], machine: RegexMachine, text: [Unicode.Scalar], match: [Int]) -> String {
        var out = "", i = 0
        func isNameCharacter(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }
        while i < template.count {
            guard template[i] == "$" else { out.unicodeScalars.append(template[i]); i += 1; continue }
            i += 1
            if i < template.count, template[i] == "$" { out += "$"; i += 1; continue }
            let brace = i < template.count && template[i] == "{"
            var j = brace ? i + 1 : i
            let start = j
            while j < template.count, isNameCharacter(template[j]) { j += 1 }
            let name = String(String.UnicodeScalarView(template[start..<j]))
            if name.isEmpty || (brace && (j >= template.count || template[j] != "}")) { out += "$"; continue }
            i = brace ? j + 1 : j
            var group: Int? = name.allSatisfy({ $0.isASCII && $0.isNumber }) && name.count < 9 && !(name.hasPrefix("0") && name.count > 1) ? Int(name) : nil
            if group == nil { group = machine.groupNames.first { $0.value == name }?.key }
            if let group, 2 * group + 1 < match.count, match[2 * group] >= 0 { out += string(text, match[2 * group], match[2 * group + 1]) }
        }
        return out
    }

    /// Go's `QuoteMeta`: every regular expression metacharacter escaped.
    static func quoteMeta(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if "\\.+*?()|[]{}^$".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
