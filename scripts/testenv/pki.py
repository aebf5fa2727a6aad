"""A private PKI for the test registries, made with the openssl command line.

Root CA -> intermediate CA -> server certificates (127.0.0.1 and localhost), plus an
expired certificate, a wrong-hostname certificate, an unrelated CA, a client CA with a
client certificate, a client certificate from the wrong CA, and a token-signing key.
"""
import os
import subprocess


def _openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result.stdout


def _key(name, cwd):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key", cwd=cwd)


def _write(cwd, name, text):
    with open(os.path.join(cwd, name), "w") as f:
        f.write(text)


def _self_signed_ca(cwd, name, subject, days="3650"):
    _key(name, cwd)
    _openssl("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".crt", "-days", days,
             "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=cwd)


def _issue(cwd, name, subject, ca, extensions, days="825"):
    _key(name, cwd)
    _openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", subject, cwd=cwd)
    _write(cwd, name + ".ext", extensions)
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
             "-CAcreateserial", "-out", name + ".crt", "-days", days, "-sha256",
             "-extfile", name + ".ext", cwd=cwd)


SERVER_EXT = ("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:registry.test\n")
CLIENT_EXT = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"


def make(cwd):
    """Creates every file in cwd and returns their paths by role."""
    os.makedirs(cwd, exist_ok=True)
    _self_signed_ca(cwd, "root", "/O=bundle tests/CN=Bundle Test Root CA")
    _issue(cwd, "intermediate", "/O=bundle tests/CN=Bundle Test Intermediate CA", "root",
           "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
    _issue(cwd, "server", "/O=bundle tests/CN=127.0.0.1", "intermediate", SERVER_EXT)
    _issue(cwd, "wronghost", "/O=bundle tests/CN=wrong.example.invalid", "intermediate",
           SERVER_EXT.replace("IP:127.0.0.1,DNS:localhost,DNS:registry.test", "DNS:wrong.example.invalid"))

    # An expired server certificate needs explicit dates, which only `openssl ca` sets.
    os.makedirs(os.path.join(cwd, "ca-db"), exist_ok=True)
    _write(cwd, "ca-db/index.txt", "")
    _write(cwd, "ca-db/serial", "1000\n")
    _write(cwd, "ca.cnf", """[ ca ]
default_ca = test_ca
[ test_ca ]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
organizationName = optional
""")
    _key("expired", cwd)
    _openssl("req", "-new", "-key", "expired.key", "-out", "expired.csr", "-subj", "/O=bundle tests/CN=127.0.0.1", cwd=cwd)
    _write(cwd, "expired.ext", SERVER_EXT)
    _openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "intermediate.crt", "-keyfile", "intermediate.key",
             "-in", "expired.csr", "-out", "expired.crt", "-notext", "-startdate", "20200101000000Z",
             "-enddate", "20200201000000Z", "-extfile", "expired.ext", cwd=cwd)

    _self_signed_ca(cwd, "other-root", "/O=somebody else/CN=Unrelated Root CA")
    _self_signed_ca(cwd, "soon-root", "/O=bundle tests/CN=Expiring Soon CA", days="10")
    _self_signed_ca(cwd, "client-root", "/O=bundle tests/CN=Bundle Test Client CA")
    _issue(cwd, "client", "/O=bundle tests/CN=pipeline", "client-root", CLIENT_EXT)
    _issue(cwd, "rogue-client", "/O=somebody else/CN=intruder", "other-root", CLIENT_EXT)
    _key("unrelated", cwd)

    # A second registry's own CA, for the mirror a bundle is pushed into.
    _self_signed_ca(cwd, "mirror-root", "/O=in-network registry/CN=Mirror Root CA")
    _issue(cwd, "mirror-server", "/O=in-network registry/CN=127.0.0.1", "mirror-root", SERVER_EXT)

    # The token service signs with RS256; the registry trusts this self-signed certificate.
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out", "token.crt",
             "-days", "30", "-subj", "/CN=Bundle Test Token Issuer", cwd=cwd)

    def read(name):
        with open(os.path.join(cwd, name)) as f:
            return f.read()

    _write(cwd, "server-chain.crt", read("server.crt") + read("intermediate.crt"))
    _write(cwd, "expired-chain.crt", read("expired.crt") + read("intermediate.crt"))
    _write(cwd, "wronghost-chain.crt", read("wronghost.crt") + read("intermediate.crt"))
    _write(cwd, "ca-bundle.crt", read("root.crt") + read("intermediate.crt"))
    _write(cwd, "not-pem.crt", "this is not a certificate\n")
    _write(cwd, "ca-plus-expiring.crt", read("root.crt") + read("soon-root.crt"))
    p = lambda name: os.path.join(cwd, name)
    return {
        "caFile": p("root.crt"),
        "caBundle": p("ca-bundle.crt"),
        "intermediateCA": p("intermediate.crt"),
        "otherCA": p("other-root.crt"),
        "notPEM": p("not-pem.crt"),
        "caPlusExpiring": p("ca-plus-expiring.crt"),
        "serverChain": p("server-chain.crt"),
        "serverKey": p("server.key"),
        "expiredChain": p("expired-chain.crt"),
        "expiredKey": p("expired.key"),
        "wronghostChain": p("wronghost-chain.crt"),
        "wronghostKey": p("wronghost.key"),
        "clientCA": p("client-root.crt"),
        "clientCert": p("client.crt"),
        "clientKey": p("client.key"),
        "rogueClientCert": p("rogue-client.crt"),
        "rogueClientKey": p("rogue-client.key"),
        "unrelatedKey": p("unrelated.key"),
        "tokenCert": p("token.crt"),
        "tokenKey": p("token.key"),
        "mirrorCA": p("mirror-root.crt"),
        "mirrorCert": p("mirror-server.crt"),
        "mirrorKey": p("mirror-server.key"),
    }
