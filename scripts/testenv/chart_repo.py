"""A classic Helm chart repository (index.yaml and chart archives) served by nginx with the
test CA: anonymous TLS (with a /cdn/ location that refuses any request carrying an
Authorization header), TLS + basic auth, TLS + required client certificate."""
import hashlib
import os
import subprocess

import oci_push


def index_entry(name, version, data, url):
    return ("  - apiVersion: v2\n    appVersion: \"1.0\"\n    created: \"2026-01-01T00:00:00Z\"\n"
            "    digest: %s\n    name: %s\n    type: application\n    urls:\n    - %s\n    version: %s\n"
            % (hashlib.sha256(data).hexdigest(), name, url, version))


def make_repo(root, cdn_base):
    """Writes charts and an index.yaml like `helm repo index`; returns digests by name."""
    os.makedirs(root, exist_ok=True)
    charts = {}
    entries = {}

    def add(name, version, url=None, digest_of=None):
        data = oci_push.package(name, oci_push.chart_files(name, version))
        filename = "%s-%s.tgz" % (name, version)
        with open(os.path.join(root, filename), "wb") as f:
            f.write(data)
        entries.setdefault(name, []).append(index_entry(name, version, digest_of or data, url or filename))
        charts.setdefault(name, {})[version] = "sha256:" + hashlib.sha256(data).hexdigest()

    for version in ["1.0.0", "1.1.0", "2.0.0-rc.1"]:
        add("web", version)
    add("openebs", "4.4.0")
    add("tampered", "0.1.0", digest_of=b"something else")
    add("elsewhere", "0.2.0", url=cdn_base + "elsewhere-0.2.0.tgz")
    # Listed in the index, but its archive is gone (a stale index).
    add("gone", "0.1.0")
    os.unlink(os.path.join(root, "gone-0.1.0.tgz"))
    # An index entry whose name would leave the destination folder if used as a file name.
    web = oci_push.package("web", oci_push.chart_files("web", "1.0.0"))
    entries["evil"] = [index_entry("../../evil", "1.0.0", web, "web-1.0.0.tgz")]
    with open(os.path.join(root, "index.yaml"), "w") as f:
        f.write("apiVersion: v1\nentries:\n")
        for name in sorted(entries):
            f.write("  %s:\n" % name)
            for entry in reversed(entries[name]):
                f.write(entry)
        f.write("generated: \"2026-01-01T00:00:00Z\"\n")
    return charts


def make_large_index(root, count):
    """An index of `count` charts with five versions each (tens of MB), plus one real chart."""
    os.makedirs(root, exist_ok=True)
    data = oci_push.package("needle", oci_push.chart_files("needle", "3.2.1"))
    with open(os.path.join(root, "needle-3.2.1.tgz"), "wb") as f:
        f.write(data)
    with open(os.path.join(root, "index.yaml"), "w") as f:
        f.write("apiVersion: v1\nentries:\n")
        filler = b"x" * 32
        for i in range(count):
            f.write("  filler-%05d:\n" % i)
            for v in range(5):
                f.write(index_entry("filler-%05d" % i, "1.%d.0" % v, filler, "filler-%05d-1.%d.0.tgz" % (i, v)))
            if i == count // 2:
                f.write("  needle:\n" + index_entry("needle", "3.2.1", data, "needle-3.2.1.tgz"))
        f.write("generated: \"2026-01-01T00:00:00Z\"\n")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def start_nginx(dir, ports, files, users):
    """Starts nginx in the foreground (as a child process); returns the Popen."""
    htpasswd = os.path.join(dir, "htpasswd-apr1")
    with open(htpasswd, "w") as f:
        for user, password in users.items():
            f.write(subprocess.run(["htpasswd", "-nbm", user, password], capture_output=True, text=True, check=True).stdout.strip() + "\n")
    for sub in ["tmp", "logs"]:
        os.makedirs(os.path.join(dir, sub), exist_ok=True)
    tls = "ssl_certificate %s; ssl_certificate_key %s;" % (files["serverChain"], files["serverKey"])
    root = os.path.join(dir, "repo")
    large = os.path.join(dir, "large")
    config = """
user root;
worker_processes 1;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/logs/error.log warn;
events { worker_connections 64; }
http {
    log_format probe '$server_port "$request" $status auth=$http_authorization_set';
    map $http_authorization $http_authorization_set { "" no; default yes; }
    access_log %(dir)s/logs/access.log probe;
    client_body_temp_path %(dir)s/tmp/body;
    proxy_temp_path %(dir)s/tmp/proxy;
    fastcgi_temp_path %(dir)s/tmp/fastcgi;
    uwsgi_temp_path %(dir)s/tmp/uwsgi;
    scgi_temp_path %(dir)s/tmp/scgi;
    types { application/x-yaml yaml; application/gzip tgz; }
    server {
        listen 127.0.0.1:%(anonymous)d ssl; %(tls)s
        root %(root)s;
        location /cdn/ { if ($http_authorization) { return 400; } alias %(root)s/; }
        location /large/ { alias %(large)s/; }
    }
    server {
        listen 127.0.0.1:%(basic)d ssl; %(tls)s
        root %(root)s;
        auth_basic "charts"; auth_basic_user_file %(htpasswd)s;
    }
    server {
        listen 127.0.0.1:%(mtls)d ssl; %(tls)s
        ssl_client_certificate %(clientCA)s; ssl_verify_client on;
        root %(root)s;
    }
}
""" % dict(dir=dir, tls=tls, root=root, large=large, htpasswd=htpasswd, clientCA=files["clientCA"], **ports)
    path = os.path.join(dir, "nginx.conf")
    with open(path, "w") as f:
        f.write(config)
    log = open(os.path.join(dir, "logs", "stdout.log"), "w")
    return subprocess.Popen(["nginx", "-p", dir, "-c", path], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
