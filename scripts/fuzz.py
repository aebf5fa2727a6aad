#!/usr/bin/env python3
"""Structure-aware mutation campaigns against the built `bundle` binary (scripts/fuzz).

    fuzz.py BUNDLE_EXECUTABLE SECONDS [--seed N] [--out DIR] [--save-corpus DIR]

Inputs: signed bundles whose bundle.json is mutated field by field and signed again with the
test key (so the checks after the signature are what is exercised), bundles mutated at the
tar level (names, types, duplicates, sizes) and at the byte level, and k0s configs mutated
as YAML text. Each input runs through verify, inspect and install (bundles) or an offline
build (configs). A finding is: a crash (a signal, or an exit status other than 0, 1 and 64),
a hang (over the timeout), a refused install that left a file behind, an error without a
subject (where it happened), or a raw escape sequence on the terminal. Findings are written
to --out with what was seen; exit status 1 when there is any.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KEY = os.path.join(ROOT, "Tests/Fixtures/fuzz/test-signing.key")
PUB = os.path.join(ROOT, "Tests/Fixtures/fuzz/test-signing.pub")
TIMEOUT = 20

CONFIG = """apiVersion: k0s.k0sproject.io/v1beta1
kind: ClusterConfig
metadata:
  name: k0s
spec:
  extensions:
    helm:
      repositories:
        - name: corp
          url: oci://registry.corp:5000
      charts:
        - name: app
          chartname: oci://registry.corp:5000/charts/app
          version: 1.0.0
          namespace: default
          values: |
            image:
              tag: "1.1"
"""

OFFLINE = CONFIG.replace("oci://registry.corp:5000/charts/app", "/var/lib/k0s/charts/app-1.0.0.tgz").replace(
    "      repositories:\n        - name: corp\n          url: oci://registry.corp:5000\n", "")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def chart():
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w") as tar:
            for name, text in [("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"), ("app/values.yaml", "image: x:1\n")]:
                info = tarfile.TarInfo(name)
                info.size = len(text)
                tar.addfile(info, io.BytesIO(text.encode()))
    return raw.getvalue()


def seed_entries():
    """The entries of a bundle like `bundle build` writes, as (path, bytes), and its manifest."""
    files = {"charts/app-1.0.0.tgz": chart(), "certs/corp.crt": b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
             "k0s.yaml": OFFLINE.encode(), "images/oci-layout": b'{"imageLayoutVersion":"1.0.0"}'}
    blob = b"layer bytes"
    files["images/blobs/sha256/" + sha(blob)] = blob
    files["images/index.json"] = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                             "digest": "sha256:" + sha(blob), "size": len(blob)}]}).encode()
    manifest = {
        "builder": "bundle 0.1.0", "name": "fuzz", "sequence": 7, "created": "2023-11-14T22:13:20Z", "dataDir": "/var/lib/k0s", "schemaVersion": 1,
        "config": {"path": "k0s.yaml", "source": "k0s.yaml", "format": "clusterConfig"},
        "charts": [{"path": "charts/app-1.0.0.tgz", "name": "app", "version": "1.0.0", "releases": ["app"], "reference": "oci://registry.corp:5000/charts/app",
                    "repository": "corp", "chartDigest": "sha256:" + sha(files["charts/app-1.0.0.tgz"])}],
        "certificates": [{"path": "certs/corp.crt", "repository": "corp", "subjects": ["CN=corp"], "notAfter": "2030-01-01T00:00:00Z"}],
        "images": [{"reference": "registry.corp:5000/x:1", "names": ["registry.corp:5000/x:1"], "digest": "sha256:" + sha(blob),
                    "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": len(blob), "platforms": [], "releases": ["app"], "sources": ["values"]}],
        "files": [{"path": p, "size": len(d), "sha256": sha(d)} for p, d in sorted(files.items())],
    }
    return files, manifest


def sign(data, work):
    path = os.path.join(work, "msg")
    with open(path, "wb") as f:
        f.write(data)
    return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", KEY, "-rawin", "-in", path], capture_output=True, check=True).stdout


def tar_bytes(items):
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for info, data in items:
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return raw.getvalue()


def regular(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, data


WEIRD_STRINGS = ["", "..", "../../etc/passwd", "/abs", "a\u0600/..", "x" * 5000, "\x1b[2J\x1b]0;t\x07", "\u202egnp.exe", "a\x00b", "C:\\x",
                 "charts/../../x", "charts/APP-1.0.0.tgz", "images/blobs/sha256/" + "0" * 64, "\ud7ff", "sha256:" + "f" * 64, "1e400", "-1"]
WEIRD_NUMBERS = [-1, 0, 1.5, 1e30, 2 ** 53, 2 ** 63 - 1, 2 ** 64, -(2 ** 63), 10 ** 15, "7", None, True, [], {}]


def mutate_value(rng, value, depth=0):
    choice = rng.random()
    if isinstance(value, dict) and value and choice < 0.6:
        key = rng.choice(sorted(value))
        copy = dict(value)
        action = rng.random()
        if action < 0.15:
            del copy[key]
        elif action < 0.25:
            copy["unknown" + str(rng.randint(0, 9))] = rng.choice(WEIRD_STRINGS)
        else:
            copy[key] = mutate_value(rng, value[key], depth + 1)
        return copy
    if isinstance(value, list) and value and choice < 0.6:
        copy = list(value)
        index = rng.randrange(len(copy))
        action = rng.random()
        if action < 0.2:
            copy.append(copy[index])
        elif action < 0.3:
            del copy[index]
        else:
            copy[index] = mutate_value(rng, copy[index], depth + 1)
        return copy
    if isinstance(value, str) and choice < 0.7:
        return rng.choice(WEIRD_STRINGS) if rng.random() < 0.7 else value + rng.choice(WEIRD_STRINGS)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and choice < 0.8:
        return rng.choice(WEIRD_NUMBERS)
    return rng.choice(WEIRD_STRINGS + WEIRD_NUMBERS)


def manifest_case(rng, work):
    files, manifest = seed_entries()
    mutated = manifest
    for _ in range(rng.randint(1, 3)):
        mutated = mutate_value(rng, mutated)
    try:
        text = json.dumps(mutated, indent=2, sort_keys=True, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        text = json.dumps(manifest).encode()
    if rng.random() < 0.15:
        text = text.replace(b'"name"', b'"name": "dup", "name"', 1)
    if rng.random() < 0.1 and isinstance(mutated, dict):
        # A data dir that would put charts in /charts, or rewrite the config for another layout.
        mutated = dict(mutated, dataDir=rng.choice(["/", "", "/var/lib/../..", "var/lib/k0s", "/var/lib/k0s/", "//"]))
        text = json.dumps(mutated, indent=2, sort_keys=True).encode("utf-8", "surrogatepass")
    entries = [regular("bundle.json", text), regular("bundle.json.sig", sign(text, work))]
    for path, data in sorted(files.items()):
        entries.append(regular(path, data))
    # Entries named after mutated manifest paths, so placement is exercised too.
    if isinstance(mutated, dict) and isinstance(mutated.get("files"), list):
        for f in mutated["files"]:
            if isinstance(f, dict) and isinstance(f.get("path"), str) and f["path"] not in files and "\x00" not in f["path"]:
                try:
                    entries.append(regular(f["path"], b"x" * min(abs(f.get("size") or 0) if isinstance(f.get("size"), int) else 1, 64)))
                except (ValueError, UnicodeError):
                    pass
    return tar_bytes(entries)


def entries_case(rng, work):
    files, manifest = seed_entries()
    text = json.dumps(manifest, indent=2, sort_keys=True).encode()
    entries = [regular("bundle.json", text), regular("bundle.json.sig", sign(text, work))] + [regular(p, d) for p, d in sorted(files.items())]
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(2, len(entries))
        info, data = entries[index]
        action = rng.random()
        if action < 0.3:
            new = tarfile.TarInfo(rng.choice(WEIRD_STRINGS[1:]).replace("\x00", "") or "x")
            new.size, new.mode = info.size, info.mode
            entries[index] = (new, data)
        elif action < 0.45:
            entries.append(entries[index])
        elif action < 0.6:
            link = tarfile.TarInfo(info.name)
            link.type = rng.choice([tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.DIRTYPE, tarfile.FIFOTYPE])
            link.linkname = "/etc/passwd"
            entries[index] = (link, None)
        elif action < 0.8:
            entries[index] = regular(info.name, (data or b"") + b"extra")
        else:
            del entries[index]
    return tar_bytes(entries)


def bytes_case(rng, work):
    files, manifest = seed_entries()
    text = json.dumps(manifest, indent=2, sort_keys=True).encode()
    data = bytearray(tar_bytes([regular("bundle.json", text), regular("bundle.json.sig", sign(text, work))] + [regular(p, d) for p, d in sorted(files.items())]))
    if rng.random() < 0.5:
        raw = bytearray(gzip.decompress(bytes(data)))
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return gzip.compress(bytes(raw), mtime=0)
    for _ in range(rng.randint(1, 4)):
        action = rng.random()
        if action < 0.5:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif action < 0.8:
            del data[rng.randrange(len(data)):]
        else:
            data += os.urandom(rng.randint(1, 64))
    return bytes(data)


YAML_BITS = ["\t", "\r\n", "- ", ": ", "&a ", "*a", "!!binary ", "{", "}", "[", "]", "---\n", "...\n", "'", '"', "\ufeff", "\x1b[31m", "\u0600",
             "key: value\n", "  chartname: oci://x:99999/\u00e9\n", "version: " + "9" * 300 + "\n", "\x00", "<<: *a\n", "? complex\n", "%YAML 1.1\n",
             "\r", "\u0085", "\u2028", "\u2029",
             "        - name: local\n          chartname: /var/lib/k0s/charts/local-1.0.0.tgz\n          version: 1.0.0\n          namespace: default\n"]


def config_case(rng, work):
    text = CONFIG
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(text) + 1)
        action = rng.random()
        if action < 0.6:
            text = text[:position] + rng.choice(YAML_BITS) + text[position:]
        elif action < 0.8:
            end = min(len(text), position + rng.randint(1, 20))
            text = text[:position] + text[end:]
        else:
            text = text[:position] + text[position:].replace("\n", rng.choice(["\r\n", "\r", "\u0085"]), rng.randint(1, 5))
    if rng.random() < 0.05:
        text = "a: 1\n---\n" * rng.randint(100, 5000) + text
    return text.encode("utf-8", "surrogatepass") if rng.random() < 0.9 else text.encode("latin-1", "replace")


def run(command, work, env=None):
    start = time.time()
    try:
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT, cwd=work, env=env)
    except subprocess.TimeoutExpired:
        return None, b"", b"", time.time() - start
    return result.returncode, result.stdout, result.stderr, time.time() - start


def leftovers(root):
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), root)
            if rel != "var/lib/k0s/bundle/install.lock":
                found.append(rel)
    return found


def check(kind, data, binary, work):
    """Runs one input through the commands; returns the problems seen."""
    problems = []
    suffix = ".yaml" if kind == "config" else ".tar.gz"
    path = os.path.join(work, "input" + suffix)
    with open(path, "wb") as f:
        f.write(data)
    if kind == "config":
        cache = os.path.join(work, "cache")
        shutil.rmtree(cache, ignore_errors=True)
        commands = [[binary, "build", path, "--unsigned", "--offline", "--cache-dir", cache, "-o", os.path.join(work, "out.tar.gz"), "--json"],
                    [binary, "build", path, "--unsigned", "--offline", "--cache-dir", cache, "-o", os.path.join(work, "out.tar.gz")]]
    else:
        root = os.path.join(work, "root")
        shutil.rmtree(root, ignore_errors=True)
        commands = [[binary, "verify", path, "--trust", PUB, "--json"], [binary, "inspect", path], [binary, "inspect", path, "--json"],
                    [binary, "install", path, "--trust", PUB, "--root", root, "--json"]]
    for command in commands:
        status, out, err, seconds = run(command, work)
        name = command[1] + (" --json" if "--json" in command else "")
        if status is None:
            problems.append("%s: hang (over %d s)" % (name, TIMEOUT))
            continue
        if status not in (0, 1, 64):
            problems.append("%s: exit status %d (crash?): %s" % (name, status, err.decode("utf-8", "replace")[-500:]))
            continue
        if b"\x1b" in out or b"\x1b" in err:
            problems.append("%s: a raw escape sequence reached the terminal" % name)
        if status == 1 and "--json" in command:
            try:
                error = json.loads(out).get("error") or {}
            except ValueError:
                problems.append("%s: failed without a JSON error object: %r" % (name, out[:200]))
                continue
            if not error.get("subject"):
                problems.append("%s: an error without a subject: %s" % (name, error.get("message", "")[:300]))
        if command[1] == "install" and status != 0:
            left = leftovers(os.path.join(work, "root"))
            if left:
                problems.append("install refused (%s) but left %s" % (status, left[:5]))
    return problems


CASES = {"manifest": manifest_case, "entries": entries_case, "bytes": bytes_case, "config": config_case}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", default=os.path.join(ROOT, "fuzz-findings"))
    parser.add_argument("--save-corpus", help="also keep the first few inputs of each kind here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="bundle-fuzz-")
    deadline = time.time() + args.seconds
    counts = {k: 0 for k in CASES}
    findings = 0
    try:
        while time.time() < deadline:
            kind = rng.choice(sorted(CASES))
            data = CASES[kind](rng, work)
            counts[kind] += 1
            if args.save_corpus and counts[kind] <= 6:
                os.makedirs(args.save_corpus, exist_ok=True)
                with open(os.path.join(args.save_corpus, "%s-%s%s" % (kind, sha(data)[:10], ".yaml" if kind == "config" else ".tar.gz")), "wb") as f:
                    f.write(data)
            problems = check(kind, data, os.path.abspath(args.binary), work)
            if problems:
                findings += 1
                os.makedirs(args.out, exist_ok=True)
                name = "%s-%s" % (kind, sha(data)[:10])
                with open(os.path.join(args.out, name + (".yaml" if kind == "config" else ".tar.gz")), "wb") as f:
                    f.write(data)
                with open(os.path.join(args.out, name + ".txt"), "w") as f:
                    f.write("\n".join(problems) + "\n")
                print("fuzz: finding %s: %s" % (name, problems[0][:300]), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(counts.values())
    print("fuzz: %d inputs in %.0f s (%s), seed %d: %d finding(s)%s" % (
        total, args.seconds, ", ".join("%s %d" % kv for kv in sorted(counts.items())), args.seed, findings,
        " in %s" % args.out if findings else ""))
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
