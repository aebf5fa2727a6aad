"""Container images for the tests, made from scratch and pushed as docker/skopeo push them:
real gzip'd tar layers whose uncompressed digests are the config's diff_ids (so containerd
can import and unpack them), OCI and Docker schema 2 manifests, a multi-arch OCI index and
a Docker manifest list, a base layer shared between images; and a chart that names images
in every way charts do."""
import gzip
import hashlib
import io
import json
import tarfile

import oci_push

OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def layer(files):
    """A layer: (gzip bytes, diff_id) of a tar holding `files` {path: bytes}."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size = len(files[path])
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(files[path]))
    data = raw.getvalue()
    return gzip.compress(data, mtime=0), "sha256:" + hashlib.sha256(data).hexdigest()


BASE = layer({"etc/os-release": b"NAME=bundle-test-base\n"})


def push_image(registry, repository, tag, arch="amd64", docker=False, content=b"", base=True, big_bytes=0):
    """One platform's image; returns its manifest descriptor (digest, size, mediaType)."""
    layers = [BASE] if base else []
    layers.append(layer({"app/%s" % repository.replace("/", "_"): content or ("%s %s %s\n" % (repository, tag, arch)).encode()}))
    if big_bytes:
        import os
        layers.append(layer({"app/big.bin": os.urandom(big_bytes)}))
    config = {"architecture": arch, "os": "linux", "config": {"Cmd": ["/app"]},
              "rootfs": {"type": "layers", "diff_ids": [diff for _, diff in layers]}}
    config_d = registry.push_blob(repository, json.dumps(config, sort_keys=True).encode())
    layer_type = DOCKER_LAYER if docker else OCI_LAYER
    descriptors = [dict(mediaType=layer_type, **registry.push_blob(repository, gz)) for gz, _ in layers]
    media_type = DOCKER_MANIFEST if docker else oci_push.OCI_MANIFEST
    manifest = {"schemaVersion": 2, "mediaType": media_type,
                "config": dict(mediaType=DOCKER_CONFIG if docker else oci_push.OCI_IMAGE_CONFIG, **config_d),
                "layers": descriptors}
    return registry.push_manifest(repository, tag, manifest, media_type)


def push_multiarch(registry, repository, tag, docker=False, attestation=False):
    """A multi-arch image (amd64, arm64): an OCI index, or a Docker manifest list."""
    entries = []
    for arch in ["amd64", "arm64"]:
        m = push_image(registry, repository, "%s-%s" % (tag, arch), arch=arch, docker=docker)
        entries.append(dict(mediaType=m["mediaType"], digest=m["digest"], size=m["size"],
                            platform={"os": "linux", "architecture": arch}))
    if attestation:
        att = push_image(registry, repository, "%s-att" % tag, base=False, content=b"attestation")
        entries.append(dict(mediaType=att["mediaType"], digest=att["digest"], size=att["size"],
                            platform={"os": "unknown", "architecture": "unknown"},
                            annotations={"vnd.docker.reference.type": "attestation-manifest",
                                         "vnd.docker.reference.digest": entries[0]["digest"]}))
    media_type = DOCKER_LIST if docker else oci_push.OCI_INDEX
    index = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    return registry.push_manifest(repository, tag, index, media_type)


def make(registry, env):
    """Pushes the test images; returns what the tests need to know of them."""
    anonymous = env["registries"]["anonymous"]
    images = {
        "web": push_image(registry, "images/web", "1.0"),
        "web11": push_image(registry, "images/web", "1.1"),
        "worker": push_image(registry, "images/worker", "2.0", docker=True),
        "literal": push_image(registry, "images/literal", "1.0"),
        "annotated": push_image(registry, "images/annotated", "1.0"),
        "multi": push_multiarch(registry, "images/multiarch", "1.0", attestation=True),
        "dockerlist": push_multiarch(registry, "images/dockerlist", "1.0", docker=True),
        "private": push_image(registry, "images/private", "1.0"),
        "mtls": push_image(registry, "images/mtls", "1.0"),
        "disabled": push_image(registry, "images/disabled", "1.0"),
    }
    # A chart where an image is expected: refused, saying what it is.
    registry.push_chart("images/achart", "achart", "1.0.0")
    files = imaged_chart_files(anonymous, env["registries"].get("basic"), env["registries"].get("mtls"), images["multi"]["digest"])
    env["charts"]["webapp"] = registry.push_chart("charts/webapp", "webapp", "0.3.0", files=files)
    return images


def imaged_chart_files(registry, basic, mtls, pinned):
    """A chart naming images in each way real charts do."""
    values = """
image:
  registry: %(registry)s
  repository: images/web
  tag: ""
worker:
  image: %(registry)s/images/worker:2.0
sidecar:
  image:
    repository: %(registry)s/images/multiarch
    digest: "%(pinned)s"
docs:
  image:
    repository: %(registry)s/images/dockerlist
    tag: "1.0"
disabledThing:
  enabled: false
  image:
    repository: %(registry)s/images/disabled
    tag: "1.0"
private:
  image: %(basic)s/images/private:1.0
mtls:
  image: %(mtls)s/images/mtls:1.0
optional:
  enabled: false
""" % dict(registry=registry, pinned=pinned, basic=basic or registry, mtls=mtls or registry)
    chart = oci_push.chart_yaml("webapp", "0.3.0", app_version="1.0") + """annotations:
  artifacthub.io/images: |
    - name: annotated
      image: %s/images/annotated:1.0
dependencies:
  - name: optional
    version: "0.1.0"
    repository: "file://charts/optional"
    condition: optional.enabled
""" % registry
    optional = oci_push.package("optional", {
        "Chart.yaml": oci_push.chart_yaml("optional", "0.1.0"),
        "values.yaml": "image:\n  repository: %s/images/disabled\n  tag: \"1.0\"\n" % registry,
        "templates/pod.yaml": "image: {{ .Values.image.repository }}:{{ .Values.image.tag }}\n",
    })
    return {
        "Chart.yaml": chart,
        "values.yaml": values,
        "charts/optional-0.1.0.tgz": optional,
        "templates/_helpers.tpl": '{{- define "webapp.image" -}}\n{{ .Values.image.registry }}/{{ required "webapp needs image.repository" .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\n{{- end }}\n'
                                  '{{- define "webapp.mystery" -}}\nquay.io/{{ .Chart.Name }}:v{{ .Chart.AppVersion }}\n{{- end }}\n',
        # Rendered as Helm renders it; line 28 is an image that reading the values cannot determine.
        "templates/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  template:
    spec:
      initContainers:
        - name: docs
          image: "{{ .Values.docs.image.repository }}:{{ .Values.docs.image.tag }}"
      containers:
        - name: web
          image: {{ include "webapp.image" . | quote }}
        - name: literal
          image: "%s/images/literal:1.0"
        - name: sidecar
          image: "{{ .Values.sidecar.image.repository }}@{{ .Values.sidecar.image.digest }}"
        - name: private
          image: {{ .Values.private.image }}
        - name: mtls
          image: {{ .Values.mtls.image }}
{{- if .Values.disabledThing.enabled }}
        - name: disabled
          image: "{{ .Values.disabledThing.image.repository }}:{{ .Values.disabledThing.image.tag }}"
{{- end }}
{{- if .Values.extras }}
        - name: mystery
          image: {{ include "webapp.mystery" . }}
{{- end }}
""" % registry,
        "templates/cronjob.yaml": """apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .Release.Name }}-worker
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: worker
              image: {{ .Values.worker.image }}
""",
        "templates/tests/test-connection.yaml": "metadata:\n  annotations:\n    \"helm.sh/hook\": test\nspec:\n  containers:\n    - image: busybox\n",
    }
