"""Small real servers the tests talk to besides the registries:

- TokenServer: the distribution token-auth service (RS256 JWTs signed with openssl), which
  records how many tokens it issued per account so tests can prove token reuse.
- FaultProxy: an HTTPS front for the real anonymous registry that misbehaves on purpose,
  chosen by the first path segment after /v2/ (truncate, truncateonce, stall, flaky, fail,
  hugeheader, manyheaders, hugelayer,
  bigger, paged, endless, redirect), plus a "CDN" listener on another host name for redirected blobs that
  refuses requests carrying an Authorization header or a client certificate.
- ConnectProxy: a plain HTTP CONNECT proxy that logs each tunnel, for HTTPS_PROXY tests.
"""
import base64
import json
import os
import select
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tls_context(cert_chain, key, client_ca=None, require_client=False):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_chain, key)
    if client_ca:
        context.load_verify_locations(client_ca)
        context.verify_mode = ssl.CERT_REQUIRED if require_client else ssl.CERT_OPTIONAL
    return context


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(handler, port, context=None):
    server = _Server(("127.0.0.1", port), handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                raise


class TokenServer:
    def __init__(self, port, cert_chain, key, signing_key, signing_cert, issuer, service, users, issued_dir):
        with open(signing_cert) as f:
            pem = f.read()
        der = ssl.PEM_cert_to_DER_cert(pem)
        header = b64url(json.dumps({"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}).encode())
        os.makedirs(issued_dir, exist_ok=True)
        lock = threading.Lock()

        class Handler(_Handler):
            def do_GET(self):
                query = urllib.parse.urlparse(self.path)
                params = urllib.parse.parse_qs(query.query)
                account = ""
                auth = self.headers.get("Authorization", "")
                if auth:
                    try:
                        user, _, password = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
                    except Exception:
                        user, password = "", None
                    if users.get(user) != password:
                        return self.send_body(401, b'{"details":"wrong credentials"}',
                                              headers={"WWW-Authenticate": 'Basic realm="token"'})
                    account = user
                access = []
                for scope in params.get("scope", []):
                    kind, _, rest = scope.partition(":")
                    name, _, actions = rest.rpartition(":")
                    if kind != "repository":
                        continue
                    if name.startswith("private/") and not account:
                        return self.send_body(401, b'{"details":"credentials required for private/"}',
                                              headers={"WWW-Authenticate": 'Basic realm="token"'})
                    access.append({"type": "repository", "name": name, "actions": [a for a in actions.split(",") if a]})
                now = int(time.time())
                claims = {"iss": issuer, "sub": account, "aud": params.get("service", [service])[0],
                          "exp": now + 300, "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
                signing_input = header + "." + b64url(json.dumps(claims).encode())
                signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", signing_key],
                                           input=signing_input.encode(), capture_output=True, check=True).stdout
                token = signing_input + "." + b64url(signature)
                with lock:
                    with open(os.path.join(issued_dir, account or "anonymous"), "a") as f:
                        f.write(" ".join(params.get("scope", [])) + "\n")
                body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
                self.send_body(200, body)

        self.server = serve(Handler, port, tls_context(cert_chain, key))


class FaultProxy:
    """Forwards /v2/<mode>/<name>/... to the upstream registry's /v2/<name>/..., misbehaving by mode."""

    def __init__(self, port, cdn_port, cert_chain, key, client_ca, upstream, ca_file, users):
        upstream_context = ssl.create_default_context(cafile=ca_file)
        counters = {}
        lock = threading.Lock()
        basic_ok = {"Basic " + base64.b64encode(("%s:%s" % kv).encode()).decode() for kv in users.items()}

        def fetch(path, accept=None):
            request = urllib.request.Request("https://%s%s" % (upstream, path))
            if accept:
                request.add_header("Accept", accept)
            try:
                with urllib.request.urlopen(request, context=upstream_context, timeout=60) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()

        class Handler(_Handler):
            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                path, _, query = self.path.partition("?")
                if path in ("/v2/", "/v2"):
                    return self.send_body(200, b"{}")
                parts = path.split("/")
                if len(parts) < 4 or parts[1] != "v2":
                    return self.send_body(404, b'{"errors":[{"code":"NOT_FOUND"}]}')
                mode = parts[2]
                rest = parts[3:]
                seen = 0
                if mode in ("flaky", "truncateonce"):
                    nonce, rest = rest[0], rest[1:]
                    with lock:
                        seen = counters.get(path, 0)
                        counters[path] = seen + 1
                if mode == "flaky":
                    if seen == 0:
                        return self.send_body(503, b'{"errors":[{"code":"UNAVAILABLE"}]}', headers={"Retry-After": "1"})
                    if seen == 1:
                        return self.send_body(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', headers={"Retry-After": "0"})
                if mode == "fail":
                    return self.send_body(503, b'{"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]}')
                if mode in ("hugeheader", "manyheaders"):
                    # An 8 MB response header: one line, or a thousand lines of 8 KB.
                    self.send_response(200)
                    if mode == "hugeheader":
                        self.send_header("X-Junk", "a" * (8 << 20))
                    else:
                        for i in range(1000):
                            self.send_header("X-Junk-%d" % i, "a" * 8192)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if mode == "redirect" and self.headers.get("Authorization") not in basic_ok:
                    return self.send_body(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                                          headers={"WWW-Authenticate": 'Basic realm="faults"'})
                upstream_path = "/v2/" + "/".join(rest)
                is_blob = len(rest) >= 2 and rest[-2] == "blobs"
                is_tags = rest[-2:] == ["tags", "list"]
                if mode == "redirect" and is_blob:
                    location = "https://localhost:%d%s" % (cdn_port, upstream_path)
                    return self.send_body(307, b"", headers={"Location": location})
                if is_tags and mode in ("paged", "endless"):
                    status, headers, body = fetch(upstream_path)
                    tags = sorted(json.loads(body).get("tags") or [])
                    params = urllib.parse.parse_qs(query)
                    last = params.get("last", [""])[0]
                    if mode == "endless":
                        page, more = ["0.0.%d" % (int(last.split(".")[-1]) + 1 if last else 1)], True
                    else:
                        remaining = [t for t in tags if t > last]
                        page, more = remaining[:2], len(remaining) > 2
                    name = "/".join(rest[:-2])
                    headers = {}
                    if more:
                        headers["Link"] = '</v2/%s/%s/tags/list?n=2&last=%s>; rel="next"' % (mode, name, page[-1])
                    return self.send_body(200, json.dumps({"name": name, "tags": page}).encode(), headers=headers)
                status, headers, body = fetch(upstream_path, self.headers.get("Accept"))
                content_type = headers.get("Content-Type", "application/octet-stream")
                extra = {k: v for k, v in headers.items() if k.lower() in ("docker-content-digest", "link")}
                if mode == "hugelayer" and "manifests" in rest and status == 200:
                    # The manifest declares a 10^15-byte chart layer (served without its digest header).
                    manifest = json.loads(body)
                    for layer in manifest.get("layers", []):
                        layer["size"] = 10 ** 15
                    body = json.dumps(manifest).encode()
                    extra = {}
                if status != 200 or not is_blob:
                    return self.send_body(status, body, content_type, extra)
                if mode == "truncate" or (mode == "truncateonce" and seen == 0):
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if mode == "stall":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[:10])
                    self.wfile.flush()
                    time.sleep(20)
                    self.close_connection = True
                    return
                if mode == "bigger":
                    return self.send_body(200, body + b"extra bytes the manifest does not declare", content_type)
                return self.send_body(200, body, content_type, extra)

        class CDNHandler(_Handler):
            def do_GET(self):
                if self.headers.get("Authorization"):
                    return self.send_body(400, b'{"errors":[{"code":"LEAK","message":"Authorization header reached the CDN"}]}')
                if isinstance(self.connection, ssl.SSLSocket) and self.connection.getpeercert():
                    return self.send_body(400, b'{"errors":[{"code":"LEAK","message":"client certificate reached the CDN"}]}')
                status, headers, body = fetch(self.path.partition("?")[0])
                self.send_body(status, body, headers.get("Content-Type", "application/octet-stream"))

        self.server = serve(Handler, port, tls_context(cert_chain, key, client_ca))
        self.cdn = serve(CDNHandler, cdn_port, tls_context(cert_chain, key, client_ca))


class ConnectProxy:
    def __init__(self, port, log_path):
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                with lock:
                    with open(log_path, "a") as f:
                        f.write(self.path + "\n")
                host, _, target_port = self.path.rpartition(":")
                try:
                    upstream = socket.create_connection((host, int(target_port)), timeout=10)
                except OSError as error:
                    self.send_error(502, str(error))
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                client = self.connection
                sockets = [client, upstream]
                try:
                    while True:
                        readable, _, _ = select.select(sockets, [], [], 30)
                        if not readable:
                            break
                        for s in readable:
                            data = s.recv(65536)
                            if not data:
                                return
                            (upstream if s is client else client).sendall(data)
                finally:
                    upstream.close()
                    self.close_connection = True

        self.server = serve(Handler, port)
