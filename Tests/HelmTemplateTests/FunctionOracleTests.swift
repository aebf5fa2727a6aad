import Foundation
import Testing

/// The functions added after the first oracle suite, against Helm v4's own (scripts/helm-oracle):
/// YAML as go-yaml v2 folds long values and v3 indents lists (`toYamlPretty`), TOML as
/// BurntSushi's encoder writes it, TOML read back (`fromToml`), JSON of what it cannot hold, Sprig's word, password,
/// date-parsing and URL functions, Go's `js` and `call`.
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
        #"{{ snakecase "Hello, World! foo-bar.baz_qux HTTPServer ID2x" }}|{{ snakecase "Bld4Floor3rd" }}|{{ snakecase "HTTP20xOK" }}|{{ snakecase "a  b" }}|{{ snakecase "__a__" }}|{{ snakecase "日本語Text" }}|{{ snakecase "x$y+z" }}|{{ snakecase "İstanbul ÉcoleNormale" }}|{{ snakecase "e=mc²" }}|{{ snakecase "Ⅻroman" }}|{{ snakecase "" }}"#,
        #"{{ replace "" "-" "ab" }}|{{ replace "é" "e" "café" }}|{{ replace "aa" "b" "aaa" }}|{{ "e\u0301x" | replace "e" "E" }}|{{ replace "" "." "日本" }}|{{ replace "x" "" "xaxbx" }}"#,
        #"{{ kebabcase "K8sPodName" }}|{{ kebabcase "IPv6Address" }}|{{ kebabcase "x86_64" }}|{{ kebabcase "9Lives" }}|{{ kebabcase "a_1B" }}|{{ kebabcase "v1.2.3-rc.1" }}|{{ kebabcase "trail  " }}|{{ kebabcase "tab\tsep" }}|{{ kebabcase "ĲĳǄ" }}|{{ kebabcase "!!" }}"#,
        #"{{ js "<a>'x\"=&\\" }}|{{ js 1 2 "a" }}|{{ js "\u2028é\u0001\u00a0" }}|{{ html 1 2 "a" }}|{{ urlquery 1 "a b" }}|{{ "x" | js }}"#,
        #"{{ htpasswd "u" "p" | len }}|{{ htpasswd "u:x" "p" }}|{{ bcrypt (repeat 80 "a") }}|{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 1 "nope" "p" "u" "s" }}|{{ derivePassword 7 "maximum" "é" "" "x" }}|{{ derivePassword 0 "pin" "a" "b" "c" }}"#,
        #"{{ encryptAES "secretkey" "plaintext" | decryptAES "secretkey" }}|{{ encryptAES "k" "" }}|{{ encryptAES (repeat 40 "k") "sixteen bytes!!!" | decryptAES (repeat 40 "k") }}|{{ encryptAES "k" "x" | len }}"#,
        #"{{ decryptAES "k" "QUJD" }}"#,
        #"{{ decryptAES "k" "!!" }}"#,
        #"{{ decryptAES "k" "AAAAAAAAAAAAAAAAAAAAAA==" }}"#,
        #"{{ derivePassword 1.5 "long" "p" "u" "s" }}"#,
        #"{{ toDate "2006-01-02" "2024-03-05" }}|{{ toDate "2006-01-02" "bad" }}|{{ toDate "Jan 2, 2006 at 3:04pm (MST)" "Feb 3, 2013 at 7:54pm (UTC)" }}|{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-05T10:11:12.5Z" }}|{{ toDate "2006-01-02" "2024-03-05" | date "Mon Jan 2" }}|{{ toDate "2006-01-02" "1969-12-31" | unixEpoch }}"#,
        #"{{ toDate "2006-01-02" "2024-02-30" }}|{{ toDate "02/01/06 15:04:05" "05/03/24 10:11:12" }}|{{ toDate "2006-01-02  15" "2024-03-05 7" }}|{{ toDate "2006-01-02T15:04:05.000Z" "2024-03-05T10:11:12.123Z" }}|{{ toDate "15:04:05.999999999" "10:11:12.1234567891" }}|{{ toDate "Monday January _2 3PM" "tuesday MARCH  5 11AM" }}|{{ toDate "2006-01-02 -0700" "2024-03-05 +0000" }}|{{ toDate "2006-01-02 MST" "2024-02-03 PST" }}"#,
        #"{{ durationRound "2h10m" }}|{{ durationRound "-49h" }}|{{ durationRound 3600 }}|{{ durationRound "bad" }}|{{ durationRound "8760h1s" }}|{{ durationRound "1s" }}|{{ durationRound "1.5s" }}|{{ durationRound "721h" }}"#,
        #"{{ mustToDate "2006-01-02" "bad" }}"#,
        #"{{ mustToDate "2006-01-02 15:04" "2024-13-05 10:00" }}"#,
        #"{{ mustToDate "2006-01-02" "2024-03-05x" }}"#,
        #"{{ urlParse "https://user:pa%20ss@host.com:8080/p/a%2Fth?q=1&r=2#frag" | toJson }}|{{ urlParse "x" | toJson }}|{{ urlParse "mailto:a@b.c" | toJson }}|{{ urlParse "http://[::1]:80/a?x#" | toJson }}|{{ urlParse "HTTP://h/a?" | toJson }}|{{ urlParse "//h/p" | toJson }}|{{ urlParse "/a b/%41?x=1#%7e" | toJson }}|{{ urlParse "a:b/c" | toJson }}"#,
        #"{{ urlJoin (dict "scheme" "https" "host" "h:1" "path" "/a b" "query" "q=1" "fragment" "f g" "userinfo" "u:p") }}|{{ urlJoin (dict "scheme" "https" "host" "h" "userinfo" "u") }}|{{ urlJoin (dict "opaque" "x" "scheme" "mailto") }}|{{ urlJoin (dict "path" "a:b") }}|{{ urlJoin (dict "host" "h" "path" "p") }}|{{ urlJoin (dict "path" "/x?y#z" "fragment" "a#b") }}|{{ urlJoin dict }}|{{ urlJoin (urlParse "https://u:p%40@h:1/a/b?c=d#e") }}"#,
        #"{{ urlParse "://bad" }}"#,
        #"{{ urlParse "http://h:x/" }}"#,
        #"{{ urlParse "%zz" }}"#,
        #"{{ urlJoin (dict "host" 1) }}"#,
        #"{{ urlJoin (dict "userinfo" "a@b:c/d" "host" "h") }}"#,
        #"{{ fromToml "a = 1\nb = \"x\"\n[t]\nc = [1, 2.5, \"s\"]\n[[arr]]\nq = 1\n[[arr]]\nq = 2\n" | toJson }}|{{ fromToml "x = 0x1F\no = 0o17\nb = 0b101\nf = 1e3\ng = -0.5\nu = 1_000\ni = inf\nbool = true\n" | toYamlPretty }}"#,
        #"{{ fromToml "s = \"\"\"\nline1\nline2\\\n   cont\"\"\"\nl = 'c:\\path'\nml = '''\nraw\\n'''\nq = \"\"\"a\"\"\"\"\"\nr = '''b''''\n" | toJson }}|{{ fromToml "a.b.c = 1\na.d = 2\n\"quoted key\" = 3\nit = { x = 1, y = { z = 2 } }\nml = {\n x = 1,\n}\n" | toJson }}|{{ fromToml "" | toJson }}|{{ fromToml "z = 0 # a comment\na = [\n  1, # one\n  2,\n]\ne = \"\\u00e9\\t\\\"\\e\\x41\"" | toJson }}"#,
        #"{{ hasKey (fromToml "a = 1\na = 2") "Error" }}|{{ hasKey (fromToml "= 1") "Error" }}|{{ hasKey (fromToml "[a]\nx=1\n[a]\ny=2") "Error" }}|{{ hasKey (fromToml "x = 9223372036854775808") "Error" }}|{{ hasKey (fromToml "x = 01") "Error" }}|{{ hasKey (fromToml "x = 1__0") "Error" }}|{{ hasKey (fromToml "x = .5") "Error" }}|{{ hasKey (fromToml "a = \"x\ny\"") "Error" }}|{{ hasKey (fromToml "a = 1 b = 2") "Error" }}"#,
        #"{{ $v := fromToml "i = inf" }}{{ toJson $v }}|{{ toPrettyJson $v }}|{{ toYaml $v }}|{{ toYamlPretty $v }}|{{ toToml $v }}"#,
        #"{{ mustToYaml (fromToml "i = inf") }}"#,
        #"{{ mustToJson (fromToml "a = -inf\nb = nan") }}"#,
        #"{{ toRawJson (fromToml "i = inf") }}"#,
        // Hostile numbers and text take Go's turn, never a trap (found by feeding these functions extremes).
        #"{{ durationRound (printf "%sh" (repeat 400 "9")) }}|{{ durationRound "9223372036854775807h" }}|{{ durationRound "2562047h" }}|{{ durationRound "2562048h" }}|{{ abbrevboth -9223372036854775807 5 "abcdefghijkl" }}|{{ abbrevboth 9223372036854775800 8 "abcdefghijkl" }}|{{ wrap 9223372036854775807 "a b c" }}|{{ wrap -5 "a b c" }}"#,
        #"{{ toDate "2006" "99999" }}|{{ toDate ".000" ".1" }}|{{ toDate "Z07:00" "+99:99" }}|{{ toDate "-07" "+" }}|{{ hasKey (fromToml "a = \"\\u") "Error" }}|{{ hasKey (fromToml "a = 0x") "Error" }}|{{ hasKey (fromToml "a = -") "Error" }}|{{ hasKey (fromToml "[[a]]\n[a]") "Error" }}|{{ hasKey (fromToml "a=1\n[a.b]") "Error" }}"#,
        #"{{ call .Values.s }}"#,
        #"{{ call nil }}"#,
        #"{{ "x" | call }}"#,
        #"{{ call }}"#,
    ]

    @Test func rendersAsHelmDoes() throws {
        try HelmOracleTests.expectTemplatesRenderAsHelm(Self.templates, values: Self.values)
    }

    /// Every name of Helm's function map (Go's, Sprig's without `env` and `expandenv`, Helm's)
    /// and near misses Helm lacks: a name is a function in the engine exactly where it is one in
    /// Helm, which Go's parser checks even in a branch that never runs.
    static let functionNames: [String] = [
        "abbrev", "abbrevboth", "add", "add1", "add1f", "addf", "adler32sum", "ago", "all", "and", "any", "append", "atoi",
        "b32dec", "b32enc", "b64dec", "b64decode", "b64enc", "base", "bcrypt", "biggest", "buildCustomCert", "call",
        "camelcase", "cat", "ceil", "chunk", "clean", "coalesce", "compact", "concat", "contains", "date", "dateInZone",
        "dateModify", "date_in_zone", "date_modify", "decryptAES", "deepCopy", "deepEqual", "default", "derivePassword",
        "dict", "dig", "dir", "div", "divf", "duration", "durationRound", "empty", "encryptAES", "env", "eq", "expandenv",
        "ext", "fail", "first", "float64", "floor", "fromJson", "fromJsonArray", "fromToml", "fromYaml", "fromYamlArray",
        "fromYml", "ge", "genCA", "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
        "genSignedCert", "genSignedCertWithKey", "get", "getHostByAddr", "getHostByName", "gt", "has", "hasKey", "hasPrefix",
        "hasSuffix", "hello", "html", "htmlDate", "htmlDateInZone", "htpasswd", "include", "indent", "index", "initial",
        "initials", "int", "int64", "isAbs", "join", "js", "kebabcase", "keys", "kindIs", "kindOf", "last", "le", "len",
        "list", "lookup", "lookupIP", "lower", "lt", "max", "maxf", "merge", "mergeOverwrite", "min", "minf", "mod", "mul",
        "mulf", "mustAppend", "mustChunk", "mustCompact", "mustDateModify", "mustDeepCopy", "mustFirst", "mustFromJson",
        "mustFromJsonArray", "mustFromToml", "mustFromYaml", "mustFromYamlArray", "mustHas", "mustInitial", "mustLast",
        "mustMerge", "mustMergeOverwrite", "mustPrepend", "mustPush", "mustRegexFind", "mustRegexFindAll", "mustRegexMatch",
        "mustRegexReplaceAll", "mustRegexReplaceAllLiteral", "mustRegexSplit", "mustRest", "mustReverse", "mustSlice",
        "mustToDate", "mustToJson", "mustToPrettyJson", "mustToRawJson", "mustToString", "mustToToml", "mustToYaml",
        "mustToYamlPretty", "mustUniq", "mustWithout", "must_date_modify", "ne", "nindent", "nospace", "nosuchfunction", "not",
        "now", "omit", "or", "osBase", "osClean", "osDir", "osExt", "osIsAbs", "pick", "pluck", "plural", "prepend", "print",
        "printf", "println", "push", "quote", "randAlpha", "randAlphaNum", "randAscii", "randBytes", "randInt", "randNumeric",
        "randSeededNumeric", "regexFind", "regexFindAll", "regexMatch", "regexMatchAll", "regexQuoteMeta", "regexReplaceAll",
        "regexReplaceAllLiteral", "regexSplit", "repeat", "replace", "required", "rest", "reverse", "round", "semver",
        "semverCompare", "semverCompareStrict", "seq", "set", "sha1sum", "sha256sum", "shuffle", "slice", "snakecase",
        "sortAlpha", "split", "splitList", "splitN", "splitn", "squote", "sub", "subf", "substr", "swapcase", "ternary",
        "title", "toDate", "toDecimal", "toJSON", "toJson", "toPrettyJson", "toRawJson", "toString", "toStrings", "toToml",
        "toYaml", "toYamlPretty", "toYml", "tpl", "trim", "trimAll", "trimPrefix", "trimSuffix", "trimall", "trunc", "tuple",
        "typeIs", "typeIsLike", "typeOf", "uniq", "unixEpoch", "unset", "until", "untilStep", "untitle", "upper", "urlJoin",
        "urlParse", "urlquery", "uuidv4", "values", "without", "wrap", "wrapWith",
    ]

    @Test func theFunctionMapIsHelms() throws {
        try HelmOracleTests.expectTemplatesRenderAsHelm(Self.functionNames.map { "{{ if false }}{{ \($0) }}{{ end }}" }, values: "{}")
    }
}
