#!/usr/bin/env python3
"""Makes hostile variants of a real bundle, for the installer's refusal tests.

    hostile.py BUNDLE SIGNING_KEY OUT_DIR

Each variant is OUT_DIR/<name>.tar.gz. Variants whose bundle.json changes are signed
again with SIGNING_KEY (Ed25519, by openssl), so that the check under test is the one
that must catch them, not the signature.
"""
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile

bundle, key, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)

with tarfile.open(bundle, "r:gz") as tar:
    entries = [(member, tar.extractfile(member).read() if member.isfile() else None) for member in tar.getmembers()]
manifest_bytes = entries[0][1]
signature = entries[1][1]
rest = entries[2:]
charts = [(m, d) for m, d in rest if m.name.startswith("charts/") and m.name.endswith(".tgz")]


def sign(data):
    with open(os.path.join(out, "msg"), "wb") as f:
        f.write(data)
    return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", os.path.join(out, "msg")],
                          capture_output=True, check=True).stdout


def info(name, size=0, kind=tarfile.REGTYPE, link=""):
    member = tarfile.TarInfo(name)
    member.size = size
    member.type = kind
    member.linkname = link
    member.mode = 0o644
    return member


def write(name, items, raw=None):
    path = os.path.join(out, name + ".tar.gz")
    if raw is not None:
        with open(path, "wb") as f:
            f.write(raw)
        return
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for member, data in items:
            member = tarfile.TarInfo(member.name) if isinstance(member, str) else member
            tar.addfile(member, io.BytesIO(data) if data is not None else None)


def regular(name, data):
    return (info(name, len(data)), data)


head = [(entries[0][0], manifest_bytes), (entries[1][0], signature)]
first_chart = charts[0]

write("traversal", head + rest + [regular("../evil", b"escaped")])
write("absolute", head + rest + [regular("/tmp/bundle-evil", b"escaped")])
write("symlink", head + rest + [(info("charts/link.tgz", 0, tarfile.SYMTYPE, "/etc/passwd"), None)])
write("hardlink", head + rest + [(info("charts/hard.tgz", 0, tarfile.LNKTYPE, "k0s.yaml"), None)])
write("device", head + rest + [(info("charts/device", 0, tarfile.CHRTYPE), None)])
write("unlisted", head + rest + [regular("charts/extra-1.0.0.tgz", b"not listed")])
write("duplicate", head + rest + [first_chart])
write("chart-as-symlink", head + [(info(m.name, 0, tarfile.SYMTYPE, "/etc/shadow"), None) if m.name == first_chart[0].name else (m, d) for m, d in rest])
tampered = bytearray(first_chart[1])
tampered[len(tampered) // 2] ^= 0xFF
write("tampered-chart", head + [(m, bytes(tampered)) if m.name == first_chart[0].name else (m, d) for m, d in rest])
manifest = json.loads(manifest_bytes)
altered = json.dumps(dict(manifest, sequence=manifest["sequence"] + 1), indent=2, sort_keys=True).encode()
write("tampered-manifest", [regular("bundle.json", altered), head[1]] + rest)
write("unsigned", [head[0]] + rest)
schema2 = json.dumps(dict(manifest, schemaVersion=2), indent=2, sort_keys=True).encode()
write("unknown-schema", [regular("bundle.json", schema2), regular("bundle.json.sig", sign(schema2))] + rest)
huge = dict(manifest)
huge["files"] = [dict(f, size=10**13) if f["path"] == first_chart[0].name else f for f in manifest["files"]]
huge_bytes = json.dumps(huge, indent=2, sort_keys=True).encode()
write("too-big-for-disk", [regular("bundle.json", huge_bytes), regular("bundle.json.sig", sign(huge_bytes))] + rest)
escape = dict(manifest)
escape["files"] = manifest["files"] + [{"path": "../../etc/cron.d/evil", "size": 7, "sha256": "0" * 64}]
escape_bytes = json.dumps(escape, indent=2, sort_keys=True).encode()
write("manifest-escape", [regular("bundle.json", escape_bytes), regular("bundle.json.sig", sign(escape_bytes))] + rest + [regular("../../etc/cron.d/evil", b"escaped")])
missing = [(m, d) for m, d in rest if m.name != first_chart[0].name]
write("missing-entry", head + missing)
with open(bundle, "rb") as f:
    whole = f.read()
write("truncated", None, raw=whole[: len(whole) * 6 // 10])
write("garbage", None, raw=os.urandom(4096))
write("not-a-bundle", [regular("README", b"hello")])
huge = json.dumps(dict(manifest, files=[dict(f, size=(2**63 - 1) // 2) for f in manifest["files"]]), indent=2, sort_keys=True).encode()
write("huge-sizes", [regular("bundle.json", huge), regular("bundle.json.sig", sign(huge))] + rest)


def resigned(name, text, items=None):
    data = text.encode() if isinstance(text, str) else text
    write(name, [regular("bundle.json", data), regular("bundle.json.sig", sign(data))] + (rest if items is None else items))


def renamed(new_name):
    """The first chart moved to another path, in the manifest and in the archive."""
    old = first_chart[0].name
    changed = dict(manifest, files=[dict(f, path=new_name) if f["path"] == old else f for f in manifest["files"]],
                   charts=[dict(c, path=new_name) if c["path"] == old else c for c in manifest["charts"]])
    items = [regular(new_name, d) if m.name == old else (m, d) for m, d in rest]
    return json.dumps(changed, indent=2, sort_keys=True, ensure_ascii=False), items


# A combining character after "x" would swallow the "/" for a check that splits Characters.
text, items = renamed("charts/x\u0600/web-frontend-1.1.0.tgz")
resigned("unicode-path", text, items)
# Two entries that are one file on a case-insensitive file system.
upper = first_chart[0].name.replace("charts/", "charts/UP-")
lower = first_chart[0].name.replace("charts/", "charts/up-")
both = dict(manifest, files=manifest["files"] + [
    {"path": upper, "size": len(first_chart[1]), "sha256": [f for f in manifest["files"] if f["path"] == first_chart[0].name][0]["sha256"]},
    {"path": lower, "size": len(first_chart[1]), "sha256": [f for f in manifest["files"] if f["path"] == first_chart[0].name][0]["sha256"]}])
resigned("case-collision", json.dumps(both, indent=2, sort_keys=True), rest + [regular(upper, first_chart[1]), regular(lower, first_chart[1])])
# What jq and Python read differently from a first-key-wins decoder.
raw = manifest_bytes.decode()
import re
dup, n = re.subn(r'"name"\s*:\s*', '"name": "other", "name": ', raw, count=1)
assert n == 1, "no name key in the manifest"
resigned("duplicate-key", dup)
flt, n = re.subn(r'"sequence"\s*:\s*\d+', '"sequence": 1.5', raw, count=1)
assert n == 1, "no sequence key in the manifest"
resigned("sequence-float", flt)
resigned("comment", "// a comment\n" + raw)
resigned("unknown-key", json.dumps(dict(manifest, surprise=True), indent=2, sort_keys=True))
# A data dir that is the root, or empty: charts would land in /charts, or the config be rewritten.
resigned("datadir-root", json.dumps(dict(manifest, dataDir="/"), indent=2, sort_keys=True))
resigned("datadir-empty", json.dumps(dict(manifest, dataDir=""), indent=2, sort_keys=True))
resigned("datadir-dotdot", json.dumps(dict(manifest, dataDir="/var/lib/../../etc"), indent=2, sort_keys=True))
# Text that would act on a terminal: inspect must show it escaped (installable otherwise).
escaped = dict(manifest, charts=[dict(c, reference=c["reference"] + "\u001b[2J\u001b]0;owned\u0007") for c in manifest["charts"]])
resigned("escape-text", json.dumps(escaped, indent=2, sort_keys=True))
os.unlink(os.path.join(out, "msg"))
print("\n".join(sorted(n[:-7] for n in os.listdir(out) if n.endswith(".tar.gz"))))
