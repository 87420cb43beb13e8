"""Completion webhook URLs (advisor/batch/webhook.py): one parser for the allow-list check and the sender,
so no URL passes the check as one host and is sent to another."""

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from advisor.batch import webhook
from advisor.settings import Settings
from advisor.storage import engine_for, upgrade
from web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []
    redirect_to: ClassVar[str | None] = None

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.received.append(f"{self.server.server_address[1]}{self.path}")
        if self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
        else:
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receivers() -> Iterator[tuple[int, int]]:
    """Two webhook receivers on loopback: their ports."""
    _Receiver.received, _Receiver.redirect_to = [], None
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers[0].server_address[1], servers[1].server_address[1]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080\\@push.example.cn/",  # 127.0.0.1 to a browser, push.example.cn to urllib
    "http://push.example.cn@127.0.0.1/",  # user information: refused, whatever it names
    "http://user:pass@push.example.cn/",
    "http://push.example.cn/a b",
    "http://push.example.cn/\x00",
    "http://push.example.cn:99999/",
    "http://push.example.cn/#@127.0.0.1",
    "http://push_example.cn/",
    "ftp://push.example.cn/",
    "http:///push.example.cn/",
])
def test_urls_parsers_disagree_about_are_refused(url: str) -> None:
    with pytest.raises(webhook.WebhookUrlError):
        webhook.parse_target(url)
    assert not webhook.host_allowed(url, ["push.example.cn", "127.0.0.1"])


def test_a_url_is_read_into_the_parts_the_sender_connects_to() -> None:
    target = webhook.parse_target("HTTPS://Push.Example.cn:8443/hooks/advisor?token=a%20b")
    assert (target.scheme, target.host, target.port, target.path) == ("https", "push.example.cn", 8443,
                                                                       "/hooks/advisor?token=a%20b")
    assert target.url == "https://push.example.cn:8443/hooks/advisor?token=a%20b"
    assert webhook.parse_target("http://[::1]/x").url == "http://[::1]/x"
    assert webhook.parse_target("http://push.example.cn").path == "/"


def test_the_sender_posts_to_the_parsed_host_only_if_still_allowed_and_follows_no_redirect(
        receivers: tuple[int, int]) -> None:
    first, second = receivers
    url = f"http://127.0.0.1:{first}/advisor"
    assert webhook.deliver(url, "secret", {"id": "a"}, ["127.0.0.1"]) is None
    assert _Receiver.received == [f"{first}/advisor"]
    # The allow-list changed since the upload: nothing is sent.
    assert webhook.deliver(url, "secret", {"id": "b"}, ["push.example.cn"]) == \
        "refused: the host is not among ADVISOR_WEBHOOK_HOSTS"
    assert webhook.deliver(f"http://127.0.0.1:{first}\\@push.example.cn/", "s", {}, ["push.example.cn"]).startswith(
        "refused:")
    assert _Receiver.received == [f"{first}/advisor"]
    # A redirect is a failed delivery, never a second request elsewhere.
    _Receiver.redirect_to = f"http://127.0.0.1:{second}/elsewhere"
    assert webhook.deliver(url, "secret", {"id": "c"}, ["127.0.0.1"]) == "HTTP 302"
    assert _Receiver.received == [f"{first}/advisor", f"{first}/advisor"]


async def test_the_upload_refuses_such_a_url_naming_the_field(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'advisor.db'}",  # type: ignore[arg-type]
                        webhook_hosts=("push.example.cn",))
    upgrade(engine_for(settings))
    app = create_app(settings)
    registry = {"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n", "text/csv")}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for url, says in (("http://127.0.0.1:8080\\@push.example.cn/", "backslash"),
                          ("http://push.example.cn@127.0.0.1/", "user name or password")):
            answer = await client.post("/api/v1/batches", data={"webhook_url": url}, files=registry,
                                       headers={"accept-language": "en"})
            assert answer.status_code == 422, answer.text
            [error] = answer.json()["errors"]
            assert error["path"] == "webhook_url" and says in error["message"]
