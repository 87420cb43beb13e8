"""Two `advisor serve` processes ("hosts", each with its own data folder) on one PostgreSQL database,
behind a real nginx that terminates TLS on loopback and balances between them round-robin."""

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from advisor.storage import make_engine, upgrade
from advisor.storage.staff import create_staff
from tests.pgserver import PgServer
from tests.servers import advisor_serve, clean_env, free_port, running

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough secret"
PUBLIC_HOST = "advisor.example.gov.cn"

NGINX_CONF = """
worker_processes 1;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  upstream advisor {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {d}/cert.pem;
    ssl_certificate_key {d}/key.pem;
    client_max_body_size 10m;
    location / {{
      proxy_pass http://advisor;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
    }}
  }}
}}
"""


@dataclass(frozen=True)
class Site:
    """The proxy's URL and each host's own URL."""

    proxy: str
    hosts: tuple[str, str]


@pytest.fixture
def site(pg_server: PgServer, tmp_path: Path) -> Iterator[Site]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed: run `make system-deps`")
    database = pg_server.create_database()
    engine = make_engine(database)
    upgrade(engine)
    with Session(engine) as session:
        create_staff(session, "chief", PASSWORD, "admin")
        session.commit()
    engine.dispose()

    with contextlib.ExitStack() as stack:
        ports = (free_port(), free_port())
        for name, port in zip("ab", ports, strict=True):
            folder = tmp_path / name
            folder.mkdir()
            env = clean_env(ADVISOR_DATABASE_URL=database, ADVISOR_DATA_DIR=str(folder),
                            ADVISOR_SECRET_KEY="shared-secret-" + "x" * 32, ADVISOR_HOSTS="2",
                            ADVISOR_API_KEYS_REQUIRED="true", ADVISOR_API_KEY_CACHE_SECONDS="1",
                            ADVISOR_BATCH_WORKERS="0")
            stack.enter_context(advisor_serve(env, folder / "serve.log", "--forwarded-allow-ips", "127.0.0.1",
                                              port=port, ready="/readyz"))

        proxy_dir = tmp_path / "nginx"
        proxy_dir.mkdir()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(proxy_dir / "key.pem"), "-out", str(proxy_dir / "cert.pem"),
                        "-days", "1", "-subj", f"/CN={PUBLIC_HOST}"], check=True, capture_output=True, timeout=60)
        proxy_port = free_port()
        (proxy_dir / "nginx.conf").write_text(NGINX_CONF.format(d=proxy_dir, a=ports[0], b=ports[1],
                                                                port=proxy_port))
        proxy = f"https://127.0.0.1:{proxy_port}"
        stack.enter_context(running([nginx, "-p", str(proxy_dir), "-c", str(proxy_dir / "nginx.conf"),
                                     "-g", f"daemon off; pid {proxy_dir}/nginx.pid;"], proxy,
                                    proxy_dir / "nginx.out", verify=False))
        yield Site(proxy, tuple(f"http://127.0.0.1:{port}" for port in ports))  # type: ignore[arg-type]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_two_hosts_behind_nginx_share_logins_and_keys_and_build_public_urls(site: Site) -> None:
    with httpx.Client(base_url=site.proxy, verify=False, timeout=30, headers={"Host": PUBLIC_HOST}) as browser:
        # Log in through the proxy: the login form and its post may land on different hosts.
        token = _csrf(browser.get("/staff/login").text)
        login = browser.post("/staff/login", data={"name": "chief", "password": PASSWORD, "csrf_token": token})
        assert login.status_code == 303, login.text
        set_cookie = next(value for name, value in login.headers.multi_items()
                          if name == "set-cookie" and value.startswith("qy_staff="))
        assert "secure" in set_cookie.lower()  # the host knew the browser spoke HTTPS to the proxy
        session = {"Cookie": set_cookie.split(";", 1)[0]}
        # The cookie opens the staff pages on each host directly.
        for host in site.hosts:
            page = httpx.get(f"{host}/staff/admin/keys", headers=session, timeout=30)
            assert page.status_code == 200 and "chief" in page.text

        # A key created through the proxy (on one host) works on both.
        keys_page = browser.get("/staff/admin/keys")
        assert keys_page.status_code == 200
        made = browser.post("/staff/admin/keys", data={"name": "蓉易享", "csrf_token": _csrf(keys_page.text)})
        found = re.search(r'<code id="new-key">([^<]+)</code>', made.text)
        assert found, made.text[:500]
        key = {"X-API-Key": found.group(1)}
        for host in site.hosts:
            assert httpx.get(f"{host}/api/v1/schemas/profile", headers=key, timeout=30).status_code == 200
            assert httpx.get(f"{host}/api/v1/schemas/profile", timeout=30).status_code == 401

        # Absolute URLs name the public scheme and host, not the host's own address.
        upload = browser.post("/api/v1/batches", headers=key,
                              files={"file": ("registry.csv", b"id,project.floor_area_m2\n1,1200\n", "text/csv")})
        assert upload.status_code == 202, upload.text
        assert upload.headers["Location"].startswith(f"https://{PUBLIC_HOST}/api/v1/batches/")
        # nginx's request id follows the request: the host echoes it.
        assert re.fullmatch(r"[0-9a-f]{32}", upload.headers["X-Request-ID"])
