import Foundation
import HelmTemplate
import SwiftASN1
import Testing
import X509

/// Go's text/template semantics, case by case: what `text/template` prints for each template
/// and data (the expected outputs are Go's).
struct ExecutionTests {
    static func render(_ text: String, _ data: Value = [:], files: [String: String] = [:]) throws -> String {
        var all = files
        all["t"] = text
        return try TemplateSet(files: all).render("t", data: data)
    }

    static let values: Value = ["name": "web", "replicas": 3.0, "big": 1_000_000.0, "small": 0.00001, "on": true, "off": false,
                                "list": ["a", "b", "c"], "map": ["b": 2.0, "a": 1.0], "empty": "", "nested": ["deep": ["x": "y"]], "zero": 0.0]

    @Test(arguments: [
        ("plain text", "plain text"),
        ("{{ .name }}", "web"),
        ("{{ .replicas }} {{ .big }} {{ .small }}", "3 1e+06 1e-05"),
        ("{{ .missing }}", "<no value>"),
        ("{{ .map }} {{ .list }}", "map[a:1 b:2] [a b c]"),
        ("{{ .nested.deep.x }}", "y"),
        ("a  {{- .name -}}  b", "awebb"),
        ("a {{/* a comment */}} b", "a  b"),
        ("a {{- /* trimmed */ -}} b", "ab"),
        ("{{ if .on }}yes{{ else }}no{{ end }}", "yes"),
        ("{{ if .off }}1{{ else if .empty }}2{{ else if .name }}3{{ else }}4{{ end }}", "3"),
        ("{{ if .zero }}t{{ else }}f{{ end }}{{ if .list }}t{{ end }}", "ft"),
        ("{{ range .list }}{{ . }},{{ end }}", "a,b,c,"),
        ("{{ range $i, $v := .list }}{{ $i }}={{ $v }} {{ end }}", "0=a 1=b 2=c "),
        ("{{ range $k, $v := .map }}{{ $k }}:{{ $v }};{{ end }}", "a:1;b:2;"),
        ("{{ range .missing }}x{{ else }}none{{ end }}", "none"),
        ("{{ range 3 }}{{ . }}{{ end }}", "012"),
        ("{{ range .list }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", "a"),
        ("{{ range .list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", "ac"),
        ("{{ with .name }}[{{ . }}]{{ end }}{{ with .empty }}x{{ else }}-{{ end }}", "[web]-"),
        ("{{ with .off }}x{{ else with .name }}{{ . }}{{ end }}", "web"),
        ("{{ $x := .name }}{{ $x }}{{ $x = \"api\" }}{{ $x }}", "webapi"),
        ("{{ range .list }}{{ $.name }}{{ end }}", "webwebweb"),
        ("{{ .name | printf \"%s!\" }}", "web!"),
        ("{{ printf \"%d %s %v %q %5s|%-4d|%05d\" 7 \"x\" .list \"q\\\"\" \"ab\" 3 42 }}", "7 x [a b c] \"q\\\"\"    ab|3   |00042"),
        ("{{ printf \"%d\" .replicas }}", "%!d(float64=3)"),
        ("{{ printf \"%s\" }}", "%!s(MISSING)"),
        ("{{ print 1 2 \"a\" \"b\" 3 }}", "1 2ab3"),
        ("{{ and .on .name }} {{ or .empty .off \"z\" }} {{ not .on }}", "web z false"),
        ("{{ and .off (index .missing 0) }}", "false"),
        ("{{ len .list }} {{ len .name }} {{ len .map }}", "3 3 2"),
        ("{{ index .list 1 }} {{ index .map \"b\" }} {{ index .nested \"deep\" \"x\" }}", "b 2 y"),
        ("{{ eq .name \"web\" \"api\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge \"b\" \"a\" }}", "true true true true"),
        ("{{ eq .missing \"x\" }}", "false"),
        ("{{ (index .list 0) }}{{ (.nested).deep.x }}", "ay"),
        ("{{ define \"h\" }}<{{ . }}>{{ end }}{{ template \"h\" .name }}", "<web>"),
        ("{{ block \"b\" .name }}[{{ . }}]{{ end }}", "[web]"),
        ("{{ 0x1F }} {{ 1e3 }} {{ 'a' }} {{ -5 }} {{ 1_000 }}", "31 1000 97 -5 1000"),
    ])
    func rendersAsGoDoes(_ template: String, _ expected: String) throws {
        #expect(try Self.render(template, Self.values) == expected, "\(template)")
    }

    @Test func definitionsAreSharedAcrossFiles() throws {
        let files = ["_helpers.tpl": "{{- define \"app.name\" -}}{{ .name }}-app{{- end }}"]
        #expect(try Self.render("name: {{ template \"app.name\" . }}", Self.values, files: files) == "name: web-app")
    }

    @Test(arguments: [
        ("{{ .missing.key }}", "nil pointer evaluating interface {}.key"),
        ("{{ .name.key }}", "can't evaluate field key in type string"),
        ("{{ eq .replicas 3 }}", "incompatible types for comparison"),
        ("{{ lt .list 1 }}", "invalid type for comparison"),
        ("{{ template \"none\" }}", "no template \"none\""),
        ("{{ $y }}", "undefined variable: $y"),
        ("{{ index .list 5 }}", "index out of range: 5"),
        ("{{ range .name }}{{ end }}", "range can't iterate over web"),
    ])
    func errorsSayWhatGoSays(_ template: String, _ message: String) {
        #expect { try Self.render(template, Self.values) } throws: { error in
            "\(error)".contains(message) && "\(error)".hasPrefix("template: t:1:")
        }
    }

    @Test(arguments: ["{{ if }}", "{{ end }}", "{{ if .x }}", "{{ .x", "{{ \"open }}", "{{ break }}", "{{ else }}"])
    func parseErrorsNameTheirPlace(_ template: String) {
        #expect(throws: TemplateError.self) { try Self.render(template) }
    }

    /// Go's parser knows the function map: a name that is no function is refused where it is
    /// written, even in a branch that never runs, and in `tpl`'s text.
    @Test(arguments: ["{{ nosuch 1 }}", "{{ if false }}{{ nosuch }}{{ end }}", "{{ tpl \"{{ nosuch }}\" . }}"])
    func anUndefinedFunctionIsAParseError(_ template: String) {
        #expect { try Self.render(template, Self.values) } throws: { error in
            (error as? TemplateError)?.kind == .parse && "\(error)".contains("function \"nosuch\" not defined")
        }
    }

    /// Untrusted templates are bounded by counted work, not by time.
    @Test func aTemplateThatCallsItselfStopsAtTheDepthLimit() {
        let loop = "{{ define \"l\" }}{{ template \"l\" . }}{{ end }}{{ template \"l\" . }}"
        #expect { try TemplateSet(files: ["t": loop], limits: .init(depth: 50)).render("t", data: [:]) } throws: { error in
            (error as? TemplateError)?.kind == .limit && "\(error)".contains("deeper than 50")
        }
        let steps = "{{ range 1000000 }}{{ . }}{{ end }}"
        #expect { try TemplateSet(files: ["t": steps], limits: .init(steps: 10_000)).render("t", data: [:]) } throws: { error in
            (error as? TemplateError)?.kind == .limit
        }
        let wide = "{{ range 100000 }}xxxxxxxxxx{{ end }}"
        #expect { try TemplateSet(files: ["t": wide], limits: .init(outputBytes: 1000)).render("t", data: [:]) } throws: { error in
            (error as? TemplateError)?.kind == .limit
        }
    }
}

extension ExecutionTests {
    /// What the engine lacks yet (a named time zone other than UTC) fails naming itself.
    @Test func aGapFailsNamingItself() {
        #expect { try Self.render("{{ dateInZone \"15:04\" (now) \"Europe/Berlin\" }}") } throws: { error in
            "\(error)".contains("the time zone Europe/Berlin is not implemented") && (error as? TemplateError)?.kind == .unsupported
        }
    }

    @Test func aDictTheTemplateMadeChangesInPlace() throws {
        #expect(try Self.render("{{ $d := dict }}{{ $_ := set $d \"a\" 1 }}{{ $d = merge $d (dict \"b\" 2) }}{{ $_ := set $d \"c\" 3 }}{{ toJson $d }}") == #"{"a":1,"b":2,"c":3}"#)
        #expect(try Self.render("{{ $d := fromYaml \"a: 1\" }}{{ $_ := unset $d \"a\" }}{{ toJson $d }} {{ dict \"x\" 1 | merge (dict \"y\" 2) | toJson }}") == #"{} {"x":1,"y":2}"#)
    }

    /// Certificates as charts make them for TLS secrets: a CA, a certificate it signs (with the
    /// IPs and names asked for), a self-signed one; PEM that parses and verifies.
    @Test func certificatesAreMadeAsSprigMakesThem() throws {
        let text = try Self.render("""
            {{- $ca := genCA "test-ca" 365 -}}
            {{- $cert := genSignedCert "web.ns.svc" (list "10.0.0.1") (list "web" "web.ns.svc") 30 $ca -}}
            {{- $self := genSelfSignedCert "self" nil nil 1 -}}
            {{ $ca.Cert | b64enc }}|{{ $ca.Key | b64enc }}|{{ $cert.Cert | b64enc }}|{{ $self.Cert | b64enc }}|{{ genPrivateKey "ecdsa" | b64enc }}|{{ genPrivateKey "x" }}
            """)
        let parts = text.split(separator: "|").map(String.init)
        let pems = parts.prefix(5).map { String(decoding: Data(base64Encoded: $0) ?? Data(), as: UTF8.self) }
        let ca = try Certificate(pemEncoded: pems[0])
        #expect(pems[1].hasPrefix("-----BEGIN RSA PRIVATE KEY-----"), "Go's PKCS#1 form")
        let leaf = try Certificate(pemEncoded: pems[2])
        #expect(leaf.issuer == ca.subject && ca.publicKey.isValidSignature(leaf.signature, for: leaf))
        let names = try leaf.extensions.subjectAlternativeNames.map(Array.init) ?? []
        #expect(names.contains(.dnsName("web.ns.svc")) && names.contains(.ipAddress(ASN1OctetString(contentBytes: [10, 0, 0, 1]))), "\(names)")
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        let selfSigned = try Certificate(pemEncoded: pems[3])
        #expect(selfSigned.issuer == selfSigned.subject)
        #expect(pems[4].hasPrefix("-----BEGIN EC PRIVATE KEY-----") && parts[5] == "Unknown type x")
        #expect(throws: TemplateError.self, "an IP that is none") { try Self.render("{{ genSelfSignedCert \"x\" (list \"no-ip\") nil 1 }}") }
    }

    /// Regular expressions run in linear time: a pattern that takes a backtracking engine
    /// exponential time is answered at once, and a text too long for the step budget is an error.
    @Test func regularExpressionsAreLinearAndBounded() throws {
        let long = String(repeating: "a", count: 5000)
        #expect(try Self.render("{{ regexMatch \"(a+)+$\" .s }}", ["s": .string(long + "b")]) == "false")
        #expect(try Self.render("{{ regexMatch \"(a|aa)*c\" .s }}", ["s": .string(long)]) == "false")
        #expect(throws: TemplateError.self) {
            try Self.render("{{ regexMatch \"(a|aa|aaa){1,300}x\" .s }}", ["s": .string(String(repeating: "a", count: 200_000))])
        }
        // A pattern over the size limit does not compile: regexFind fails, regexMatch answers false (as Sprig's do).
        #expect(throws: TemplateError.self) { try Self.render("{{ regexFind \"((a{1000}){1000})\" \"a\" }}") }
        #expect(try Self.render("{{ regexMatch \"((a{1000}){1000})\" \"a\" }}") == "false")
    }
}

extension ExecutionTests {
    /// Hostile templates end in an error, never a trap, a hang or memory exhausted (review
    /// findings): each is stopped by a counted bound.
    @Test(arguments: [
        "{{ '\\", "{{ indent 1e19 \"x\" }}", "{{ range 100000000000000 }}{{ end }}",
        "{{ repeat 9223372036854775807 \"ab\" }}", "{{ $s := \"x\" }}{{ range 64 }}{{ $s = print $s $s }}{{ end }}",
        String(repeating: "{{ if 1 }}", count: 2000), "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}",
    ])
    func hostileTemplatesStopWithAnError(_ template: String) {
        #expect(throws: TemplateError.self) { try TemplateSet(files: ["t": template], limits: .init(steps: 100_000, outputBytes: 1 << 20)).render("t", data: [:]) }
    }

    /// A release's templates share one budget, and each bound names itself (callers give each
    /// its own error code).
    @Test(arguments: [
        ("{{ range 2000000 }}{{ end }}", TemplateError.Limit.iterations), ("{{ define \"x\" }}{{ include \"x\" . }}{{ end }}{{ include \"x\" . }}", .depth),
        ("{{ range 900000 }}0123456789012345678901{{ end }}", .output),
    ])
    func eachLimitNamesItself(_ template: String, _ limit: TemplateError.Limit) {
        let chart = ChartRender(files: ["Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "templates/t.yaml": template])
        #expect { try chart.render(values: [], release: .init(name: "r", namespace: "n")) } throws: { ($0 as? TemplateError)?.limit == limit }
    }

    @Test func aReleasesTemplatesShareOneBudget() {
        let loop = "{{ range 600000 }}{{ end }}"
        let chart = ChartRender(files: ["Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "templates/a.yaml": loop, "templates/b.yaml": loop])
        #expect(throws: TemplateError.self, "two templates of 600000 iterations pass 1 million together") {
            try chart.render(values: [], release: .init(name: "r", namespace: "n"))
        }
        #expect(throws: Never.self) { try TemplateSet(files: ["t": loop]).render("t", data: [:]) }
    }

    @Test func printfRefusesHugeWidthsAsGoDoes() throws {
        #expect(try Self.render("{{ printf \"%999999999999d\" 1 }}") == "%!(BADWIDTH)1")
        #expect(try Self.render("{{ trunc -9223372036854775808 \"x\" }}") == "x", "the most negative length cuts nothing (and traps nowhere)")
    }

    @Test func anAliasBombInValuesStops() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { bomb += "\(Character(Unicode.Scalar(UInt8(97 + i)))): &\(Character(Unicode.Scalar(UInt8(97 + i)))) [" + Array(repeating: "*\(Character(Unicode.Scalar(UInt8(96 + i))))", count: 10).joined(separator: ", ") + "]\n" }
        let chart = ChartRender(files: ["Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "values.yaml": bomb, "templates/t.yaml": "x"])
        #expect(throws: TemplateError.self) { try chart.render(values: [], release: .init(name: "r", namespace: "n")) }
    }
}
