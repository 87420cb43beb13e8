"""Behind the real nginx of deploy/, set up as deploy/compose.yaml sets it up, a client's forged
X-Forwarded-For neither picks its rate-limit bucket nor dodges the login throttle.

compose gives nginx a fixed address in a fixed subnet and has the app believe forwarded headers from
that address alone. Here nginx connects to the app from its own loopback address (proxy_bind
127.0.0.3), the app believes 127.0.0.3 alone, and two clients come from 127.0.0.5 and 127.0.0.6.
With the old `*` the same forged headers bought a fresh bucket each: the test tells the two apart.
"""

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlmodel import Session

from advisor.storage import make_engine, upgrade
from advisor.storage.staff import create_staff
from tests.nginx import DEPLOY, deployed_site
from tests.servers import advisor_serve, clean_env

NGINX_ADDRESS = "127.0.0.3"
CLIENT_A, CLIENT_B = "127.0.0.5", "127.0.0.6"
PASSWORD = "a long enough secret"
LIMIT = 5


def _client(site_url: str, source: str) -> httpx.Client:
    """A client whose connections come from `source` (a loopback address of its own)."""
    return httpx.Client(base_url=site_url, verify=False, timeout=30,
                        transport=httpx.HTTPTransport(local_address=source, verify=False))


@pytest.fixture(params=[NGINX_ADDRESS, "*"], ids=["trusting-nginx", "trusting-anyone"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The app behind deploy/'s nginx, believing forwarded headers from `request.param`: (site URL, trusted)."""
    database = f"sqlite:///{tmp_path / 'advisor.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with Session(engine) as session:
        create_staff(session, "wang", PASSWORD, "staff")
        create_staff(session, "li", PASSWORD, "staff")
        session.commit()
    engine.dispose()
    env = clean_env(ADVISOR_DATABASE_URL=database, ADVISOR_DATA_DIR=str(tmp_path), ADVISOR_SECRET_KEY="k" * 40,
                    ADVISOR_RATE_LIMIT_ANONYMOUS=f"{LIMIT}/hour", ADVISOR_FORWARDED_ALLOW_IPS=request.param)
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    with advisor_serve(env, tmp_path / "serve.log", "--log-level", "warning") as app, \
            deployed_site(app.url.removeprefix("http://"), proxy_dir, proxy_bind=NGINX_ADDRESS) as proxy:
        yield proxy.https, request.param


def test_a_forged_forwarded_for_picks_no_bucket_and_dodges_no_throttle(site: tuple[str, str]) -> None:
    url, trusted = site
    with _client(url, CLIENT_A) as forger, _client(url, CLIENT_B) as neighbour:
        statuses = [forger.get("/api/v1/schemas/profile", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                    for n in range(LIMIT + 3)]
        neighbour_status = neighbour.get("/api/v1/schemas/profile").status_code
        pages = []
        for n in range(6):  # five failed logins from one address refuse that address
            token = forger.get("/staff/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            pages.append(forger.post("/staff/login", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                                     data={"name": "wang", "password": f"guess {n}", "csrf_token": token}).text)
        token = neighbour.get("/staff/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        neighbour_login = neighbour.post("/staff/login", data={"name": "li", "password": "wrong guess",
                                                               "csrf_token": token}).text
    locked = "尝试次数过多"
    if trusted == "*":  # the old compose setting: each forged address is a new client
        assert statuses == [200] * (LIMIT + 3)
        assert not any(locked in page for page in pages)
        return
    assert statuses == [200] * LIMIT + [429] * 3  # counted against the address nginx saw
    assert neighbour_status == 200  # and that address is the client's own, not nginx's
    assert [locked in page for page in pages] == [False] * 5 + [True]
    assert locked not in neighbour_login and "登录名或密码不正确" in neighbour_login


def test_compose_believes_forwarded_headers_from_nginx_alone() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    [subnet] = [entry["subnet"] for entry in compose["networks"]["default"]["ipam"]["config"]]
    nginx = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    trusted = compose["services"]["app"]["environment"]["ADVISOR_FORWARDED_ALLOW_IPS"]
    assert trusted == nginx and ipaddress.ip_address(nginx) in ipaddress.ip_network(subnet)
    # Every other service sits on the same network without a fixed address: none of them is believed.
    assert [name for name, service in compose["services"].items() if "networks" in service] == ["proxy"]
