import Foundation
import HelmTemplate
import Testing

/// The engine against Helm v4's own (scripts/helm-oracle: PyPI helm-python-sdk==0.2.2, which
/// scripts/install-deps installs): the same templates and values, the same output, or a
/// failure on both sides. Helm removes `<no value>` from what it renders; so does the
/// comparison. Values go through JSON, as Helm's do: every number is a float64.
struct HelmOracleTests {
    static let values = #"""
        {"name": "web", "replicas": 3, "big": 1000000, "ratio": 0.25, "small": 0.00001, "on": true, "off": false, "empty": "",
         "list": ["a", "b", "c"], "map": {"b": 2, "a": 1}, "nested": {"deep": {"x": "y"}}, "zero": 0, "nums": [1, 2.5, 100000000],
         "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": 0.25}},
         "env": [{"name": "A", "value": "true"}, {"name": "B", "value": "1"}, {"name": "C", "value": ""}, {"name": "D", "value": "a: b"},
                 {"name": "E", "value": "line1\nline2"}, {"name": "F", "value": "- x"}, {"name": "G", "value": "#tag"}, {"name": "H", "value": "it's"},
                 {"name": "I", "value": "yes"}, {"name": "J", "value": 1000000}, {"name": "K", "value": 0.00001}, {"name": "L", "value": null},
                 {"name": "M", "value": [[1, 2], {"x": []}]}, {"name": "N", "value": "trail\n"}, {"name": "O", "value": "1.5"}, {"name": "P", "value": "0x1F"}]}
        """#

    static let templates: [String] = [
        "{{ .Values.name }} {{ .Values.replicas }} {{ .Values.big }} {{ .Values.ratio }} {{ .Values.small }} {{ .Values.nums }}",
        "{{ .Values.missing }}|{{ .Values.map }}|{{ .Values.list }}|{{ .Values.nested }}",
        "a  {{- .Values.name -}}  b {{/* c */}} d {{- /* e */ -}} f",
        "{{ if .Values.off }}1{{ else if .Values.empty }}2{{ else if .Values.name }}3{{ end }} {{ if .Values.zero }}z{{ else }}nz{{ end }}",
        "{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }};{{ end }} {{ range $k, $v := .Values.map }}{{ $k }}:{{ $v }};{{ end }}",
        "{{ range .Values.missing }}x{{ else }}none{{ end }} {{ range 3 }}{{ . }}{{ end }}",
        "{{ range .Values.list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ if eq . \"c\" }}{{ break }}{{ end }}{{ . }}{{ end }}",
        "{{ with .Values.name }}[{{ . }}]{{ end }}{{ with .Values.empty }}x{{ else with .Values.list }}{{ len . }}{{ end }}",
        "{{ $x := .Values.name }}{{ $x }}{{ $x = \"api\" }}{{ $x }}{{ range .Values.list }}{{ $.Values.name }}{{ end }}",
        "{{ printf \"%d %s %v %q %5s|%-4d|%05d|%x|%X\" 7 \"x\" .Values.list \"q\\\"\" \"ab\" 3 42 255 \"hi\" }}",
        "{{ printf \"%d\" .Values.replicas }} {{ printf \"%s\" .Values.on }} {{ printf \"%s %s\" \"one\" }} {{ printf \"%s\" \"a\" \"b\" }}",
        "{{ printf \"%.2f|%6.1f|%e|%g|%v\" .Values.ratio .Values.big .Values.big .Values.small .Values.ratio }}",
        "{{ print 1 2 \"a\" \"b\" 3 }} {{ println \"x\" 1 }}",
        "{{ and .Values.on .Values.name }} {{ or .Values.empty .Values.off \"z\" }} {{ not .Values.on }} {{ and .Values.off .Values.missing.x }}",
        "{{ len .Values.list }} {{ len .Values.name }} {{ len .Values.map }} {{ index .Values.list 1 }} {{ index .Values.nested \"deep\" \"x\" }}",
        "{{ eq .Values.name \"web\" \"api\" }} {{ ne .Values.replicas 3.0 }} {{ lt 1 2 }} {{ ge \"b\" \"a\" }} {{ eq .Values.missing \"x\" }}",
        "{{ (index .Values.list 0) }}{{ (.Values.nested).deep.x }} {{ 0x1F }} {{ 1e3 }} {{ 'a' }} {{ -5 }} {{ 1_000 }} {{ 1.5 }}",
        "{{ define \"h\" }}<{{ . }}>{{ end }}{{ template \"h\" .Values.name }}{{ block \"b\" .Values.list }}[{{ . }}]{{ end }}",
        "{{ .Values.missing.key }}",
        "[{{ (.Values.missing).key }}] [{{ (.Values.nested.nope).a.b }}] {{ $m := .Values.missing }}[{{ $m.x.y }}] {{ $n := .Values.nested }}[{{ $n.deep.x }}]",
        "{{ $n := .Values.nested }}{{ $n.nope.x }}",
        "{{ .Values.name.key }}",
        "{{ eq .Values.replicas 3 }}",
        "{{ index .Values.list 5 }}",
        "{{ range .Values.name }}{{ end }}",
        "{{ if }}",
        "{{ nosuchfunction 1 }}",
        // Sprig and Helm, as charts use them.
        "{{ include \"app.name\" . }} {{ include \"app.image\" . }} {{ template \"app.name\" . }}",
        "{{ .Values.name | quote }} {{ quote .Values.replicas .Values.missing \"a\\\"b\" }} {{ squote .Values.name }} {{ .Values.name | upper | repeat 2 }}",
        "{{ default \"x\" .Values.missing }} {{ default \"x\" .Values.empty }} {{ default \"x\" .Values.zero }} {{ default \"x\" .Values.name }} {{ coalesce .Values.missing .Values.empty \"c\" }}",
        "{{ ternary \"yes\" \"no\" .Values.on }} {{ empty .Values.list }} {{ empty .Values.map }} {{ empty .Values.zero }}",
        "{{ trimSuffix \"-\" \"a-b-\" }} {{ trimPrefix \"v\" \"v1.2\" }} {{ trunc 3 .Values.name }} {{ trunc -2 \"abcd\" }} {{ replace \"a\" \"b\" \"banana\" }} {{ contains \"eb\" .Values.name }}",
        "x:{{ .Values.name | indent 4 }}|{{ \"a\\nb\" | nindent 2 }}|{{ \"  t  \" | trim }}|{{ lower \"AbC\" }}|{{ title \"hello world\" }}",
        "{{ toJson .Values.map }} {{ toJson .Values.nums }} {{ toJson \"<a&b>\" }} {{ toJson .Values.small }} {{ toJson .Values.nested }}",
        "{{ $d := dict \"a\" 1 \"b\" \"two\" }}{{ $d }} {{ get $d \"b\" }} {{ hasKey $d \"a\" }} {{ keys $d | sortAlpha }} {{ list 1 \"a\" .Values.on }}",
        "{{ first .Values.list }} {{ last .Values.list }} {{ rest .Values.list }} {{ join \",\" .Values.list }} {{ splitList \",\" \"a,b\" }} {{ has \"b\" .Values.list }}",
        "{{ int .Values.replicas }} {{ int \"42\" }} {{ float64 \"1.5\" }} {{ atoi \"7\" }} {{ toString .Values.replicas }} {{ toString .Values.list }}",
        "{{ tpl \"{{ .Values.name }}-{{ .Release.Name }}\" . }} {{ tpl \"x\" . }}",
        "{{ required \"name is required\" .Values.name }}",
        "{{ required \"missing is required\" .Values.missing }}",
        "{{ fail \"the chart says no\" }}",
        "{{ toYaml .Values.resources }}\n---\n{{ toYaml .Values.env }}\n---\n{{ toYaml .Values.list }} {{ toYaml .Values.name }} {{ toYaml .Values.big }}",
        "spec:\n  resources:\n    {{- toYaml .Values.resources | nindent 4 }}\n  env:\n{{ toYaml .Values.env | indent 2 }}",
        "{{ b64enc .Values.name }} {{ b64dec \"d2Vi\" }} {{ cat \"a\" .Values.missing \"b\" 1 }} {{ nospace \" a b \" }}",
        // Math, hashes, reflection, paths, lists, dicts, semver: what charts compute with.
        "{{ add 1 2 .Values.replicas }} {{ add1 .Values.ratio }} {{ sub 10 .Values.replicas }} {{ mul 2 3 \"4\" }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 9 3 }} {{ min 4 .Values.replicas }}",
        "{{ addf 1 .Values.ratio }} {{ subf 1 .Values.ratio }} {{ mulf .Values.ratio 3 }} {{ divf 1 4 }} {{ floor 2.7 }} {{ ceil 2.1 }} {{ round 2.456 2 }} {{ round -2.5 0 }}",
        "{{ until 3 }} {{ untilStep 10 0 -3 }} {{ untilStep 0 3 -1 }} {{ seq 3 }} {{ seq 2 5 }} {{ seq 5 -2 1 }} {{ seq 0 }}",
        "{{ div 1 0 }}",
        "{{ sha256sum .Values.name }} {{ sha1sum \"\" }} {{ adler32sum .Values.name }} {{ b32enc \"hello!\" }} {{ sha512sum \"x\" | trunc 16 }}",
        "{{ toPrettyJson .Values.nested }} {{ toPrettyJson .Values.list }} {{ toPrettyJson (dict) }} {{ toRawJson \"<a&b>\" }} {{ toPrettyJson \"<\" }}",
        "{{ $m := fromYaml \"a: 1\\nb: [x, 2]\" }}{{ $m.a }} {{ $m.b }} {{ (fromYaml \"- x\").Error | empty | not }} {{ fromJson \"{\\\"k\\\": 1.5}\" }} {{ fromYamlArray \"[1, a]\" }} {{ fromJsonArray \"[]\" }}",
        "{{ kindOf .Values.list }} {{ kindOf .Values.map }} {{ kindOf .Values.replicas }} {{ kindOf 1 }} {{ kindOf .Values.missing }} {{ kindIs \"string\" .Values.name }} {{ typeOf .Values.list }} {{ typeOf .Values.map }} {{ typeOf 1 }} {{ typeIs \"float64\" .Values.ratio }} {{ deepEqual .Values.list (list \"a\" \"b\" \"c\") }} {{ deepEqual 1 .Values.replicas }}",
        "{{ base \"a/b/c.yaml\" }} {{ dir \"a/b/c.yaml\" }} {{ ext \"c.tar.gz\" }} {{ clean \"a//b/../c/.\" }} {{ isAbs \"/x\" }} {{ base \"\" }} {{ dir \"x\" }} {{ clean \"/../a\" }}",
        "{{ concat .Values.list (list 1) }} {{ reverse .Values.list }} {{ without .Values.list \"b\" }} {{ compact (list \"\" 1 0 \"a\") }} {{ chunk 2 .Values.list }} {{ slice .Values.list 1 }} {{ slice .Values.list 0 2 }} {{ mustFirst .Values.list }}",
        "{{ $s := split \",\" \"a,b\" }}{{ $s._0 }}{{ $s._1 }} {{ toStrings (list 1 .Values.ratio) }} {{ trimall \"-\" \"--x--\" }} {{ untitle \"Hello World\" }} {{ plural \"one\" \"many\" 2 }} {{ getHostByName \"example.com\" }}|",
        "{{ dig \"deep\" \"x\" \"d\" .Values.nested }} {{ dig \"deep\" \"no\" \"d\" .Values.nested }} {{ pick .Values.map \"a\" }} {{ omit .Values.map \"a\" }} {{ pluck \"a\" .Values.map (dict \"a\" 9) }} {{ push .Values.list \"d\" }} {{ prepend .Values.list 0 }}",
        "{{ semverCompare \">=1.21-0\" \"v1.36.0\" }} {{ semverCompare \"<1.19\" \"1.36.0\" }} {{ semverCompare \"~1.2.3\" \"1.2.9\" }} {{ semverCompare \"~1.2.3\" \"1.3.0\" }} {{ semverCompare \"^0.2.3\" \"0.2.9\" }} {{ semverCompare \"^1.2\" \"1.9.0\" }} {{ semverCompare \"1.2.x\" \"1.2.7\" }} {{ semverCompare \">=1.0 <2.0 || >=3\" \"3.1.0\" }} {{ semverCompare \"1.0 - 1.5\" \"1.5.0\" }} {{ semverCompare \">1.20\" \"1.21.0-rc.1\" }} {{ semverCompare \">=1.20.0-0\" \"1.21.0-rc.1\" }} {{ (semver \"v1.2.3-beta.1+b5\").Minor }} {{ (semver \"1.2.3-beta.1+b5\").Prerelease }}",
        "{{ semverCompare \">=1.0\" \"not-a-version\" }}",
        "{{ semverCompare \"-\" \"1.0.0\" }}",
        "{{ semverCompare \">=-1\" \"1.0.0\" }}",
        "{{ semverCompare \"1.0-\" \"1.0.0\" }}",
        "{{ substr 1 3 \"abcdef\" }} {{ substr -1 2 \"abcdef\" }} {{ substr 2 99 \"abcdef\" }} {{ swapcase \"Hello World\" }} {{ initials \"first second  third\" }} {{ abbrev 5 \"hello world\" }} {{ abbrev 20 \"short\" }} {{ b32dec \"NBSWY3DP\" }} {{ toDecimal \"0777\" }} {{ toDecimal \"x\" }}",
        "{{ osBase \"/a/b.c\" }} {{ osDir \"/a/b.c\" }} {{ osClean \"a//b/../c\" }} {{ osExt \"a/b.tar.gz\" }} {{ osIsAbs \"a\" }} {{ html \"<a href='x'>&\\\"</a>\" }} {{ urlquery \"a b&c=d/é\" }} {{ randBytes 12 | len }} {{ shuffle \"aaaa\" }}",
        // Dates (UTC, as this machine's zone): Go's layouts on a fixed time, durations.
        "{{ date \"2006-01-02T15:04:05Z07:00\" 1700000000 }} {{ date \"Mon Jan _2 15:04:05 MST 2006\" 1700000000 }} {{ date \"Monday, January 2, 06 3:04:05PM -0700 -07:00\" 1700000000 }} {{ htmlDate 1700000000 }} {{ dateInZone \"2006-01-02 15:04 MST\" 1700000000 \"UTC\" }}",
        "{{ date \"002 __2 .000 ,999 01/02 pm\" 1699999999 }} {{ duration 3661 }} {{ duration \"3661\" }} {{ duration \"90\" }} {{ duration \"45\" }} {{ duration .Values.replicas }} {{ duration .Values.ratio }} {{ duration \"1.5\" }} {{ unixEpoch now | len }} {{ date \"2006\" now | len }}",
        // Regular expressions (RE2 syntax, Go's leftmost-first matches).
        "{{ regexMatch \"^[a-z]+$\" .Values.name }} {{ regexMatch \"(?i)WEB\" .Values.name }} {{ regexMatch \"\\\\d+\" \"abc\" }} {{ regexFind \"[0-9]+\" \"ab12cd345\" }} {{ regexFindAll \"[0-9]+\" \"ab12cd345e6\" -1 }} {{ regexFindAll \"[0-9]\" \"a1b2c3\" 2 }}",
        "{{ regexReplaceAll \"(\\\\w+)@(\\\\w+)\" \"joe@corp and ann@home\" \"${2}:$1\" }} {{ regexReplaceAll \"a*\" \"baaac\" \"-\" }} {{ regexReplaceAllLiteral \"[.]\" \"a.b.c\" \"$1\" }} {{ regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"John Smith\" \"$last, $first $$ $9 $x\" }}",
        "{{ regexSplit \",\\\\s*\" \"a, b,c,   d\" -1 }} {{ regexSplit \"x*\" \"axbxxc\" -1 }} {{ regexSplit \",\" \"a,b,c\" 2 }} {{ regexSplit \",\" \"\" -1 }} {{ regexQuoteMeta \"1.5+[x]\" }} {{ regexFind \"a|ab\" \"ab\" }} {{ regexFind \"(a|ab)(c|bcd)\" \"abcd\" }}",
        "{{ regexFindAll \"\\\\bfoo\\\\b\" \"foo food foo\" -1 }} {{ regexFindAll \"(?m)^\\\\w+\" \"one two\\nthree\" -1 }} {{ regexFind \"a.c\" \"a\\nc abc\" }} {{ regexFind \"(?s)a.c\" \"a\\nc\" | quote }} {{ regexFind \"a{2,3}\" \"aaaa\" }} {{ regexFind \"a{2,3}?\" \"aaaa\" }} {{ regexFind \"[[:upper:]][^0-9]*\" \"xAbc9\" }}",
        "{{ regexMatch \"(\" \"x\" }}",
        // `\Q…\E` (a repetition after it takes the last character), octal escapes, negated
        // class escapes inside a class.
        "{{ regexFind \"\\\\Qa.b\\\\E+\" \"xa.bbb a.b\" }} {{ regexMatch \"^\\\\Q[x]\\\\E$\" \"[x]\" }} {{ regexFind \"x\\\\Qa*\" \"xa*a\" }} {{ regexFind \"ba\\\\Q\\\\E*\" \"cbaaa\" }} {{ regexFind \"(?i)\\\\QAb\\\\E\" \"xaB\" }}",
        "{{ regexFind \"\\\\101\\\\102\" \"xAB\" }} {{ regexReplaceAll \"[\\\\101-\\\\103]+\" \"xABCDy\" \"-\" }} {{ regexFind \"\\\\1234\" \"S4\" }} {{ regexFindAll \"[\\\\D]+\" \"ab12cd\" -1 }} {{ regexFindAll \"[^\\\\W_]+\" \"a_b c\" -1 }} {{ regexFindAll \"[\\\\P{L}x]+\" \"ab12 cxd\" -1 }} {{ regexFindAll \"[\\\\S\\\\d]+\" \"a b\" -1 }}",
        "{{ regexMatch \"\\\\1\" \"x\" }}",
        "{{ regexFind \"[\\\\Q]\" \"x\" }}",
        "{{ regexFind \"\\\\Q\\\\E*\" \"x\" }}",
        // Unicode classes as Go 1.25 names them: categories, scripts, long names, `^`, any case.
        "{{ regexFindAll \"\\\\p{Greek}+|\\\\p{Han}|\\\\pN\" \"aΩψ字3٣\" -1 }} {{ regexFindAll \"\\\\p{Letter}+\" \"ab1 cd\" -1 }} {{ regexFindAll \"[\\\\p{Lu}\\\\p{Nd}]\" \"aB1\" -1 }} {{ regexFindAll \"\\\\P{L}+\" \"ab 12 c\" -1 }} {{ regexFindAll \"\\\\p{^Latin}+\" \"abΩψc\" -1 }} {{ regexFindAll \"[^\\\\p{Cyrillic}a]+\" \"aжbΩ\" -1 }}",
        "{{ regexFindAll \"\\\\pC\" \"a\\u0378b\\ue000\" -1 | len }} {{ regexFindAll \"\\\\p{Assigned}\" \"a\\u0378\" -1 }} {{ regexFindAll \"\\\\p{punct}\" \"a.b,c\" -1 }} {{ regexFindAll \"\\\\p{cntrl}\" \"a\\tb\" -1 | len }} {{ regexFindAll \"\\\\p{ascii}+\" \"abΩ\" -1 }} {{ regexFindAll \"\\\\p{lc}\" \"aǅ1\" -1 }} {{ regexFindAll \"\\\\p{lowercase_letter}\" \"aB\" -1 }} {{ regexFindAll \"\\\\p{Kawi}\" \"\\U00011F00x\" -1 | len }} {{ regexMatch \"^\\\\p{Any}$\" \"\\U0010FFFF\" }}",
        // Under (?i) Go adds the case variants before it negates: `\p{^Lu}`, `\P{…}` and `\W` inside a class.
        "{{ regexFindAll \"(?i)\\\\p{^Lu}\" \"aB1\" -1 }} {{ regexFindAll \"(?i)[\\\\P{Lu}]\" \"aB1\" -1 }} {{ regexFindAll \"(?i)\\\\P{^Lu}\" \"aB1\" -1 }} {{ regexFindAll \"(?i)[\\\\W]\" \"k\\u212Aſ-\" -1 }} {{ regexFindAll \"[[:^alpha:]x]+\" \"ab1x-c\" -1 }} {{ regexFind \"a*\\\\Q\\\\E*\" \"baa\" }} {{ regexFindAll \"(?i)\\\\p{^Assigned}\" \"a\\u0378\" -1 | len }}",
        "{{ regexFind \"\\\\p{Old_Italic}\" \"x\" }}",
        "{{ regexFind \"\\\\p{Unknown}\" \"x\" }}",
        "{{ regexFind \"\\\\p{Greek\" \"x\" }}",
        // Sprig's integer math returns int64, which Go tells from an int.
        "{{ typeOf (add 1 2) }} {{ kindOf (sub 3 1) }} {{ kindIs \"int\" (mul 2 2) }} {{ typeOf (int64 5) }} {{ typeOf (toDecimal \"17\") }} {{ typeOf (len \"x\") }} {{ typeOf (int (add 1 2)) }} {{ deepEqual (add 1 2) 3 }} {{ eq (add 1 2) 3 }} {{ lt (sub 1 2) 0 }} {{ printf \"%d %v %x %s\" (add 1 2) (mul 2 3) (max 10 11) (min 1 2) }} {{ index (list 1 2 3) (sub 2 1) }} {{ toJson (dict \"a\" (add 1 2)) }} {{ range (add1 1) }}{{ typeOf . }}{{ end }} {{ has 3 (list (add 1 2)) }} {{ toYaml (list (div 7 2)) }} {{ typeOf (add1 .Values.replicas) }} {{ biggest 1 5 | typeOf }}",
        "{{ trunc (add 1 2) \"abcdef\" }}",
        "{{ repeat (sub 3 1) \"x\" }}",
        "{{ indent (add 1 1) \"x\" }}",
        "{{ \"abcdef\" | trunc (int (add 1 2)) }}",
        // The lexer reads runes as Go's does: a combining accent after an escaped quote, a
        // closing quote or a delimiter is its own character.
        "{{ print \"a\\\"\u{301}\" \"é\u{301}\" }}{{ \"x\" }}\u{301}",
        // Dicts changed in place, in the idioms charts use (Bitnami's common labels and merges).
        "{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ $_ := unset $d \"a\" }}{{ toJson $d }} {{ $_ := set $d \"c\" (dict \"x\" 1) }}{{ toJson $d }} {{ set (dict) \"k\" \"v\" | toJson }}",
        "{{ $dst := dict }}{{ range (list (dict \"a\" 1 \"n\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" \"\" \"n\" (dict \"y\" 2))) }}{{ $dst = merge $dst . }}{{ end }}{{ toJson $dst }}",
        "{{ toJson (merge (dict \"a\" \"\" \"b\" 0 \"c\" false \"d\" 1 \"e\" (list) \"n\" (dict \"x\" \"\" \"y\" 1)) (dict \"a\" \"A\" \"b\" 2 \"c\" true \"d\" 9 \"e\" (list 1) \"f\" 3 \"n\" (dict \"x\" \"X\" \"y\" 2 \"z\" 3))) }}",
        "{{ toJson (mergeOverwrite (dict \"a\" \"x\" \"b\" 1 \"c\" 5 \"n\" (dict \"x\" 1 \"y\" 1)) (dict \"a\" \"\" \"b\" 0 \"c\" 7 \"n\" (dict \"x\" 2)) (dict \"d\" 4)) }}",
        "{{ $_ := set .Values \"added\" 1 }}{{ .Values.added }} {{ $n := .Values.nested }}{{ $_ := set $n \"k\" \"v\" }}{{ .Values.nested.k }} {{ $a := dict }}{{ $b := $a }}{{ $_ := set $b \"x\" 1 }}{{ $a.x }} {{ $l := list $a }}{{ $_ := unset $a \"x\" }}{{ $l }}",
        "{{ $ns := .Values.nested | default dict }}{{ $ns = merge $ns (dict \"deep\" (dict \"z\" 1) \"w\" 2) }}{{ toJson .Values.nested }} {{ $_ := set . \"extra\" \"e\" }}{{ .extra }} {{ include \"app.name\" (set (dict) \"Values\" (dict \"nameOverride\" \"over\")) }}",
        "{{ $m := fromYaml \"a: 1\\n---\\nb: [unclosed\" }}{{ toJson $m }} {{ fromYamlArray \"- 1\\n---\\n- 2\" }}",
        "{{ $c := deepCopy .Values.nested }}{{ $_ := mergeOverwrite $c (dict \"deep\" (dict \"x\" \"changed\")) }}{{ toJson .Values.nested }} {{ toJson $c }}",
        "{{ $labels := dict \"app\" .Values.name }}{{ with .Values.name }}{{ $_ := set $labels \"version\" . }}{{ end }}{{ $all := merge (dict \"team\" \"x\") $labels }}{{ toJson $all }}",
        "{{ regexFind \"\\\\pZ\" \"x\" }}",
        // Go's types where they are not what values decode to: typed lists and maps, Helm's objects, Sprig's structs.
        "{{ typeOf (splitList \",\" \"a,b\") }} {{ typeOf (keys .Values.map) }} {{ typeOf (until 3) }} {{ typeOf (until 0) }} {{ typeOf (untilStep 0 4 2) }} {{ typeOf (regexFindAll \"a\" \"aa\" -1) }} {{ typeOf (regexSplit \"a\" \"bab\" -1) }} {{ typeOf (sortAlpha .Values.list) }} {{ typeOf (toStrings .Values.nums) }}",
        "{{ typeOf (split \",\" \"a,b\") }} {{ kindOf (split \",\" \"a\") }} {{ typeOf (slice (splitList \",\" \"a,b\") 1) }} {{ typeOf (rest (splitList \",\" \"a,b\")) }} {{ typeOf (append (splitList \",\" \"a\") \"b\") }} {{ typeOf (deepCopy (splitList \",\" \"a\")) }} {{ typeOf .Values.list }} {{ typeOf .Values.map }}",
        "{{ deepEqual (splitList \",\" \"a\") (list \"a\") }} {{ deepEqual (splitList \",\" \"a\") (splitList \";\" \"a\") }} {{ deepEqual (until 2) (list 0 1) }} {{ typeIs \"[]string\" (splitList \",\" \"a\") }} {{ kindIs \"slice\" (until 2) }}",
        "{{ hasKey (split \",\" \"a,b\") \"_0\" }}",
        "{{ keys (split \",\" \"a,b\") }}",
        "{{ (split \":\" \"img:1.0\")._1 }} {{ index (split \":\" \"img:1.0\") \"_0\" }} {{ splitn \",\" 2 \"a,b,c\" }} {{ splitn \",\" 0 \"a,b\" }} {{ splitn \",\" -1 \"a,b,c\" }} {{ (splitn \"=\" 2 \"k=v=w\")._1 }}",
        "{{ semver \"1.2.3\" }} {{ semver \"v1.2-rc.1+b5\" | quote }} {{ semver \"1.2.3\" | toJson }} {{ typeOf (semver \"1.2.3\") }} {{ kindOf (semver \"1.2.3\") }} {{ (semver \"1.2.3\").Minor }} {{ list (semver \"1.2\") }} {{ dict \"v\" (semver \"2.0.0\") | toYaml }}",
        "{{ $ca := genCA \"x\" 3 }}{{ typeOf $ca }} {{ kindOf $ca }}",
        "{{ hello }} {{ all 1 \"a\" }} {{ all 1 \"\" }} {{ all }} {{ any 0 \"\" }} {{ any 0 \"a\" }} {{ any }} {{ any nil }} {{ mustToToml (dict \"a\" 1) }}",
        "{{ if false }}{{ mustFromYaml \"a\" }}{{ end }}",
        "{{ if false }}{{ randSeededNumeric 1 }}{{ end }}",
        // A nil given for a dict is Go's nil map: empty, printed map[], marshalled null, not to be set.
        "{{ unset nil \"a\" }} {{ unset nil \"a\" | toJson }} {{ hasKey nil \"a\" }} {{ keys nil }} {{ pick nil \"a\" | toJson }} {{ omit nil \"a\" }} {{ merge nil (dict \"a\" 1) | toJson }} {{ mergeOverwrite nil (dict \"a\" 1) }} {{ values nil }} {{ typeOf (unset nil \"a\") }}",
        "{{ set nil \"a\" 1 }}",
        "{{ $m := merge nil (dict \"a\" 1) }}{{ $_ := set $m \"b\" 2 }}{{ $m | toJson }} {{ deepEqual (merge nil (dict \"a\" 1)) (dict \"a\" 1) }}",
        // Go's proleptic calendar (no Julian dates before 1582, a year 0), exact to the nanosecond.
        "{{ $z := toDate \"2006\" \"x\" }}{{ unixEpoch $z }} {{ $z.Weekday }} {{ $z.YearDay }} {{ toDate \"2006-01-02\" \"1500-03-01\" | unixEpoch }} {{ (toDate \"2006-01-02\" \"1000-12-31\").YearDay }} {{ toDate \"2006-01-02\" \"0000-02-29\" }} {{ dateModify \"-1ns\" $z }} {{ (toDate \"2006-01-02T15:04:05.999999999Z07:00\" \"2262-04-11T23:47:16.854775807Z\").Nanosecond }} {{ dateModify \"1.5s\" (toDate \"05.000000001\" \"01.999999999\") }}",
        "{{ deepCopy nil }}",
        "{{ $t := toDate \"2006\" \"2020\" }}{{ dateModify \"bogus\" $t }} {{ dateModify \"99999999999999999999h\" $t }} {{ date_modify \"-1h\" $t }} {{ date \"2006-01-02\" 9223372036854775807 }} {{ durationRound \"99999999999999999999h\" }}",
        "{{ mustDateModify \"bogus\" (toDate \"2006\" \"2020\") }}",
        // printf's %T, a Stringer to the verbs of text, fields on a function's result (Go's chain).
        "{{ printf \"%T %v %s\" (splitList \",\" \"a\") (splitList \",\" \"a,b\") (splitList \",\" \"a\") }} {{ printf \"%T|%v|%s|%d\" now.Unix (toDate \"2006\" \"2020\") (semver \"1.2.3\") (until 3) }} {{ printf \"%T %T %T %T %T\" 1 nil .Values.list \"x\" (dict) }} {{ printf \"%q|%x|%10s|%-12s|\" (semver \"1.2.3\") (toDate \"2006\" \"2020\") (semver \"1.2\") (toDate \"2006\" \"2020\") }} {{ now.Year | typeOf }}",
        "{{ \"abc\".x }}",
        // Go's nil slices: empty, printed [], marshalled null.
        "{{ rest (list) | toJson }} {{ initial (list) | toJson }} {{ concat | toJson }} {{ concat (list) (list) | toJson }} {{ regexSplit \"a\" \"\" 0 | toJson }} {{ regexSplit \"a\" \"\" -1 | toJson }} {{ mustRegexFindAll \"z\" \"a\" -1 | toJson }} {{ regexFindAll \"a\" \"a\" 0 | toJson }} {{ rest (list 1) | toJson }} {{ regexFindAll \"z\" \"a\" -1 | empty }} {{ deepEqual (rest (list)) (list) }} {{ regexSplit \",\" \"a,b\" 0 | typeOf }} {{ toYaml (list (regexFindAll \"z\" \"a\" -1) (rest (list))) }} {{ rest (list) }}",
        "{{ now .Unix }}",
        "{{ eq (toDate \"2006\" \"2020\") (toDate \"2006\" \"2020\") }} {{ eq (toDate \"2006\" \"2020\") (toDate \"2006\" \"2021\") }} {{ ne (toDate \"2006\" \"2020\") (toDate \"2006-01-02\" \"2020-01-01\") }}",
        "{{ eq (toDate \"2006\" \"2020\") \"2020\" }}",
        "{{ split \"\" \"abc\" }} {{ splitn \"\" 2 \"abc\" }} {{ splitList \"\" \"éa\" }}",
        // Times: time.Time values, printed, marshalled, their methods, fixed zones, TOML's four kinds.
        "{{ typeOf now }} {{ kindOf now }} {{ $t := toDate \"2006-01-02\" \"2020-01-02\" }}{{ $t }}|{{ $t | toYaml }}|{{ $t | toJson }}|{{ dict \"t\" $t | toYaml }}|{{ $t | quote }}|{{ list $t }}|{{ $t.Year }} {{ $t.Month }} {{ $t.Unix }} {{ $t.Weekday }} {{ $t.YearDay }} {{ $t.Format \"Jan 2, 2006\" }}",
        "{{ $t := toDate \"2006-01-02T15:04:05Z07:00\" \"2020-01-02T03:04:05.5+01:30\" }}{{ $t }}|{{ $t | toJson }}|{{ $t | date \"15:04 MST\" }}|{{ $t.Format \"15:04 MST -07:00 Z07:00\" }}|{{ $t.Hour }}|{{ $t.UTC }}|{{ unixEpoch $t }}|{{ dateModify \"23h\" $t }}|{{ toDate \"2006-01-02 15:04 -0700 MST\" \"2020-01-02 03:04 +0100 CET\" }}|{{ toDate \"2006-01-02\" \"x\" }}",
        "{{ dateModify \"1h\" \"2020-01-02\" }}",
        "{{ unixEpoch 5 }}",
        "{{ date \"2006\" \"2020-01-02 00:00:00 +0000 UTC\" | len }} {{ duration (int64 90) }} {{ duration 90 }} {{ durationRound (int64 90000000000) }} {{ durationRound \"2h5m\" }} {{ ago \"x\" }}",
        "{{ $t := fromToml \"a = 1979-05-27T07:32:00Z\\nb = 1979-05-27T07:32:00.5\\nc = 1979-05-27\\nd = 07:32:00\\ne = 1979-05-27 07:32:00Z\\nf = 1979-05-27T00:32:00-07:00\\ng = 1\" }}{{ $t.a }}|{{ $t.b }}|{{ $t.c }}|{{ $t.d }}|{{ $t.e }}|{{ $t.f }}|{{ toJson $t }}|{{ typeOf $t.g }}|{{ toToml $t }}",
        "{{ toYaml (dict \"t\" \"2020-01-02T00:00:00Z\" \"d\" \"2020-1-2\" \"f\" \"2001-12-14t21:59:43.10-05:00\" \"g\" \"2002-12-14 21:59:43\" \"h\" \"12:30:00\" \"i\" \"2020-01-02T00:00:00\" \"j\" \"1:60\" \"k\" \"-1:30.5\" \"l\" \"2020-13-01\") }}",
        "{{ $v := .Values.list }}{{ (toDate \"2006\" \"2020\").Format \"2006\" }} {{ $c := dict \"k\" (toDate \"2006\" \"2021\") }}{{ $c.k.Year }}",
    ]

    /// Helpers every case can call (Helm renders no `_*.tpl` file itself).
    static let helpers = """
        {{- define "app.name" -}}{{ default "app" .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
        {{- define "app.image" -}}{{ printf "%s/%s:%s" (default "docker.io" .Values.registry) .Values.name (default "latest" .Values.tag) }}{{- end }}
        """

    /// JSON as Helm reads values: every number a float64.
    struct JSONValue: Decodable {
        var value: Value
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let b = try? c.decode(Bool.self) { value = .bool(b) }
            else if let d = try? c.decode(Double.self) { value = .float(d) }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let l = try? c.decode([JSONValue].self) { value = .list(ValueList(l.map(\.value))) }
            else { value = .map(ValueMap(try c.decode([String: JSONValue].self).mapValues(\.value))) }
        }
    }

    /// Runs scripts/helm-oracle on `cases`; its answers, in order.
    static func oracle(_ cases: [[String: Any]]) throws -> [[String: Any]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/helm-oracle").path]
        // Sprig's dates are in the machine's zone, the engine's in UTC: Helm runs in UTC here
        // whatever the test machine's zone (Go takes TZ from the environment it starts with).
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": "UTC"]) { _, utc in utc }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: try JSONSerialization.data(withJSONObject: cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try #require(try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
                            "scripts/helm-oracle gave no answer (is helm-python-sdk==0.2.2 installed? scripts/install-deps installs it): \(stderr.suffix(800))")
    }

    /// Renders `chart` with each of `settings` in Helm and in the engine: the same templates
    /// byte for byte where Helm renders, a refusal on both sides where it refuses. Returns
    /// whether Helm rendered each.
    static func expectRendersAsHelm(_ chart: [String: String], _ settings: [[String: Any]], name: String) throws -> [Bool] {
        let answers = try oracle(settings.enumerated().map { ["name": "\(name)\($0.offset)", "chart": chart, "values": $0.element] })
        for (index, values) in settings.enumerated() {
            let yaml = String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
            let ours = Result { try ChartRender(files: chart).render(values: [yaml], release: .init(name: "rel", namespace: "ns")) }
            guard let helm = answers[index]["output"] as? [String: String] else {
                #expect((try? ours.get()) == nil, "Helm refuses \(name) values \(index) (\(answers[index]["error"] ?? "")), the engine renders")
                continue
            }
            let rendered = try ours.get()
            #expect(rendered.keys.sorted() == helm.keys.sorted(), "\(name) values \(index): \(rendered.keys.sorted()) vs \(helm.keys.sorted())")
            for (path, text) in rendered { #expect(text == helm[path], "\(name) values \(index) \(path)\nhelm:\n\(helm[path] ?? "-")\nours:\n\(text)") }
        }
        return answers.map { $0["ok"] as? Bool == true }
    }

    /// The dot Helm gives a template of values `json`: `common.Values` holding the values (a
    /// `common.Values` too) and the release.
    static func dot(values json: String) throws -> Value {
        guard case .map(let values) = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).value else { return .null }
        return .map(ValueMap(["Values": .map(ValueMap(values.entries, type: .values)), "Release": ["Name": "rel", "Namespace": "ns"]], type: .values))
    }

    @Test func rendersAsHelmDoes() throws {
        try Self.expectTemplatesRenderAsHelm(Self.templates, values: Self.values)
    }

    /// Renders each of `templates` (with `helpers` beside it) in Helm and in the engine on
    /// `values`: the same text where Helm renders, a refusal where it refuses.
    static func expectTemplatesRenderAsHelm(_ templates: [String], values: String, helpers: String = HelmOracleTests.helpers) throws {
        let valuesJSON = try JSONSerialization.jsonObject(with: Data(values.utf8))
        let cases = templates.enumerated().map { ["name": "case\($0.offset)", "files": ["t.yaml": $0.element, "_helpers.tpl": helpers], "values": valuesJSON] as [String: Any] }
        let answers = try oracle(cases)
        #expect(answers.count == templates.count)
        // What this test gives beyond .Values: the release's name, as the oracle renders it.
        // Each case renders fresh values, as each Helm render does (`set` changes them in place).
        func data_() throws -> Value {
            try HelmOracleTests.dot(values: values)
        }
        for (index, template) in templates.enumerated() {
            let answer = answers[index]
            let ours = Result { try TemplateSet(files: ["t.yaml": template, "_helpers.tpl": helpers]).render("t.yaml", data: try data_()) }
            if answer["ok"] as? Bool == true {
                let helm = (answer["output"] as? [String: String])?["t.yaml"]
                #expect((try? ours.get())?.replacingOccurrences(of: "<no value>", with: "") == helm, "\(template)\nhelm: \(helm ?? "-")\nours: \(ours)")
            } else {
                #expect((try? ours.get()) == nil, "Helm refuses \(template) (\(answer["error"] ?? "")), the engine renders \(ours)")
            }
        }
    }

    /// Words YAML 1.1 reads as strings stay strings (`infinity`, `nan`, `inf`), numbers in its
    /// forms are numbers, as Helm reads a values file.
    @Test func valuesScalarsReadAsHelmReadsThem() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: scalars\nversion: 1.0.0\n",
            "values.yaml": "a: [infinity, nan, inf, 1_000, 0x1F, 1e3, +5, -2.5, 0.5e-1, yes, off, ~, null, 1.2.3, 12:30, 0777, 9e, e9]\n"
                // Keys given twice: the last wins, where go-yaml reads them as the same key (a plain `yes` is `true`).
                + "m:\n  yes: 1\n  \"yes\": 2\n  a: 1\n  \"a\": 2\n  \"on\": 3\n  on: 4\n  x: 1\n  x: 2\n  'q\\\"': 1\n  q\": 2\n  \"y\\n\": 5\n  \"y\\n\": 6\n",
            "templates/t.yaml": "{{ range .Values.a }}{{ kindOf . }}:{{ . }} {{ end }}\n{{ toJson .Values.m }}\n",
        ]
        let answers = try Self.oracle([["name": "scalars", "chart": chart, "values": [String: Any]()]])
        let helm = try #require(answers.first?["output"] as? [String: String], "\(answers)")
        let ours = try ChartRender(files: chart).render(values: [], release: .init(name: "rel", namespace: "ns"))
        #expect(ours == helm, "helm: \(helm)\nours: \(ours)")
    }

    /// A whole chart (our own test chart): values coalesced over the chart's, Helm's objects,
    /// partials and NOTES.txt not rendered, several documents in one file.
    @Test func aChartRendersAsHelmDoes() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2.3\"\ndescription: A test chart\n",
            "values.yaml": "image:\n  registry: docker.io\n  repository: library/nginx\n  tag: \"\"\nreplicas: 2\nresources:\n  limits:\n    cpu: 500m\nremoved: true\nports: [80, 443]\n",
            "templates/_helpers.tpl": """
                {{- define "demo.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end }}
                {{- define "demo.image" -}}{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end }}
                """,
            "templates/deployment.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ include "demo.fullname" . }}
                  namespace: {{ .Release.Namespace }}
                  labels: {service: {{ .Release.Service }}, revision: "{{ .Release.Revision }}", install: "{{ .Release.IsInstall }}", chart: {{ .Chart.Name }}-{{ .Chart.Version }}}
                spec:
                  replicas: {{ .Values.replicas }}
                  template:
                    spec:
                      containers:
                        - name: app
                          image: {{ include "demo.image" . | quote }}
                          ports: {{ toJson .Values.ports }}
                          resources:
                            {{- toYaml .Values.resources | nindent 12 }}
                ---
                # {{ .Template.Name }} {{ .Template.BasePath }} {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Minor }} {{ .Values.removed }}
                # {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "policy/v1" }} {{ .Capabilities.APIVersions.Has "networking.k8s.io/v1" }} {{ .Capabilities.APIVersions.Has "policy/v1beta1" }} {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}
                # {{ typeOf . }} {{ typeOf .Values }} {{ typeOf .Template }} {{ typeOf .Capabilities }} {{ typeOf .Capabilities.KubeVersion }} {{ typeOf .Capabilities.APIVersions }} {{ typeOf .Capabilities.HelmVersion }} {{ typeOf .Files }} {{ typeOf .Release }} {{ typeOf .Chart }} {{ kindOf .Capabilities }} {{ kindOf .Capabilities.KubeVersion }} {{ kindOf .Files }}
                # {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion | toJson }} {{ .Capabilities.HelmVersion }} {{ .Capabilities.HelmVersion | toJson }} {{ .Capabilities.KubeVersion | quote }} {{ hasKey .Values "name" }} {{ keys . | sortAlpha }}
                # {{ .Capabilities.APIVersions | toJson }} {{ .Capabilities.HelmVersion.Version }} {{ .Capabilities.HelmVersion.GoVersion }} {{ .Capabilities.HelmVersion.KubeClientVersion }}
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ include "demo.fullname" . }}
                """,
            "templates/NOTES.txt": "Thanks for installing {{ .Chart.Name }}.\n",
        ]
        let values = ["replicas": 3, "image": ["tag": "9.9"], "removed": NSNull(), "resources": ["limits": ["memory": "64Mi"]]] as [String: Any]
        let answers = try Self.oracle([["name": "chart", "chart": chart, "values": values]])
        let helm = try #require(answers.first?["output"] as? [String: String], "\(answers)")
        let json = try JSONSerialization.data(withJSONObject: values)
        let yaml = String(decoding: json, as: UTF8.self)  // JSON is YAML
        let ours = try ChartRender(files: chart).render(values: [yaml], release: .init(name: "rel", namespace: "ns"))
        #expect(ours.keys.sorted() == helm.keys.filter { !$0.hasSuffix("NOTES.txt") }.sorted(), "\(ours.keys) vs \(helm.keys)")
        for (path, text) in ours { #expect(text == helm[path], "\(path)\nhelm:\n\(helm[path] ?? "-")\nours:\n\(text)") }
    }

    /// Subcharts as Helm renders them: an alias, a condition, tags, a library chart whose
    /// helpers the others include, `global` passed down, the parent seeing its subcharts'
    /// coalesced values, and each subchart's `.Values`, `.Chart` and `.Template` its own.
    @Test func subchartsRenderAsHelmDoes() throws {
        let chart: [String: String] = [
            "Chart.yaml": """
                apiVersion: v2
                name: shop
                version: 1.0.0
                keywords: [shop, demo]
                maintainers: [{name: Ann, email: ann@example.com}]
                annotations: {category: demo}
                deprecated: false
                dependencies:
                  - {name: db, version: 0.1.0, alias: database, condition: database.enabled, import-values: [settings, {child: a, parent: b}]}
                  - {name: cache, version: 0.1.0, condition: cache.enabled}
                  - {name: metrics, version: 0.1.0, tags: [extras]}
                  - {name: common, version: 0.1.0}
                """,
            "values.yaml": "global:\n  registry: reg.example\n  pullPolicy: IfNotPresent\ncache:\n  enabled: true\ntags:\n  extras: false\n",
            "templates/app.yaml": """
                # {{ .Values.database.image.tag }} {{ .Values.database.global.registry }} {{ .Chart.Name }}
                # {{ .Chart | toJson }} {{ .Chart.Maintainers }} {{ .Chart.Home }}
                # {{ .Subcharts.database.Chart.Name }} {{ .Subcharts.database.Values.image.tag }}
                image: {{ include "common.image" (dict "image" (dict "repository" "shop" "tag" "1.0") "global" .Values.global) }}
                """,
            "charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n",
            "charts/common/templates/_image.tpl": "{{- define \"common.image\" -}}{{ .global.registry }}/{{ .image.repository }}:{{ .image.tag }}{{- end }}",
            "charts/common/templates/ignored.yaml": "kind: NeverRendered\n",
            "charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\nappVersion: \"14.2\"\n",
            "charts/db/values.yaml": "enabled: true\nimage:\n  repository: postgres\n  tag: \"14\"\nglobal:\n  registry: db-default.example\n  own: kept\n",
            "charts/db/templates/statefulset.yaml": """
                # {{ .Chart.Name }} {{ .Chart.AppVersion }} {{ .Template.Name }} {{ .Template.BasePath }} {{ .Release.Name }}
                # {{ .Chart | toJson }} {{ .Chart.IsRoot }}
                # {{ .Values.global.own }} {{ .Values.global.pullPolicy }} {{ .Values.enabled }}
                image: {{ include "common.image" (dict "image" .Values.image "global" .Values.global) }}
                """,
            "charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
            "charts/cache/values.yaml": "image: redis:7\n",
            "charts/cache/templates/deployment.yaml": "image: {{ .Values.global.registry }}/{{ .Values.image }}\n",
            "charts/metrics/Chart.yaml": "apiVersion: v2\nname: metrics\nversion: 0.1.0\n",
            "charts/metrics/templates/deployment.yaml": "image: exporter:1\n",
        ]
        let settings: [[String: Any]] = [
            [:],
            ["database": ["image": ["tag": "16"]], "global": ["registry": "override.example"], "cache": ["enabled": false], "tags": ["extras": true]],
            ["database": ["enabled": false], "global": NSNull()],
        ]
        // With the database off its values are not coalesced: the parent's template fails in both.
        #expect(try Self.expectRendersAsHelm(chart, settings, name: "subcharts") == [true, true, false])
    }

    /// A chart in the style of Bitnami's (our own text): a library subchart of helpers that
    /// build labels with `set` and `merge`, render values through `tpl`, pick images with a
    /// global registry, and a parent that uses them; rendered exactly as Helm renders it.
    @Test func libraryHelpersInTheBitnamiStyleRenderAsHelmDoes() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: shop\nversion: 2.0.0\nappVersion: \"5.1\"\ndependencies:\n  - {name: helpers, version: 1.0.0}\n",
            "values.yaml": """
                global:
                  imageRegistry: ""
                image: {registry: docker.io, repository: org/shop, tag: ""}
                commonLabels: {team: "{{ .Release.Name }}-team"}
                podLabels: {tier: web}
                extraEnv: |
                  - name: RELEASE
                    value: {{ .Release.Name }}
                """,
            "templates/deployment.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ include "helpers.fullname" . }}
                  labels: {{- include "helpers.labels" (dict "custom" .Values.commonLabels "context" $) | nindent 4 }}
                spec:
                  template:
                    metadata:
                      labels: {{- include "helpers.labels" (dict "custom" (merge (dict) .Values.podLabels .Values.commonLabels) "context" $) | nindent 8 }}
                    spec:
                      containers:
                        - name: shop
                          image: {{ include "helpers.image" (dict "image" .Values.image "global" .Values.global "chart" .Chart) }}
                          env: {{- include "helpers.render" (dict "value" .Values.extraEnv "context" $) | nindent 12 }}
                """,
            "charts/helpers/Chart.yaml": "apiVersion: v2\nname: helpers\nversion: 1.0.0\ntype: library\n",
            "charts/helpers/templates/_helpers.tpl": """
                {{- define "helpers.fullname" -}}
                {{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
                {{- end -}}
                {{- define "helpers.render" -}}
                {{- $text := ternary .value (.value | toYaml) (typeIs "string" .value) -}}
                {{- if contains "{{" (toJson .value) -}}{{- tpl $text .context -}}{{- else -}}{{- $text -}}{{- end -}}
                {{- end -}}
                {{- define "helpers.labels" -}}
                {{- $default := dict "app.kubernetes.io/name" .context.Chart.Name "app.kubernetes.io/instance" .context.Release.Name -}}
                {{- with .context.Chart.AppVersion -}}{{- $_ := set $default "app.kubernetes.io/version" . -}}{{- end -}}
                {{- $merged := dict -}}
                {{- range (list .custom $default) -}}
                {{- $merged = include "helpers.render" (dict "value" . "context" $.context) | fromYaml | merge $merged -}}
                {{- end -}}
                {{ toYaml $merged }}
                {{- end -}}
                {{- define "helpers.image" -}}
                {{- $registry := .global.imageRegistry | default .image.registry -}}
                {{- $tag := .image.tag | default .chart.AppVersion | toString -}}
                {{- if $registry }}{{ printf "%s/%s:%s" $registry .image.repository $tag }}{{ else }}{{ printf "%s:%s" .image.repository $tag }}{{ end -}}
                {{- end -}}
                """,
        ]
        let settings: [[String: Any]] = [[:], ["global": ["imageRegistry": "registry.corp"], "image": ["tag": "5.2"], "podLabels": ["tier": "api", "team": "own"]]]
        #expect(try Self.expectRendersAsHelm(chart, settings, name: "bitnami") == [true, true])
    }

    /// `.Files` as charts use it for config maps: `Get`, `Lines`, `Glob` with `*`, `**`, `?`,
    /// classes and alternatives, `AsConfig` and `AsSecrets` after `Glob` or on all files.
    @Test func filesRenderAsHelmDoes() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: files\nversion: 1.0.0\n",
            "values.yaml": "{}\n",
            "config/a.conf": "alpha = 1\n",
            "config/b.conf": "beta: \"two\"\nlines\n",
            "config/sub/c.txt": "nested\n",
            "other/x.txt": "x\n",
            "templates/config.yaml": """
                a: {{ (.Files.Glob "config/*").AsConfig | nindent 2 }}
                b: {{ (.Files.Glob "config/**").AsSecrets | nindent 2 }}
                c: {{ range $path, $_ := .Files.Glob "**.txt" }}{{ $path }} {{ end }}
                d: {{ range $path, $_ := .Files.Glob "config/{a,b}.co?f" }}{{ $path }} {{ end }}
                e: {{ range $path, $_ := .Files.Glob "[ox]*/*" }}{{ $path }} {{ end }}
                f: {{ .Files.Get "config/a.conf" | quote }} {{ .Files.Lines "config/b.conf" }} {{ .Files.Get "missing" | quote }}
                g: {{ (.Files.Glob "nothing/*").AsConfig | quote }}
                """,
        ]
        let answers = try Self.oracle([["name": "files", "chart": chart, "values": [String: Any]()]])
        let helm = try #require(answers.first?["output"] as? [String: String], "\(answers)")
        let ours = try ChartRender(files: chart).render(values: [], release: .init(name: "rel", namespace: "ns"))
        #expect(ours == helm.filter { !$0.key.hasSuffix("NOTES.txt") }, "helm:\n\(helm)\nours:\n\(ours)")
    }

    /// `values.schema.json` checked as Helm checks it before rendering: values it accepts render,
    /// values it refuses are refused here too (types, required, enum, additional properties,
    /// patterns, bounds, `$ref`, `oneOf`, `if`/`then`, a subchart's own schema).
    @Test func valuesSchemasRefuseWhatHelmRefuses() throws {
        let schema = #"""
            {
              "$schema": "http://json-schema.org/draft-07/schema#",
              "type": "object",
              "required": ["image", "replicas"],
              "definitions": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
              "properties": {
                "replicas": {"type": "integer", "minimum": 0},
                "image": {
                  "type": "object", "additionalProperties": false, "required": ["repository"],
                  "properties": {"repository": {"type": "string", "pattern": "^[a-z0-9./-]+$"}, "tag": {"type": ["string", "null"], "maxLength": 8}}
                },
                "mode": {"enum": ["standalone", "replication"]},
                "port": {"$ref": "#/definitions/port"},
                "storage": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["size"]}]},
                "tls": {"type": "object", "if": {"properties": {"enabled": {"const": true}}}, "then": {"required": ["secret"]}},
                "labels": {"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string"}}, "additionalProperties": false}
              }
            }
            """#
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: checked\nversion: 1.0.0\ndependencies:\n  - {name: sub, version: 1.0.0}\n",
            "values.yaml": "replicas: 1\nimage:\n  repository: org/app\n  tag: \"1.0\"\nmode: standalone\nport: 80\n",
            "values.schema.json": schema,
            "templates/cm.yaml": "replicas: {{ .Values.replicas }}\n",
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            "charts/sub/values.yaml": "size: 1\n",
            "charts/sub/values.schema.json": #"{"properties": {"size": {"type": "integer", "exclusiveMaximum": 10}}}"#,
            "charts/sub/templates/cm.yaml": "size: {{ .Values.size }}\n",
        ]
        let settings: [[String: Any]] = [
            [:], ["replicas": 3, "storage": "10Gi", "tls": ["enabled": false], "labels": ["team": "a"], "image": ["tag": NSNull()]],
            ["replicas": "three"], ["replicas": 1.5], ["image": ["repository": "Bad Name"]], ["image": ["extra": 1]], ["mode": "cluster"],
            ["port": 70000], ["storage": ["class": "fast"]], ["tls": ["enabled": true]], ["labels": ["Team": "x"]], ["replicas": -1],
            ["image": ["tag": "123456789"]], ["sub": ["size": 10]], ["sub": ["size": 9]], ["image": NSNull()],
        ]
        let answers = try Self.oracle(settings.enumerated().map { ["name": "schema\($0.offset)", "chart": chart, "values": $0.element] })
        for (index, values) in settings.enumerated() {
            let yaml = String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
            let ours = Result { try ChartRender(files: chart).render(values: [yaml], release: .init(name: "rel", namespace: "ns")) }
            if answers[index]["ok"] as? Bool == true {
                #expect((try? ours.get()) != nil, "Helm accepts \(values), the engine refuses: \(ours)")
            } else {
                #expect((try? ours.get()) == nil, "Helm refuses \(values) (\(answers[index]["error"] ?? "")), the engine renders")
            }
        }
        #expect(answers.map { $0["ok"] as? Bool == true } == [true, true] + Array(repeating: false, count: 11) + [false, true, false], "\(answers.map { $0["error"] ?? "ok" })")
    }

    /// A subchart's own nested nulls: Helm (the oracle's version) keeps them where the release
    /// gives that subchart values (even `sub: {}`) and in every subchart of a subchart, drops
    /// them otherwise, and drops every chart's top-level ones and the top chart's nested ones.
    @Test func subchartNestedNullsAsHelmKeepsThem() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 0.1.0}\n",
            "values.yaml": "nested:\n  a: null\n  b: 1\ngone: null\nsub:\n  fromParent: 1\n",
            "templates/t.yaml": "t: {{ toJson (omit .Values \"sub\" \"global\") | quote }}\n",
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\ndependencies:\n  - {name: leaf, version: 0.1.0}\n",
            "charts/sub/values.yaml": "top: null\nnested:\n  a: null\n  b: 1\n  deep: {c: null}\n",
            "charts/sub/templates/s.yaml": "s: {{ toJson (omit .Values \"global\" \"leaf\") | quote }} {{ hasKey (.Values.nested | default dict) \"a\" }}\n",
            "charts/sub/charts/leaf/Chart.yaml": "apiVersion: v2\nname: leaf\nversion: 0.1.0\ndependencies:\n  - {name: deep, version: 0.1.0}\n",
            "charts/sub/charts/leaf/charts/deep/Chart.yaml": "apiVersion: v2\nname: deep\nversion: 0.1.0\n",
            "charts/sub/charts/leaf/charts/deep/values.yaml": "dtop: null\nd:\n  n: null\n  m: 1\n",
            "charts/sub/charts/leaf/charts/deep/templates/d.yaml": "d: {{ toJson (omit .Values \"global\") | quote }}\n",
            "charts/sub/charts/leaf/values.yaml": "x:\n  y: null\n  z: 2\n",
            "charts/sub/charts/leaf/templates/l.yaml": "l: {{ toJson (omit .Values \"global\" \"deep\") | quote }}\n",
        ]
        let settings: [[String: Any]] = [
            [:], ["other": 1], ["sub": [:] as [String: Any]], ["sub": ["other": 1]], ["sub": ["nested": ["b": 2]]],
            ["sub": ["leaf": [:] as [String: Any]]], ["global": ["g": 1]], ["sub": ["nested": NSNull()]],
        ]
        #expect(try Self.expectRendersAsHelm(chart, settings, name: "nulls") == Array(repeating: true, count: settings.count))
    }

    /// `import-values` in both forms: a child's `exports.NAME` into the top level, a child's path
    /// to a parent path; the parent's own values win; only dicts are imported.
    @Test func importValuesAsHelmImportsThem() throws {
        let chart: [String: String] = [
            "Chart.yaml": """
                apiVersion: v2
                name: parent
                version: 1.0.0
                dependencies:
                  - name: db
                    version: 1.0.0
                    import-values: [data, {child: config, parent: dbConfig}, {child: scalar, parent: nope}]
                """,
            "values.yaml": "port: 1\ndbConfig:\n  extra: true\n",
            "templates/t.yaml": "{{ toJson .Values }}\n",
            "charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.0\n",
            "charts/db/values.yaml": "exports:\n  data:\n    port: 5432\n    host: db\nconfig:\n  user: admin\n  extra: false\nscalar: 3\n",
            "charts/db/templates/t.yaml": "{{ .Values.config.user }}\n",
        ]
        let settings: [[String: Any]] = [[:], ["db": ["config": ["user": "root"]], "host": "mine"]]
        #expect(try Self.expectRendersAsHelm(chart, settings, name: "imports") == [true, true])
    }

    /// A subchart's own `import-values` from its dependency, deepest first: the middle chart
    /// takes the bottom one's values, and the top chart imports what the middle one took.
    @Test func importValuesOfASubchartsOwnDependency() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - {name: mid, version: 1.0.0, import-values: [{child: fromLow, parent: got}, shared]}\n",
            "values.yaml": "got:\n  mine: true\n",
            "templates/t.yaml": "{{ toJson .Values }}\n",
            "charts/mid/Chart.yaml": """
                apiVersion: v2
                name: mid
                version: 1.0.0
                dependencies:
                  - {name: low, version: 1.0.0, alias: bottom, condition: bottom.enabled, import-values: [lowdata, {child: conf, parent: fromLow}]}
                """,
            "charts/mid/values.yaml": "fromLow:\n  b: 0\n  own: mid\nexports:\n  shared:\n    midShared: 1\n",
            "charts/mid/templates/t.yaml": "{{ toJson .Values }}\n",
            "charts/mid/charts/low/Chart.yaml": "apiVersion: v2\nname: low\nversion: 1.0.0\n",
            "charts/mid/charts/low/values.yaml": "enabled: true\nexports:\n  lowdata:\n    a: 1\nconf:\n  b: 2\n  c: 3\n",
            "charts/mid/charts/low/templates/t.yaml": "{{ toJson .Values }}\n",
        ]
        let settings: [[String: Any]] = [[:], ["mid": ["fromLow": ["c": 9], "bottom": ["enabled": false]]], ["mid": ["bottom": ["conf": ["b": 7]]]]]
        #expect(try Self.expectRendersAsHelm(chart, settings, name: "nested-imports") == [true, true, true])
    }
}
