import Foundation
import Testing

/// The functions added after the first oracle suite, against Helm v4's own (scripts/helm-oracle):
/// YAML as go-yaml v2 folds long values and v3 indents lists (`toYamlPretty`), TOML as
/// BurntSushi's encoder writes it, Sprig's word and password functions, Go's `js` and `call`.
struct FunctionOracleTests {
    static let values = #"""
        {"long": "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss",
         "doc": {"long": "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt",
                 "quoted": "#aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr",
                 "double": "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp q\tqq  rrrr  ssss tttt uuuu vvvv wwww xxxx yyyy zzzz aaaa bbbb cccc dddd eeee ffff gggg",
                 "spaces": "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp  qqqq rrrr ssss",
                 "list": ["aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr", {"k": [1, 2.5, 12345678]}],
                 "lines": "one\ntwo\n", "nested": [[1, 2], [3]], "empty": {}, "none": null, "yes": "yes", "ratio": 0.1},
         "toml": {"a b": 1, "t": {"x": {"y": 1, "z": [{"q": 1}, {"q": 2, "r": {"s": 1}}]}, "w": 2}, "arr": [[1, 2], ["a"]],
                  "n": null, "e": {}, "f": 1e21, "g": -0.5, "h": 1e-7, "s": "q\"\\\n\u0001é\u007f", "mixed": [1, {"x": "y", "n": null}]},
         "s": "x", "m": {"a": 1}}
        """#

    static let templates: [String] = [
        #"{{ toYaml .Values.doc }}|{{ toYaml .Values.long }}|{{ .Values.doc | toYaml | indent 4 }}"#,
        #"{{ toYamlPretty .Values.doc }}|{{ toYamlPretty .Values.long }}|{{ toYamlPretty (list) }}|{{ toYamlPretty nil }}|{{ toYamlPretty (list (dict "a" (list 1))) }}"#,
        #"{{ toToml .Values.toml }}|{{ toToml .Values }}|{{ toToml 1 }}|{{ toToml "a\"b" }}|{{ toToml (list 1 2) }}|{{ toToml (dict "" 1 "é" 2) }}"#,
        #"{{ toToml (dict "a" (list 1 nil)) }}|{{ toToml (list (dict "a" 1)) }}|{{ toToml (dict "a" (list (dict "b" 1 "c" (dict "d" 1)) (dict))) }}|{{ toToml (dict "a" (list (dict "z" 1 "m" (dict "k" 2)) 3)) }}"#,
        #"{{ toToml nil }}"#,
        #"{{ wrap 10 "hello world this is a long line" }}|{{ wrapWith 5 "\t" "Hello World" }}|{{ wrap 3 "abcdefgh ij" }}|{{ wrapWith 3 "<br>" "abcdefgh ij" }}|{{ wrap 0 "a b" }}|{{ wrap 5 "   lead  spaces   here " }}|{{ wrap 100 "" }}"#,
        #"{{ abbrevboth 5 10 "1234 5678 9123" }}|{{ abbrevboth 0 10 "1234 5678 9123" }}|{{ abbrevboth 10 7 "1234567890abcdefghij" }}|{{ abbrevboth 100 8 "1234567890abcdefghij" }}|{{ abbrevboth 3 4 "1234567890" }}|{{ abbrevboth 5 6 "1234567890" }}|{{ abbrevboth -3 5 "1234567890" }}|{{ abbrev 3 "abcdef" }}|{{ abbrev 5 "hello world" }}"#,
        #"{{ camelcase "http_server" }} {{ camelcase "_foo_bar-baz hello" }} {{ camelcase "a__b" }} {{ camelcase "ab_" }} {{ camelcase "HTTPServer_x" }} {{ camelcase "a  b" }} {{ camelcase "a-_-b" }} {{ camelcase "éa_éb" }} {{ camelcase "_" }} {{ camelcase "__" }} {{ camelcase "" }}"#,
        #"{{ js "<a>'x\"=&\\" }}|{{ js 1 2 "a" }}|{{ js "\u2028é\u0001\u00a0" }}|{{ html 1 2 "a" }}|{{ urlquery 1 "a b" }}|{{ "x" | js }}"#,
        #"{{ htpasswd "u" "p" | len }}|{{ htpasswd "u:x" "p" }}|{{ bcrypt (repeat 80 "a") }}|{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 1 "nope" "p" "u" "s" }}|{{ derivePassword 7 "maximum" "é" "" "x" }}|{{ derivePassword 0 "pin" "a" "b" "c" }}"#,
        #"{{ encryptAES "secretkey" "plaintext" | decryptAES "secretkey" }}|{{ encryptAES "k" "" }}|{{ encryptAES (repeat 40 "k") "sixteen bytes!!!" | decryptAES (repeat 40 "k") }}|{{ encryptAES "k" "x" | len }}"#,
        #"{{ decryptAES "k" "QUJD" }}"#,
        #"{{ decryptAES "k" "!!" }}"#,
        #"{{ decryptAES "k" "AAAAAAAAAAAAAAAAAAAAAA==" }}"#,
        #"{{ derivePassword 1.5 "long" "p" "u" "s" }}"#,
        #"{{ call .Values.s }}"#,
        #"{{ call nil }}"#,
        #"{{ "x" | call }}"#,
        #"{{ call }}"#,
    ]

    @Test func rendersAsHelmDoes() throws {
        try HelmOracleTests.expectTemplatesRenderAsHelm(Self.templates, values: Self.values)
    }
}
