#!/usr/bin/env python3
"""Starts the test registries and servers, pushes the test charts, writes env.json, and
runs until it receives SIGTERM or SIGINT, when it stops every process it started.

    testenv.py serve DIR [--profile full|demo] [--big-chart-mb N]

Profiles: "full" (the integration tests) starts real `docker-registry` processes (the CNCF
distribution registry) on free loopback ports, all serving one storage folder: TLS
anonymous, TLS + htpasswd basic auth, TLS + required client certificate, TLS + bearer
tokens (from TokenServer), an expired certificate, a wrong-hostname certificate, plain HTTP;
plus the fault proxy, its CDN and a CONNECT proxy. "demo" starts one TLS registry.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import ssl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart_repo  # noqa: E402
import images
import oci_push  # noqa: E402
import pki  # noqa: E402
import servers  # noqa: E402

USERS = {"alice": "wonderland-42", "tokencount": "count-me-in"}
TOKEN_ISSUER = "bundle-test-token-issuer"
TOKEN_SERVICE = "bundle-test-registry"


def require(tool, package):
    if shutil.which(tool) is None:
        sys.exit("testenv: `%s` is missing; install it with `apt-get install -y %s` (scripts/test does this)." % (tool, package))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def registry_config(path, port, storage, tls=None, client_ca=None, auth=None, access_log=False):
    lines = [
        "version: 0.1",
        "log:",
        "  level: %s" % ("info" if access_log else "error"),
        "  accesslog:",
        "    disabled: %s" % ("false" if access_log else "true"),
        "storage:",
        "  filesystem:",
        "    rootdirectory: %s" % storage,
        "  maintenance:",
        "    uploadpurging:",
        "      enabled: false",
        "http:",
        "  addr: 127.0.0.1:%d" % port,
        "  secret: bundle-test-secret",
    ]
    if tls:
        lines += ["  tls:", "    certificate: %s" % tls[0], "    key: %s" % tls[1]]
        if client_ca:
            lines += ["    clientcas:", "      - %s" % client_ca]
    if auth:
        lines += ["auth:"] + ["  " + line for line in auth]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def wait_for_port(port, process, name, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            sys.exit("testenv: registry %s exited with status %s; see its log in the test folder" % (name, process.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("testenv: %s did not start listening on 127.0.0.1:%d within %ds" % (name, port, timeout))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("dir")
    parser.add_argument("--profile", choices=["full", "demo", "bench"], default="full")
    parser.add_argument("--big-chart-mb", type=int, default=0)
    parser.add_argument("--demo-chart", default=None, help="folder of the demo chart (profile demo)")
    args = parser.parse_args()

    require("docker-registry", "docker-registry")
    require("openssl", "openssl")
    if args.profile == "full":
        require("htpasswd", "apache2-utils")
        require("nginx", "nginx-light")

    root = os.path.abspath(args.dir)
    os.makedirs(root, exist_ok=True)
    env_path = os.path.join(root, "env.json")
    if os.path.exists(env_path):
        os.unlink(env_path)
    files = pki.make(os.path.join(root, "pki"))
    storage = os.path.join(root, "storage")
    processes = []

    def start_registry(name, tls=None, client_ca=None, auth=None, own_storage=False):
        port = free_port()
        config = os.path.join(root, "registry-%s.yml" % name)
        registry_config(config, port, os.path.join(root, "storage-" + name) if own_storage else storage, tls, client_ca, auth,
                        access_log=own_storage)
        log = open(os.path.join(root, "registry-%s.log" % name), "w")
        process = subprocess.Popen(["docker-registry", "serve", config], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        processes.append(process)
        return port, process

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    server_tls = (files["serverChain"], files["serverKey"])
    env = dict(files, dir=root, storage=storage, registries={}, charts={},
               username="alice", password=USERS["alice"],
               tokenCountUser="tokencount", tokenCountPassword=USERS["tokencount"])
    started = []
    port, process = start_registry("anonymous", server_tls)
    env["registries"]["anonymous"] = "127.0.0.1:%d" % port
    started.append(("anonymous", port, process))

    if args.profile == "full":
        htpasswd = os.path.join(root, "htpasswd")
        with open(htpasswd, "w") as f:
            for user, password in USERS.items():
                f.write(subprocess.run(["htpasswd", "-Bbn", user, password], capture_output=True, text=True,
                                       check=True).stdout.strip() + "\n")
        token_port = free_port()
        registries = [
            ("basic", dict(tls=server_tls, auth=["htpasswd:", "  realm: bundle-test", "  path: %s" % htpasswd])),
            ("mtls", dict(tls=server_tls, client_ca=files["clientCA"])),
            ("token", dict(tls=server_tls, auth=[
                "token:", "  realm: https://127.0.0.1:%d/token" % token_port, "  service: %s" % TOKEN_SERVICE,
                "  issuer: %s" % TOKEN_ISSUER, "  rootcertbundle: %s" % files["tokenCert"]])),
            ("expired", dict(tls=(files["expiredChain"], files["expiredKey"]))),
            ("wronghost", dict(tls=(files["wronghostChain"], files["wronghostKey"]))),
            ("plain", dict()),
        ]
        # Mirrors inside the air gap: their own storage, their own CA, access logs to count uploads.
        mirror_tls = (files["mirrorCert"], files["mirrorKey"])
        registries += [
            ("mirror", dict(tls=mirror_tls, own_storage=True)),
            ("mirrorbasic", dict(tls=mirror_tls, own_storage=True, auth=["htpasswd:", "  realm: mirror", "  path: %s" % htpasswd])),
        ]
        for name, options in registries:
            port, process = start_registry(name, **options)
            env["registries"][name] = "127.0.0.1:%d" % port
            env.setdefault("registryLogs", {})[name] = os.path.join(root, "registry-%s.log" % name)
            started.append((name, port, process))
        servers.TokenServer(token_port, files["serverChain"], files["serverKey"], files["tokenKey"], files["tokenCert"],
                            TOKEN_ISSUER, TOKEN_SERVICE, USERS, os.path.join(root, "tokens-issued"))
        env["tokenServer"] = "127.0.0.1:%d" % token_port
        env["tokensIssuedDir"] = os.path.join(root, "tokens-issued")
        fault_port, cdn_port = free_port(), free_port()
        servers.FaultProxy(fault_port, cdn_port, files["serverChain"], files["serverKey"], files["clientCA"],
                           env["registries"]["anonymous"], files["caFile"], USERS)
        env["registries"]["faults"] = "127.0.0.1:%d" % fault_port
        env["cdn"] = "localhost:%d" % cdn_port
        # Classic chart repositories, served by nginx.
        http_dir = os.path.join(root, "http")
        http_ports = {"anonymous": free_port(), "basic": free_port(), "mtls": free_port()}
        env["chartRepositories"] = {k: "https://127.0.0.1:%d" % v for k, v in http_ports.items()}
        env["repoCharts"] = chart_repo.make_repo(os.path.join(http_dir, "repo"), "https://localhost:%d/cdn/" % http_ports["anonymous"])
        env["largeIndexNeedle"] = chart_repo.make_large_index(os.path.join(http_dir, "large"), 20000)
        env["nginxAccessLog"] = os.path.join(http_dir, "logs", "access.log")
        nginx = chart_repo.start_nginx(http_dir, http_ports, files, USERS)
        processes.append(nginx)
        for name, port in http_ports.items():
            started.append(("nginx " + name, port, nginx))
        proxy_port = free_port()
        env["proxyLog"] = os.path.join(root, "proxy.log")
        open(env["proxyLog"], "w").close()
        servers.ConnectProxy(proxy_port, env["proxyLog"])
        env["proxy"] = "127.0.0.1:%d" % proxy_port

    for name, port, process in started:
        wait_for_port(port, process, name)

    registry = oci_push.Registry(env["registries"]["anonymous"], files["caFile"])
    charts = env["charts"]
    if args.profile == "bench":
        pass
    elif args.profile == "demo":
        chart_dir = os.path.abspath(args.demo_chart)
        chart_files = {}
        for folder, _, names in os.walk(chart_dir):
            for n in names:
                full = os.path.join(folder, n)
                with open(full, "rb") as f:
                    chart_files[os.path.relpath(full, chart_dir)] = f.read()
        meta = {}
        for line in chart_files["Chart.yaml"].decode().splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip().strip('"')
        charts[meta["name"]] = registry.push_chart("demo/" + meta["name"], meta["name"], meta["version"], files=chart_files)
        # The image the demo chart runs: amd64 and arm64 under one index.
        env["images"] = {"hello-web": images.push_multiarch(registry, "demo/hello-web", "1.0")}
    else:
        app = {}
        for version in ["0.9.0", "1.0.0", "1.2.0", "1.2.5", "1.3.0", "1.10.1", "2.0.0-beta.1", "1.4.0+meta"]:
            app[version] = registry.push_chart("charts/app", "app", version)
        charts["app"] = app
        charts["signed"] = registry.push_chart(
            "charts/signed", "signed", "0.1.0",
            provenance=b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: signed\nversion: 0.1.0\n")
        charts["legacy"] = registry.push_chart("charts/legacy", "legacy", "0.1.0", layer_type="application/tar+gzip")
        charts["mislabeled"] = registry.push_chart("charts/mislabeled", "mislabeled", "9.9.9", config_version="1.0.0")
        charts["tampered"] = registry.push_chart("charts/tampered", "tampered", "0.1.0")
        charts["private"] = registry.push_chart("private/app", "app", "1.0.0")
        # Large enough (10 MB) for a progress bar.
        charts["large"] = registry.push_chart("charts/large", "large", "1.0.0", big_file_bytes=10 * 1000 * 1000)
        redis = [{"name": "redis", "version": "17.x", "repository": "https://charts.bitnami.com/bitnami"},
                 {"name": "common", "version": "2.x", "repository": "https://charts.bitnami.com/bitnami"}]
        charts["needsDeps"] = registry.push_chart("charts/needs-deps", "needs-deps", "0.1.0", dependencies=redis)
        # Another chart called app, version 1.2.5, with other content: it must not overwrite charts/app's.
        charts["teamBApp"] = registry.push_chart("team-b/app", "app", "1.2.5",
                                                 files=oci_push.chart_files("app", "1.2.5", extra={"NOTES.txt": "team b"}))
        charts["needsMore"] = registry.push_chart("charts/needs-more", "needs-more", "0.2.0", dependencies=redis[1:])
        vendored_files = oci_push.chart_files("vendored", "0.1.0", redis[:1], extra={
            "charts/redis-17.3.1.tgz": oci_push.package("redis", oci_push.chart_files("redis", "17.3.1"))})
        charts["vendored"] = registry.push_chart("charts/vendored", "vendored", "0.1.0", files=vendored_files, dependencies=redis[:1])
        charts["image"] = registry.push_image("images/web", "1.0")
        amd = registry.push_image("images/multi", "amd64", {"architecture": "amd64"})
        arm = registry.push_image("images/multi", "arm64", {"architecture": "arm64"})
        charts["index"] = registry.push_index("images/multi", "1.0", [
            dict(mediaType=oci_push.OCI_MANIFEST, digest=amd["digest"], size=amd["size"], platform={"os": "linux", "architecture": "amd64"}),
            dict(mediaType=oci_push.OCI_MANIFEST, digest=arm["digest"], size=arm["size"], platform={"os": "linux", "architecture": "arm64"}),
        ])
        env["images"] = images.make(registry, env)
        # Alter the tampered chart's blob on disk, keeping its size: the registry serves it
        # unchanged under the old digest, which the client must catch.
        digest = charts["tampered"]["chart"].split(":", 1)[1]
        data_path = os.path.join(storage, "docker/registry/v2/blobs/sha256", digest[:2], digest, "data")
        with open(data_path, "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 0xFF]))
    if args.big_chart_mb:
        big = registry.push_chart("charts/big", "big", "1.0.0", big_file_bytes=args.big_chart_mb << 20)
        charts["big"] = big

    tmp = env_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(env, f, indent=2, sort_keys=True)
    os.rename(tmp, env_path)
    print("testenv: ready, %s" % env_path, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
