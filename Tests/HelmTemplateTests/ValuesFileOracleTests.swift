import Foundation
import Testing
@testable import HelmTemplate

/// values.yaml read as Helm v4 reads it (scripts/helm-oracle): go-yaml v2's bools (`y`, `N`,
/// not `tRue`), explicit `!!str` tags, a key given twice (the last one wins), every document
/// merged over the ones before, numbers as JSON holds them (`-0` is 0, `1e400` is text, `.inf`
/// refused), keys as JSON writes them (`0x10:` is `16`, `yes:` is `true`), merge keys (`<<:
/// *base`, go-yaml v2's order), and a file that is not YAML refused (it was read as no values).
struct ValuesFileOracleTests {
    static let template = "{{ range $k, $v := .Values }}{{ $k }}={{ kindOf $v }}:{{ $v }} {{ end }}\n"

    static func chart(_ values: String) -> [String: String] {
        ["Chart.yaml": "apiVersion: v2\nname: valuesfile\nversion: 1.0.0\n", "values.yaml": values, "templates/t.yaml": template]
    }

    @Test(arguments: [
        ("scalars", "a: !!str yes\nb: !!str 10\nc: Yes\nd: tRue\ne: oN\nf: y\ng: N\nh: OFF\n", true),
        ("duplicates", "a: 1\na: 2\nm:\n  k: 1\n  k: {x: 2}\nl: [{p: 1, p: 2}]\nq: {\"r\": 1, r: 3}\n", true),
        ("documents", "a: {x: 1, z: 1}\nb: 1\n---\na: {w: 2, z: 3}\nc: 3\n---\n", true),
        ("broken", "m: x\nbad: [1, 2\n", false),
        ("listDocument", "a: 1\n---\n- x\n", false),
        ("numbers", "a: -0\nb: 1e400\nc: +0\nd: -1e400\ne: 0o17\nf: 1_000\ng: -0.0\nh: 9223372036854775808\n", true),
        ("infinity", "a: .inf\n", false),
        ("nan", "a: [1, .NaN]\n", false),
        ("keys", "1: a\n1.5: b\n0x10: c\ntrue: d\nFalse: f\n1e3: h\n010: i\n-0: j\n\"on\": k\n.inf: l\nyes: m\n", true),
        ("nullKey", "~: g\n", false),
        ("mergeKeys", "base: &b {x: 1, y2: 2}\nc:\n  <<: *b\n  y2: 3\nd:\n  <<: [*b, {z: 4, x: 9}]\ne:\n  x: 5\n  <<: *b\n", true),
        ("badMerge", "a:\n  <<: 5\n", false),
    ])
    func valuesFilesReadAsHelmReadsThem(name: String, values: String, renders: Bool) throws {
        #expect(try HelmOracleTests.expectRendersAsHelm(Self.chart(values), [[:]], name: name) == [renders])
    }

    /// Keys given twice are read again once per key, within a bound of bytes read: a file of
    /// 150 of them and 2 MB is the reader's gap (`renderUnsupported`, the values read instead
    /// for images), not 150 readings of it.
    @Test func manyKeysGivenTwiceAreAGap() throws {
        let text = (0..<150).map { "a: \($0)" }.joined(separator: "\n") + "\n"
            + (0..<20_000).map { "pad\($0): " + String(repeating: "x", count: 100) }.joined(separator: "\n") + "\n"
        #expect(Int64(text.utf8.count) > Int64(PlainYAML.maxRereadBytes / PlainYAML.maxShadowed))
        #expect { try ChartRender(files: Self.chart(text)).render(values: [], release: .init(name: "rel", namespace: "ns")) } throws: {
            ($0 as? TemplateError)?.kind == .unsupported && "\($0)".contains("keys given twice")
        }
    }

    /// A null in a chart's own values is no value, at any depth of its maps, and deletes
    /// nothing (not a subchart's default either); a null the release gives deletes a default,
    /// and stays where there is none; nulls in lists stay. (A subchart's nested nulls the
    /// release keeps: HelmOracleTests.subchartNestedNullsAsHelmKeepsThem.)
    @Test func nullsAreWhatHelmMakesOfThem() throws {
        let chart: [String: String] = [
            "Chart.yaml": "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n",
            "values.yaml": "a: {x: 1, z: null, c: [1, null, {d: null}], f: {g: null}}\nsub: {x: null, k: 2}\ntop: null\n",
            "templates/t.yaml": "{{ toJson .Values }}\n",
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            "charts/sub/values.yaml": "x: 1\nw: null\nm: {q: 1}\n",
            "charts/sub/templates/t.yaml": "{{ toJson .Values }}\n",
        ]
        let settings: [[String: Any]] = [[:], ["u": NSNull(), "a": ["x": NSNull(), "e": NSNull()], "sub": ["x": NSNull(), "v": NSNull()]]]
        #expect(try HelmOracleTests.expectRendersAsHelm(chart, settings, name: "nulls") == [true, true])
    }
}
