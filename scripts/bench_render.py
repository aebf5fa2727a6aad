#!/usr/bin/env python3
"""Render time: `bundle template` against Helm v4's own engine (PyPI helm-python-sdk==0.2.2, the
oracle of the tests) on the same charts and values, medians of several runs.

    bench_render.py BUNDLE_EXECUTABLE WORK_DIR [--runs N] [--engine RENDER_BENCH] [--write]

The charts are written here (our own, in the idioms popular charts use: helpers included and
indented, toYaml of nested values, ranges over lists and maps, tpl of values, a subchart with
globals). bundle is timed as a whole process (start, arguments, read, render, print); Helm
in-process (load and render, its Python and library start-up left out), so the first ratio is
conservative. The engine's ratio sets the same work against Helm's on equal terms: the
`render-bench` executable (built beside bundle) reads, renders, sorts and prints the chart in
a fresh process and times that work inside it, once, as Helm's is timed.
Prints a markdown table; with --write, puts it between the render markers of BENCHMARKS.md."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helm_sdk import documents  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("bundle")
parser.add_argument("work")
parser.add_argument("--runs", type=int, default=7)
parser.add_argument("--write", action="store_true")
parser.add_argument("--engine", help="the render-bench executable (default: beside BUNDLE_EXECUTABLE)")
args = parser.parse_args()
engine = args.engine or os.path.join(os.path.dirname(os.path.abspath(args.bundle)), "render-bench")

HELPERS = """{{- define "app.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name (include "app.name" .) | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- define "app.image" -}}
{{- $registry := .global.imageRegistry | default .image.registry -}}
{{ printf "%s/%s:%s" $registry .image.repository (.image.tag | default "latest") }}
{{- end }}
"""

WORKLOAD = """{{- range $name, $component := .Values.components }}
{{- if $component.enabled }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" $ }}-{{ $name }}-%(n)d
  labels:
    {{- include "app.labels" $ | nindent 4 }}
  annotations:
    checksum/config: {{ toJson $component | sha256sum }}
spec:
  replicas: {{ $component.replicas | default 1 }}
  template:
    metadata:
      labels:
        {{- include "app.labels" $ | nindent 8 }}
    spec:
      containers:
        - name: {{ $name }}
          image: {{ include "app.image" (dict "image" $component.image "global" $.Values.global) | quote }}
          args: {{ toJson $component.args }}
          env:
            {{- range $component.env }}
            - name: {{ .name }}
              value: {{ tpl (toString .value) $ | quote }}
            {{- end }}
          resources:
            {{- toYaml $component.resources | nindent 12 }}
          {{- if semverCompare ">=1.30-0" $.Capabilities.KubeVersion.GitVersion }}
          securityContext: {runAsNonRoot: true}
          {{- end }}
{{- end }}
{{- end }}
"""


def values_yaml(components, env):
    lines = ["global:", "  imageRegistry: registry.corp", "commonLabels:", "  team: platform", "  tier: backend", "components:"]
    for c in range(components):
        lines += ["  c%02d:" % c, "    enabled: %s" % ("true" if c % 5 else "false"), "    replicas: %d" % (c % 3 + 1),
                  "    image: {registry: docker.io, repository: org/c%02d, tag: \"1.%d\"}" % (c, c),
                  "    args: [--port=80, --verbose]", "    resources:", "      limits: {cpu: 500m, memory: 256Mi}",
                  "      requests: {cpu: 100m, memory: 64Mi}", "    env:"]
        lines += ["      - {name: VAR_%d, value: \"{{ .Release.Name }}-%d\"}" % (e, e) for e in range(env)]
    return "\n".join(lines) + "\n"


def write_chart(folder, name, templates, components, env, subchart=False):
    files = {"Chart.yaml": "apiVersion: v2\nname: %s\nversion: 1.0.0\nappVersion: \"1.0\"\n" % name,
             "values.yaml": values_yaml(components, env), "templates/_helpers.tpl": HELPERS}
    for n in range(templates):
        files["templates/workload-%02d.yaml" % n] = WORKLOAD % {"n": n}
    if subchart:
        files["Chart.yaml"] += "dependencies:\n  - {name: db, version: 1.0.0, condition: db.enabled}\n"
        files["values.yaml"] += "db:\n  enabled: true\n"
        files["charts/db/Chart.yaml"] = "apiVersion: v2\nname: db\nversion: 1.0.0\n"
        files["charts/db/values.yaml"] = values_yaml(3, 5)
        files["charts/db/templates/_helpers.tpl"] = HELPERS
        files["charts/db/templates/workload.yaml"] = WORKLOAD % {"n": 0}
    for path, text in files.items():
        full = os.path.join(folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def time_bundle(chart):
    start = time.perf_counter()
    result = subprocess.run([args.bundle, "template", chart, "--name", "rel", "--namespace", "ns"], capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("bench_render: bundle template %s failed: %s" % (chart, result.stderr.decode()[-2000:]))
    return elapsed, result.stdout


def time_engine(chart):
    """The engine's work timed inside a fresh render-bench process (read, render, sort, print)."""
    result = subprocess.run([engine, chart], capture_output=True)
    if result.returncode != 0:
        sys.exit("bench_render: render-bench %s failed: %s" % (chart, result.stderr.decode()[-2000:]))
    return json.loads(result.stderr.decode().strip().splitlines()[-1])["seconds"], result.stdout


def time_helm(chart):
    code = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
import helm_sdk
helm, _ = helm_sdk.isolate("helm-bench-")
start = time.perf_counter()
rendered = helm.Chart.load(sys.argv[1]).render({}, name="rel", namespace="ns")
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rendered": rendered}))
"""
    result = subprocess.run([sys.executable, "-c", code, chart, os.path.dirname(os.path.abspath(__file__))], capture_output=True)
    if result.returncode != 0:
        sys.exit("bench_render: Helm's engine failed on %s: %s" % (chart, result.stderr.decode()[-2000:]))
    answer = json.loads(result.stdout)
    return answer["seconds"], answer["rendered"]


def same_output(ours, rendered):
    """Whether `bundle template`'s output holds exactly the documents Helm rendered, file by file."""
    helm = {path: documents(text) for path, text in rendered.items() if not path.endswith("NOTES.txt") and documents(text)}
    printed = {}
    for block in ours.decode().split("---\n# Source: ")[1:]:
        path, _, body = block.partition("\n")
        printed.setdefault(path, []).append(body.rstrip("\n"))
    # The printed order is Helm's install order by kind; compare each template's documents as sets.
    return {p: sorted(d) for p, d in helm.items()} == {p: sorted(d) for p, d in printed.items()}


charts = [("small: 3 templates, 5 components", 3, 5, 3, False), ("medium: 10 templates, 20 components, a subchart", 10, 20, 8, True),
          ("large: 30 templates, 40 components", 30, 40, 10, False)]
rows = []
for index, (label, templates, components, env, subchart) in enumerate(charts):
    folder = os.path.join(args.work, "render-%d" % index, "app")
    write_chart(folder, "app", templates, components, env, subchart)
    processes, engines, helms, size, same = [], [], [], 0, True
    for _ in range(args.runs):
        seconds, output = time_bundle(folder)
        processes.append(seconds)
        size = len(output)
        seconds, printed = time_engine(folder)
        engines.append(seconds)
        seconds, rendered = time_helm(folder)
        helms.append(seconds)
        same = same and printed == output and same_output(output, rendered)
    rows.append((label, size, statistics.median(processes), statistics.median(engines), statistics.median(helms), same))
    print("bench_render: %s: bundle %.4f s (engine %.4f s), Helm %.4f s, same output: %s" % (label, rows[-1][2], rows[-1][3], rows[-1][4], same), file=sys.stderr)

table = ["| chart | output | same as Helm's | bundle engine (in-process) | Helm v4 engine (in-process) | ratio | target | bundle template (whole process) | ratio |",
         "|---|---|---|---|---|---|---|---|---|"]
for label, size, process, ours, helm, same in rows:
    table.append("| %s | %.0f KB | %s | %.1f ms | %.1f ms | %.2fx | <= 1.0 | %.1f ms | %.2fx |" % (
        label, size / 1000, "yes" if same else "NO", ours * 1000, helm * 1000, ours / helm, process * 1000, process / helm))
table = "\n".join(table) + "\n"
print(table)
if args.write:
    import re
    text = open("BENCHMARKS.md").read()
    begin, end = "<!-- render:begin -->", "<!-- render:end -->"
    note = "Measured by `scripts/bench-render` (%d runs, medians), %s.\n\n" % (args.runs, time.strftime("%Y-%m-%d"))
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), begin + "\n" + note + table + end, text, flags=re.S)
    open("BENCHMARKS.md", "w").write(text)
