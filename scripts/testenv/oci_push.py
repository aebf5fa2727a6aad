"""Pushes Helm charts (and, for negative tests, container images) into a registry, laid
out exactly as `helm push` lays them out: an OCI image manifest whose config has media type
application/vnd.cncf.helm.config.v1+json and whose layer is the chart .tgz
(application/vnd.cncf.helm.chart.content.v1.tar+gzip), plus a provenance layer if given."""
import gzip
import hashlib
import io
import json
import os
import ssl
import tarfile
import urllib.request

HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
HELM_PROV = "application/vnd.cncf.helm.chart.provenance.v1.prov"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def chart_yaml(name, version, app_version="1.0", dependencies=None):
    text = "apiVersion: v2\nname: %s\nversion: %s\nappVersion: \"%s\"\ntype: application\n" % (name, version, app_version)
    if dependencies:
        text += "dependencies:\n"
        for dep in dependencies:
            text += "  - name: %s\n    version: \"%s\"\n    repository: %s\n" % (dep["name"], dep["version"], dep["repository"])
    return text


def package(name, files, big_file_bytes=0):
    """A chart .tgz as `helm package` makes it: every file under NAME/, deterministic bytes.
    big_file_bytes adds NAME/files/blob.bin of incompressible bytes, written streaming."""
    out = io.BytesIO() if not big_file_bytes else None
    return _package_to(name, files, big_file_bytes, out)


def _package_to(name, files, big_file_bytes, out):
    import tempfile
    target = out if out is not None else tempfile.TemporaryFile()
    with gzip.GzipFile(fileobj=target, mode="wb", mtime=0, compresslevel=1 if big_file_bytes else 6) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in sorted(files):
                data = files[path].encode() if isinstance(files[path], str) else files[path]
                info = tarfile.TarInfo("%s/%s" % (name, path))
                info.size = len(data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
            if big_file_bytes:
                info = tarfile.TarInfo("%s/files/blob.bin" % name)
                info.size = big_file_bytes
                info.mode = 0o644
                tar.addfile(info, _RandomReader(big_file_bytes))
    if out is not None:
        return out.getvalue()
    target.seek(0)
    return target


class _RandomReader:
    def __init__(self, size):
        self.left = size

    def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return os.urandom(n)


def chart_files(name, version, dependencies=None, extra=None):
    files = {
        "Chart.yaml": chart_yaml(name, version, dependencies=dependencies),
        "values.yaml": "replicaCount: 1\nmessage: %s %s\n" % (name, version),
        "templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  message: {{ .Values.message | quote }}\n",
    }
    files.update(extra or {})
    return files


def config_json(name, version, dependencies=None):
    config = {"apiVersion": "v2", "name": name, "version": version, "appVersion": "1.0", "type": "application"}
    if dependencies:
        config["dependencies"] = dependencies
    return json.dumps(config, separators=(",", ":"), sort_keys=True).encode()


class Registry:
    def __init__(self, address, ca_file, auth=None):
        self.base = "https://%s" % address
        self.context = ssl.create_default_context(cafile=ca_file)
        self.auth = auth

    def _request(self, method, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if self.auth:
            request.add_header("Authorization", self.auth)
        return urllib.request.urlopen(request, context=self.context, timeout=120)

    def push_blob(self, repository, data):
        """data: bytes, or a seekable file object (streamed)."""
        if isinstance(data, (bytes, bytearray)):
            blob_digest, size = digest(data), len(data)
        else:
            h = hashlib.sha256()
            data.seek(0)
            for chunk in iter(lambda: data.read(1 << 20), b""):
                h.update(chunk)
            blob_digest, size = "sha256:" + h.hexdigest(), data.tell()
            data.seek(0)
        with self._request("POST", "%s/v2/%s/blobs/uploads/" % (self.base, repository), data=b"") as response:
            location = response.headers["Location"]
        if location.startswith("/"):
            location = self.base + location
        separator = "&" if "?" in location else "?"
        with self._request("PUT", "%s%sdigest=%s" % (location, separator, blob_digest), data=data,
                           headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)}):
            pass
        return {"digest": blob_digest, "size": size}

    def push_manifest(self, repository, tag, manifest, media_type=OCI_MANIFEST):
        body = json.dumps(manifest, separators=(",", ":")).encode()
        with self._request("PUT", "%s/v2/%s/manifests/%s" % (self.base, repository, tag), data=body,
                           headers={"Content-Type": media_type}):
            pass
        return {"digest": digest(body), "size": len(body), "mediaType": media_type}

    def push_chart(self, repository, name, version, files=None, provenance=None, layer_type=HELM_CHART,
                   config_version=None, dependencies=None, big_file_bytes=0):
        """Pushes a chart under tag VERSION (with + as _). Returns the digests."""
        files = files or chart_files(name, config_version or version, dependencies)
        chart = package(name, files, big_file_bytes)
        config = config_json(name, config_version or version, dependencies)
        config_d = self.push_blob(repository, config)
        chart_d = self.push_blob(repository, chart)
        layers = [dict(mediaType=layer_type, **chart_d)]
        if provenance is not None:
            layers.append(dict(mediaType=HELM_PROV, **self.push_blob(repository, provenance)))
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": dict(mediaType=HELM_CONFIG, **config_d),
            "layers": layers,
            "annotations": {
                "org.opencontainers.image.title": name,
                "org.opencontainers.image.version": config_version or version,
            },
        }
        m = self.push_manifest(repository, version.replace("+", "_"), manifest)
        return {"manifest": m["digest"], "chart": chart_d["digest"], "chartSize": chart_d["size"],
                "config": config_d["digest"], "layers": layers}

    def push_image(self, repository, tag, platform=None):
        """A tiny container image: OCI image config and one layer."""
        config = {"architecture": (platform or {}).get("architecture", "amd64"), "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": []}}
        config_d = self.push_blob(repository, json.dumps(config).encode())
        layer = self.push_blob(repository, gzip.compress(b"not a chart " + repository.encode(), mtime=0))
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                    "config": dict(mediaType=OCI_IMAGE_CONFIG, **config_d),
                    "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **layer)]}
        return self.push_manifest(repository, tag, manifest)

    def push_index(self, repository, tag, entries):
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
        return self.push_manifest(repository, tag, index, OCI_INDEX)
