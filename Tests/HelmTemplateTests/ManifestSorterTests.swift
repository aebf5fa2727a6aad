import HelmTemplate
import Testing

/// What Helm does with rendered templates before it installs or prints them: split at `---`
/// as its separator pattern splits, plain manifests in its install order by kind (unknown kinds
/// after, by name, keeping file order among equals), hooks after them, hooks of unknown types
/// left out, an annotation that is not a string refused.
struct ManifestSorterTests {
    @Test func documentsAreSplitAsHelmSplitsThem() {
        #expect(ManifestSorter.split("a: 1\n---\nb: 2\n---\n\n---\nc: 3\n") == ["a: 1", "b: 2", "---\nc: 3"],
                "the white space after a separator is its own, so the next dashes start no line")
        #expect(ManifestSorter.split("  \n---\na: 1") == ["a: 1"])
        #expect(ManifestSorter.split("a: |\n  x\n  ---\n  y\n") == ["a: |\n  x\n  ---\n  y"], "an indented --- is text")
        #expect(ManifestSorter.split("a: 1  \n---b: 2\n----\nc: 3") == ["a: 1", "b: 2", "-\nc: 3"], "dashes glued to text still split")
        #expect(ManifestSorter.split("# only a comment\n---\n\n") == ["# only a comment"])
        #expect(ManifestSorter.split(" \n\t\n").isEmpty)
    }

    @Test func manifestsInInstallOrderThenHooks() throws {
        let templates = [
            "app/templates/a.yaml": "kind: Deployment\n---\nkind: Zebra\n---\nkind: Service\n---\nkind: ConfigMap\n---\nnot: a kind\n",
            "app/templates/b.yaml": "kind: Deployment\nmetadata: {name: second}\n---\nkind: Apple\n---\nkind: Namespace\n",
            "app/templates/hooks.yaml": """
                kind: Job
                metadata: {annotations: {"helm.sh/hook": "post-install,post-upgrade", "helm.sh/hook-weight": "5"}}
                ---
                kind: Pod
                metadata: {annotations: {"helm.sh/hook": test}}
                ---
                kind: ConfigMap
                metadata: {annotations: {"helm.sh/hook": crd-install}}
                ---
                kind: Secret
                metadata: {annotations: {"helm.sh/hook": pre-install}}
                """,
            "app/templates/_helpers.tpl": "kind: Never\n",
            "app/templates/empty.yaml": "\n  \n",
        ]
        let sorted = try ManifestSorter.sort(templates)
        #expect(sorted.manifests.map(\.kind) == ["Namespace", "ConfigMap", "Service", "Deployment", "Deployment", "", "Apple", "Zebra"])
        #expect(sorted.manifests.filter { $0.kind == "Deployment" }.map(\.path) == ["app/templates/a.yaml", "app/templates/b.yaml"])
        #expect(sorted.hooks.map(\.kind) == ["Secret", "Pod", "Job"], "by kind; the unknown crd-install hook is left out")
        #expect(sorted.hooks.map(\.isTestHook) == [false, true, false])
        #expect(ManifestSorter.printed((Array(sorted.manifests.prefix(1)), Array(sorted.hooks.suffix(1)))) ==
                "---\n# Source: app/templates/b.yaml\nkind: Namespace\n---\n# Source: app/templates/hooks.yaml\nkind: Job\nmetadata: {annotations: {\"helm.sh/hook\": \"post-install,post-upgrade\", \"helm.sh/hook-weight\": \"5\"}}\n")
    }

    @Test func whatHelmCannotReadIsRefused() {
        #expect(throws: TemplateError.self) { try ManifestSorter.sort(["app/templates/a.yaml": "kind: [unclosed\n"]) }
        #expect(throws: TemplateError.self, "an unquoted hook weight is a number, not a string") {
            try ManifestSorter.sort(["app/templates/a.yaml": "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: 5\n"])
        }
        #expect((try? ManifestSorter.sort(["app/templates/a.yaml": "kind: Job\nmetadata:\n  annotations:\n    note: \"5\"\n    other: version-5\n"]))?.manifests.count == 1)
    }
}
