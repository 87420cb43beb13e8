"""The project's own nginx site (deploy/nginx/advisor.conf) run for real in front of a test server.

A private nginx instance (Debian package `nginx`, scripts/system-deps) in a temporary folder: the site's
ports, certificate and upstream are moved to the test's own, nothing else of the site is changed.
`proxy_bind` makes nginx connect to the app from a fixed loopback address, as compose gives nginx a
fixed address in its network (deploy/compose.yaml).
"""

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port

DEPLOY = ROOT / "deploy"


def nginx_binary() -> str:
    """The nginx program; the test is skipped, saying why, when it is not installed."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.skip("nginx is not installed: run `make system-deps`")
    return found


@dataclass(frozen=True)
class Site:
    """The running site: its plain-HTTP and TLS ports on 127.0.0.1."""

    http_port: int
    https_port: int

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


@contextmanager
def deployed_site(upstream: str, prefix: Path, proxy_bind: str | None = None) -> Iterator[Site]:
    """deploy/nginx/advisor.conf with deploy/nginx/upstream-local.conf pointing at `upstream` (HOST:PORT),
    checked with `nginx -t` and started; stopped on leaving the block."""
    nginx = nginx_binary()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(prefix / "advisor.key"), "-out", str(prefix / "advisor.crt")],
                   check=True, capture_output=True, timeout=60)
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "advisor.conf").read_text(encoding="utf-8")
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("/etc/nginx/tls/", f"{prefix}/")
    local = (DEPLOY / "nginx" / "upstream-local.conf").read_text(encoding="utf-8")
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    (prefix / "upstream.conf").write_text(local.replace("127.0.0.1:8000", upstream), encoding="utf-8")
    temp = "".join(f"{kind}_temp_path {prefix}/{kind};\n" for kind in
                   ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    bind = f"proxy_bind {proxy_bind};\n" if proxy_bind else ""
    (prefix / "nginx.conf").write_text(
        f"user root;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log {prefix}/access.log;\n{temp}{bind}include {prefix}/upstream.conf;\n"
        f"include {prefix}/site.conf;\n}}\n", encoding="utf-8")
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and "test is successful" in checked.stderr, checked.stderr
    subprocess.run(command, check=True, timeout=30)
    try:
        yield Site(http_port, https_port)
    finally:
        subprocess.run([*command, "-s", "quit"], timeout=30)
