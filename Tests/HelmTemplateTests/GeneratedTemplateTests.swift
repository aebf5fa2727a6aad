import Foundation
import HelmTemplate
import Testing

/// Random templates built from the grammar and the function set, rendered by the engine and by
/// Helm v4's (scripts/helm-oracle): the same output, or a refusal on both sides. The seed is
/// fixed, so a failure names a template that fails every time; BUNDLE_TEMPLATE_CASES and
/// BUNDLE_TEMPLATE_SEED run a longer or another campaign. Only deterministic functions are
/// drawn (Helm's random and clock functions would differ between two Helm renders too), and
/// not `keys` (Go's map order is random), the whole `.Values` (Go names its type
/// `common.Values`), `typeOf` (Sprig makes some lists `[]string`; the engine's lists are all
/// `[]interface {}`) or Sprig's integer math (it returns int64, which Go refuses where a
/// function wants an int; the engine keeps one integer type): `HelmOracleTests` holds those.
struct GeneratedTemplateTests {
    static let values = #"""
        {"name": "web", "n": 3, "big": 1000000, "f": 0.25, "neg": -2, "on": true, "off": false, "empty": "", "zero": 0,
         "list": ["a", "b", "c"], "nums": [3, 1, 2], "map": {"b": 2, "a": "x", "c": [1, "y"]}, "nested": {"deep": {"x": "y", "n": 1.5}},
         "text": "Hello, World", "ver": "v1.2.3", "nil": null, "words": "a-b_c d"}
        """#

    /// A small deterministic generator (SplitMix64): the same seed gives the same templates.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }

        static let fields = [".Values.name", ".Values.n", ".Values.big", ".Values.f", ".Values.neg", ".Values.on", ".Values.off",
                             ".Values.empty", ".Values.zero", ".Values.list", ".Values.nums", ".Values.map", ".Values.map.a",
                             ".Values.nested.deep", ".Values.nested.deep.n", ".Values.text", ".Values.ver", ".Values.nil",
                             ".Values.missing", ".Values.words", ".Release.Name"]
        static let literals = ["\"s\"", "\"a,b\"", "\"\"", "\"x-y\"", "\"%v|%d|%s|%q\"", "1", "0", "-3", "2", "1.5", "true", "false", "nil",
                               "\"[a-z]+\"", "\"a*\"", "\"(\\\\w)(\\\\w*)\"", "\"^w|b$\"", "\"(?i)W(?P<n>.)\"", "\"$2-$1${n}\"", "\"[^,]*\"",
                               "\"2006-01-02\"", "\"2021-03-04\"", "\"1.2.3\"", "\"1h\""]
        /// Functions with the arities drawn (deterministic ones only).
        static let functions: [(String, ClosedRange<Int>)] = [
            ("quote", 1...2), ("squote", 1...1), ("upper", 1...1), ("lower", 1...1), ("title", 1...1), ("trim", 1...1),
            ("trimSuffix", 2...2), ("trimPrefix", 2...2), ("contains", 2...2), ("hasPrefix", 2...2), ("replace", 3...3),
            ("trunc", 2...2), ("indent", 2...2), ("nindent", 2...2), ("toString", 1...1), ("default", 2...2), ("empty", 1...1),
            ("coalesce", 1...3), ("ternary", 3...3), ("list", 0...3), ("dict", 0...4), ("toJson", 1...1), ("toYaml", 1...1),
            ("len", 1...1), ("index", 2...2), ("not", 1...1), ("and", 1...3), ("or", 1...3), ("eq", 2...3), ("ne", 2...2),
            ("lt", 2...2), ("ge", 2...2), ("print", 0...3), ("printf", 1...3), ("int", 1...1), ("float64", 1...1), ("b64enc", 1...1), ("sha256sum", 1...1), ("join", 2...2),
            ("first", 1...1), ("last", 1...1), ("has", 2...2), ("hasKey", 2...2), ("kindOf", 1...1),
            ("base", 1...1), ("semverCompare", 2...2), ("cat", 0...3), ("until", 1...1),
            ("toPrettyJson", 1...1), ("concat", 1...2), ("regexMatch", 2...2), ("regexFind", 2...2), ("regexFindAll", 3...3),
            ("regexReplaceAll", 3...3), ("regexReplaceAllLiteral", 3...3), ("regexSplit", 3...3), ("regexQuoteMeta", 1...1),
            ("set", 3...3), ("unset", 2...2), ("merge", 2...3), ("mergeOverwrite", 2...3), ("uniq", 1...1), ("compact", 1...1), ("dig", 3...3), ("splitList", 2...2),
            // Go's types where they are not what values decode to: typed lists and maps, times, versions.
            ("typeOf", 1...1), ("deepEqual", 2...2), ("split", 2...2), ("splitn", 3...3), ("sortAlpha", 1...1),
            ("toStrings", 1...1), ("slice", 1...3), ("deepCopy", 1...1), ("all", 0...3), ("any", 0...3), ("pick", 1...3), ("omit", 1...3),
            ("semver", 1...1), ("toDate", 2...2), ("unixEpoch", 1...1), ("dateModify", 2...2),
        ]

        mutating func operand(depth: Int) -> String {
            if depth > 0 && chance(25) { return "(" + pipeline(depth: depth - 1) + ")" }
            if chance(30) { return pick(Self.literals) }
            if chance(10) { return "$v" }
            return pick(Self.fields)
        }

        mutating func pipeline(depth: Int) -> String {
            var text = command(depth: depth)
            while chance(30) {
                let (name, arity) = pick(Self.functions)
                let count = Int(next() % UInt64(arity.upperBound - arity.lowerBound + 1)) + arity.lowerBound
                text += " | " + ([name] + (0..<Swift.max(0, count - 1)).map { _ in operand(depth: depth) }).joined(separator: " ")
            }
            return text
        }

        mutating func command(depth: Int) -> String {
            guard chance(70) else { return operand(depth: depth) }
            let (name, arity) = pick(Self.functions)
            let count = Int(next() % UInt64(arity.upperBound - arity.lowerBound + 1)) + arity.lowerBound
            return ([name] + (0..<count).map { _ in operand(depth: depth) }).joined(separator: " ")
        }

        mutating func action(depth: Int) -> String {
            let open = chance(20) ? "{{- " : "{{ ", close = chance(20) ? " -}}" : " }}"
            switch next() % 10 {
            case 0 where depth > 0:
                return "\(open)if \(pipeline(depth: 1))\(close)\(body(depth: depth - 1)){{ else }}\(body(depth: depth - 1)){{ end }}"
            case 1 where depth > 0:
                return "\(open)range $i, $v := \(pick([".Values.list", ".Values.nums", ".Values.map", ".Values.empty", "3", ".Values.missing"]))\(close)[{{ $i }}:\(body(depth: depth - 1))]{{ end }}"
            case 2 where depth > 0:
                return "\(open)with \(operand(depth: 1))\(close)\(body(depth: depth - 1)){{ else }}none{{ end }}"
            case 3:
                return "\(open)include \"h\" \(operand(depth: 1))\(close)"
            case 4:
                return "{{/* c */}}\(open)$v := \(pipeline(depth: 1))\(close){{ $v }}"
            default:
                return "\(open)\(pipeline(depth: 2))\(close)"
            }
        }

        mutating func body(depth: Int) -> String {
            (0..<Int(next() % 3 + 1)).map { _ in (chance(30) ? pick([" ", "\n", "x ", "\n  - "]) : "") + action(depth: depth) }.joined()
        }

        mutating func template() -> String { "{{ $v := .Values.name }}" + body(depth: 2) }
    }

    static let helper = "{{- define \"h\" -}}<{{ . }}>{{- end -}}"

    @Test func randomTemplatesRenderAsHelmDoes() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["BUNDLE_TEMPLATE_CASES"].flatMap(Int.init) ?? 3000
        var generator = Generator(state: environment["BUNDLE_TEMPLATE_SEED"].flatMap(UInt64.init) ?? 20261207)
        let templates = (0..<count).map { _ in generator.template() }
        let valuesJSON = try JSONSerialization.jsonObject(with: Data(Self.values.utf8))
        let answers = try HelmOracleTests.oracle(templates.enumerated().map {
            ["name": "g\($0.offset)", "files": ["t.yaml": $0.element, "_h.tpl": Self.helper], "values": valuesJSON] as [String: Any]
        })
        #expect(answers.count == count)
        // Fresh values for each case, as each Helm render has.
        func dot() throws -> Value {
            try HelmOracleTests.dot(values: Self.values)
        }
        var agreed = 0
        for (index, template) in templates.enumerated() {
            let answer = answers[index]
            let ours = Result { try TemplateSet(files: ["t.yaml": template, "_h.tpl": Self.helper]).render("t.yaml", data: try dot()) }
            if answer["ok"] as? Bool == true {
                let helm = (answer["output"] as? [String: String])?["t.yaml"]
                let same = (try? ours.get())?.replacingOccurrences(of: "<no value>", with: "") == helm
                #expect(same, "case \(index): \(template)\nhelm: \(helm ?? "-")\nours: \(ours)")
                if same { agreed += 1 }
            } else {
                #expect((try? ours.get()) == nil, "case \(index): Helm refuses \(template) (\(answer["error"] ?? "")), the engine renders \(ours)")
                if (try? ours.get()) == nil { agreed += 1 }
            }
        }
        #expect(agreed == count)
    }
}
