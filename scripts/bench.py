#!/usr/bin/env python3
"""The benchmarks of scripts/bench: each figure is a median of several runs and a ratio against
a baseline measured in the same run. Writes BENCHMARKS.md.

    bench.py ENV_JSON BUNDLE_EXECUTABLE WORK_DIR [--runs N] [--big-mb N] [--images N] [--image-big-mb N]
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "testenv"))
import oci_push  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("env")
parser.add_argument("bundle")
parser.add_argument("work")
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--big-mb", type=int, default=500)
parser.add_argument("--charts", type=int, default=40)
parser.add_argument("--scale", default="10,100,400")
parser.add_argument("--images", type=int, default=20)
parser.add_argument("--image-big-mb", type=int, default=500)
args = parser.parse_args()

env = json.load(open(args.env))
registry_address = env["registries"]["anonymous"]
ca = env["caFile"]
work = args.work
os.makedirs(work, exist_ok=True)
registry = oci_push.Registry(registry_address, ca)
rng = random.Random(20261126)


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


def push(repository, name, size, version="1.0.0", salt=b""):
    files = oci_push.chart_files(name, version, extra={"files/salt.txt": salt.decode() or name})
    return registry.push_chart(repository, name, version, files=files, big_file_bytes=size)


def push_all(jobs):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda job: push(*job), jobs))


log("pushing %d charts of 100 KB to 5 MB and one of %d MB" % (args.charts, args.big_mb))
sizes = [int(100_000 * (50 ** rng.random())) for _ in range(args.charts)]
main_charts = push_all([("bench/c%02d" % i, "c%02d" % i, size) for i, size in enumerate(sizes)])
big = push("bench/big", "big", args.big_mb << 20)
scale_counts = [int(n) for n in args.scale.split(",")]
log("pushing %d small charts for the scaling runs" % max(scale_counts))
push_all([("scale/s%03d" % i, "s%03d" % i, 20_000) for i in range(max(scale_counts))])


def random_blob(size, seed):
    """Random bytes in a temporary file (seekable, so it can be hashed and then sent)."""
    import tempfile
    f = tempfile.TemporaryFile(dir=work)
    r = random.Random(seed)
    left = size
    while left:
        n = min(left, 1 << 20)
        f.write(r.randbytes(n))
        left -= n
    f.seek(0)
    return f


def push_image(name, layer_sizes, bases):
    """An image of shared base layers plus its own layers (random bytes; the registry and the
    build only move and verify them); returns the blob digests of its layers and config."""
    repository = "bench-images/%s" % name
    layers = []
    for base in bases:
        base.seek(0)
        layers.append(dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **registry.push_blob(repository, base)))
    for i, size in enumerate(layer_sizes):
        blob = random_blob(size, "%s-%d" % (name, i))
        layers.append(dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **registry.push_blob(repository, blob)))
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in layers]}}).encode()
    config_d = registry.push_blob(repository, config)
    manifest = {"schemaVersion": 2, "mediaType": oci_push.OCI_MANIFEST,
                "config": dict(mediaType=oci_push.OCI_IMAGE_CONFIG, **config_d), "layers": layers}
    registry.push_manifest(repository, "1.0", manifest)
    return repository, [l["digest"] for l in layers] + [config_d["digest"]]


def config(path, charts):
    lines = ["repositories:", "  - name: bench", "    url: oci://%s" % registry_address, "    caFile: %s" % ca,
             "extensions:", "  helm:", "    charts:"]
    for release, repository in charts:
        lines += ["      - name: %s" % release, "        chartname: oci://%s/%s" % (registry_address, repository),
                  "        version: \"1.0.0\"", "        namespace: bench"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


main_config = os.path.join(work, "main.yaml")
config(main_config, [("c%02d" % i, "bench/c%02d" % i) for i in range(args.charts)] + [("big", "bench/big")])
subprocess.run([args.bundle, "keygen", "--out", os.path.join(work, "signing"), "--force"], check=True, capture_output=True)
key = os.path.join(work, "signing.key")
blobs = [c["chart"] for c in main_charts] + [big["chart"]]
repos = ["bench/c%02d" % i for i in range(args.charts)] + ["bench/big"]


log("pushing %d images (2 shared base layers, 1-2 own layers of 0.5-4 MB each, one of %d MB)" % (args.images, args.image_big_mb))
base_blobs = [random_blob(size, "base-%d" % i) for i, size in enumerate([6 << 20, 2 << 20])]
image_blobs = {}
image_refs = []
for i in range(args.images):
    own = [int(500_000 * (8 ** rng.random())) for _ in range(1 + i % 2)]
    if i == 0:
        own.append(args.image_big_mb << 20)
    repository, digests = push_image("i%02d" % i, own, base_blobs)
    image_refs.append("%s/%s:1.0" % (registry_address, repository))
    for d in digests:
        image_blobs.setdefault(d, repository)
image_list = os.path.join(work, "images.txt")
with open(image_list, "w") as f:
    f.write("\n".join(image_refs) + "\n")
image_config = os.path.join(work, "images.yaml")
config(image_config, [("c00", "bench/c00")])


def timed(command, env_extra=None):
    """Runs command under GNU time: (seconds, peak RSS in KiB). Every command starts from the
    same state: no write pending from the one before (sync), and 3 s later, once a virtual
    machine has handed the memory freed before back to its host (Linux reports free pages
    after 2 s), so that no command reuses memory another just freed while its baseline
    touches memory anew, which costs about 4x more here; and with the registry's blobs in
    memory."""
    out = os.path.join(work, "time.txt")
    environment = dict(os.environ, **(env_extra or {}))
    os.sync()
    time.sleep(3)
    # The registry serves every command from memory: this machine pages out files unused for
    # a while (DAMON), and the first command after that would read the registry's disk.
    warm_tree(env["storage"])
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out] + command, capture_output=True, env=environment)
    if result.returncode != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(command), result.stderr.decode()[-3000:]))
    seconds, rss = open(out).read().split()[-2:]
    return float(seconds), int(rss)


def drop(path):
    shutil.rmtree(path, ignore_errors=True)


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


def warm_tree(folder):
    for parent, _, names in os.walk(folder):
        for name in names:
            warm(os.path.join(parent, name))


def drop_file(path):
    if os.path.exists(path):
        os.unlink(path)


def curl_baseline():
    """curl fetching the same blobs with the same CA and parallelism (4), written to disk."""
    target = os.path.join(work, "curl")
    drop(target)
    os.makedirs(target)
    urls = "\n".join("https://%s/v2/%s/blobs/%s" % (registry_address, repo, digest) for repo, digest in zip(repos, blobs))
    with open(os.path.join(work, "urls.txt"), "w") as f:
        f.write(urls + "\n")
    script = "cd %s && xargs -P 4 -n 1 curl -sS --fail --cacert %s -O < %s" % (target, ca, os.path.join(work, "urls.txt"))
    return timed(["sh", "-c", script])


def curl_images():
    """curl -P4 fetching the images' blobs (every layer and config once)."""
    target = os.path.join(work, "curl-images")
    drop(target)
    os.makedirs(target)
    with open(os.path.join(work, "image-urls.txt"), "w") as f:
        f.write("\n".join("https://%s/v2/%s/blobs/%s" % (registry_address, repo, d) for d, repo in image_blobs.items()) + "\n")
    script = "cd %s && xargs -P 4 -n 1 curl -sS --fail --cacert %s -O < %s" % (target, ca, os.path.join(work, "image-urls.txt"))
    result = timed(["sh", "-c", script])
    size = sum(os.path.getsize(os.path.join(target, n)) for n in os.listdir(target))
    return result[0], size


def build(cache, output, extra=()):
    return timed([args.bundle, "build", main_config, "--sign-key", key, "-o", output, "--cache-dir", cache, "--concurrency", "4"] + list(extra),
                 {"SOURCE_DATE_EPOCH": "1700000000"})


results = {}
samples = {k: [] for k in ["curl", "verify", "cold", "warm", "changed", "install", "tarhash", "images", "curlimages"]}
rss = {"build": 0, "install": 0, "images": 0}
image_bytes = 0
bundle_path = os.path.join(work, "bench.tar.gz")
for run in range(args.runs):
    log("run %d of %d" % (run + 1, args.runs))
    samples["curl"].append(curl_baseline()[0])
    # What any verifying tool must add: the sha256 of every byte fetched.
    samples["verify"].append(samples["curl"][-1] + timed(["sh", "-c", "openssl dgst -sha256 %s/* > /dev/null" % os.path.join(work, "curl")])[0])
    cache = os.path.join(work, "cache")
    drop(cache)
    # Cold: no cache and no earlier bundle, as curl starts with an empty folder (replacing a
    # 500 MB file costs its removal, 0.2 s on a disk mounted with discard).
    drop_file(bundle_path)
    seconds, peak = build(cache, bundle_path)
    samples["cold"].append(seconds)
    rss["build"] = max(rss["build"], peak)
    seconds, peak = build(cache, bundle_path)
    samples["warm"].append(seconds)
    # One chart changes: c07 is pushed again under its tag with new content.
    push("bench/c07", "c07", sizes[7], salt=("changed %d" % run).encode())
    seconds, peak = build(cache, bundle_path)
    samples["changed"].append(seconds)
    # Install vs. tar + hash of every file.
    root = os.path.join(work, "root")
    drop(root)
    pub = os.path.join(work, "signing.pub")
    # Both read the bundle from memory (a node that has just received it), not from disk.
    warm(bundle_path)
    seconds, peak = timed([args.bundle, "install", bundle_path, "--trust", pub, "--root", root])
    samples["install"].append(seconds)
    rss["install"] = max(rss["install"], peak)
    unpack = os.path.join(work, "unpack")
    drop(unpack)
    os.makedirs(unpack)
    warm(bundle_path)
    samples["tarhash"].append(timed(["sh", "-c", "tar -xzf %s -C %s && find %s -type f -exec openssl dgst -sha256 {} + > /dev/null" % (bundle_path, unpack, unpack)])[0])
    # Images: a cold build of one small chart and the image list, against curl -P4 fetching the same blobs.
    seconds, image_bytes = curl_images()
    samples["curlimages"].append(seconds)
    drop(os.path.join(work, "image-cache"))
    drop_file(os.path.join(work, "images.tar.gz"))
    seconds, peak = timed([args.bundle, "build", image_config, "--sign-key", key, "-o", os.path.join(work, "images.tar.gz"),
                           "--cache-dir", os.path.join(work, "image-cache"), "--concurrency", "4", "--images-file", image_list,
                           "--platform", "linux/amd64"], {"SOURCE_DATE_EPOCH": "1700000000"})
    samples["images"].append(seconds)
    rss["images"] = max(rss["images"], peak)
    log("run %d: charts %.2f s (curl %.2f s), images %.2f s (curl %.2f s), install %.2f s (tar %.2f s)" % (
        run + 1, samples["cold"][-1], samples["curl"][-1], seconds, samples["curlimages"][-1], samples["install"][-1], samples["tarhash"][-1]))
    drop(os.path.join(work, "image-cache"))
    drop(os.path.join(work, "curl-images"))

scaling = []
for count in scale_counts:
    path = os.path.join(work, "scale-%d.yaml" % count)
    config(path, [("s%03d" % i, "scale/s%03d" % i) for i in range(count)])
    times = []
    for run in range(args.runs):
        cache = os.path.join(work, "scale-cache")
        drop(cache)
        times.append(timed([args.bundle, "build", path, "--sign-key", key, "-o", os.path.join(work, "scale.tar.gz"), "--cache-dir", cache],
                           {"SOURCE_DATE_EPOCH": "1700000000"})[0])
    scaling.append((count, statistics.median(times)))

m = {k: statistics.median(v) for k, v in samples.items()}
total_mb = (sum(sizes) + (args.big_mb << 20)) / 1e6
rows = [
    ("cold build, %d charts + %d MB (%.0f MB)" % (args.charts, args.big_mb, total_mb), "%.2f s" % m["cold"], "curl -P4, same blobs: %.2f s" % m["curl"], m["cold"] / m["curl"], "<= 1.2"),
    ("cold build vs. fetch-then-verify", "%.2f s" % m["cold"], "curl -P4 + openssl dgst -sha256: %.2f s" % m["verify"], m["cold"] / m["verify"], ""),
    ("warm rebuild, nothing changed", "%.2f s" % m["warm"], "cold build: %.2f s" % m["cold"], m["warm"] / m["cold"], "<= 0.1"),
    ("rebuild, one chart changed", "%.2f s" % m["changed"], "cold build: %.2f s" % m["cold"], m["changed"] / m["cold"], ""),
    ("install into a fresh root", "%.2f s" % m["install"], "tar -xzf + openssl dgst: %.2f s" % m["tarhash"], m["install"] / m["tarhash"], "<= 1.5"),
    ("cold build, %d images, %d blobs, one %d MB layer (%.0f MB)" % (args.images, len(image_blobs), args.image_big_mb, image_bytes / 1e6),
     "%.2f s" % m["images"], "curl -P4, same blobs: %.2f s" % m["curlimages"], m["images"] / m["curlimages"], "<= 1.2"),
    ("peak RSS, build", "%.1f MB" % (rss["build"] / 1024), "", None, "<= 64 MB"),
    ("peak RSS, image build", "%.1f MB" % (rss["images"] / 1024), "", None, "<= 64 MB"),
    ("peak RSS, install", "%.1f MB" % (rss["install"] / 1024), "", None, "<= 64 MB"),
]
base_count, base_time = scaling[0]
for count, seconds in scaling:
    rows.append(("cold build, %d small charts" % count, "%.2f s" % seconds, "%.1f ms per chart" % (1000 * seconds / count), None, "linear"))

table = ["| measure | bundle | baseline | ratio | target |", "|---|---|---|---|---|"]
for name, value, baseline, ratio, target in rows:
    table.append("| %s | %s | %s | %s | %s |" % (name, value, baseline, "" if ratio is None else "%.2fx" % ratio, target))
table = "\n".join(table)
print(table)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
json.dump({"medians": m, "rss_kib": rss, "scaling": scaling}, open(os.path.join(work, "results.json"), "w"), indent=2)
with open("BENCHMARKS.md.table", "w") as f:
    f.write("Measured by `scripts/bench` (%d runs, medians) on %s, %d cores, %s, %s.\n\n%s\n" % (
        args.runs, cpu, os.cpu_count(), platform.platform(), datetime.date.today().isoformat(), table))
