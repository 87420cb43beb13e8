"""POST /api/v1/batches and GET /api/v1/batches/{id}: jobs in a real SQLite database, screened by a real
`advisor batch-worker` process that the upload starts."""

import asyncio
import csv
import hashlib
import hmac
import http.server
import io
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import Session, col

from advisor.assess import Advisor
from advisor.batch import webhook
from advisor.batch.synth import write_synthetic
from advisor.batch.worker import sweep_expired
from advisor.clock import now
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.apikeys import create_key
from advisor.storage.models import BatchJob
from advisor.storage.staff import create_staff
from advisor.synth import ProfileFactory
from web.app import create_app
from web.staff import security

from . import officefiles

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated SQLite database in a fresh data folder, named by DATABASE_URL for this module."""
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'advisor.db'}")
        reset_engine()
        upgrade()
        yield folder
        reset_engine()


@pytest.fixture(scope="module")
def keys(data_dir: Path) -> tuple[str, str]:
    """Two partner keys."""
    with Session(get_engine()) as session:
        admin = create_staff(session, "chief", "a long enough secret", "admin")
        first, second = create_key(session, "蓉易享", admin)[1], create_key(session, "other", admin)[1]
        session.commit()
    return first, second


def _settings(data_dir: Path, **more: object) -> Settings:
    return Settings(data_dir=data_dir, batch_workers=1, batch_heartbeat_seconds=0.5,  # type: ignore[arg-type]
                    webhook_hosts=("127.0.0.1",), **more)


@pytest.fixture(scope="module")
def app(data_dir: Path) -> FastAPI:
    return create_app(_settings(data_dir))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def _wait_done(client: httpx.AsyncClient, url: str, **headers: str) -> dict:
    deadline = time.monotonic() + 120
    status: dict = {}
    while time.monotonic() < deadline:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        status = response.json()
        if status["state"] in ("done", "failed"):
            return status
        await asyncio.sleep(0.2)
    raise AssertionError(f"batch job did not finish: {status}")


async def test_upload_poll_and_download(client: httpx.AsyncClient, tmp_path: Path, rulebase: RuleBase,
                                        advisor: Advisor) -> None:
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 40, 5, rulebase)
    text = registry.read_text(encoding="utf-8")
    width = len(text.splitlines()[0].split(","))
    assert text.startswith("id,enterprise.credit_code,")
    content = text + "E-bad,abc" + "," * (width - 2) + "\n"  # line 42: a malformed credit code
    response = await client.post("/api/v1/batches", files={"file": ("registry.csv", content, "text/csv")},
                                 data={"lang": "en"})
    assert response.status_code == 202, response.text
    url = response.headers["location"]
    assert response.json()["status_url"] == url and response.json()["state"] == "queued"
    status = await _wait_done(client, url)
    assert status["state"] == "done", status
    assert (status["rows"], status["failed"], status["attempts"]) == (41, 1, 1)

    results = list(csv.DictReader(io.StringIO((await client.get(status["files"]["results"])).text)))
    profiles = list(ProfileFactory(rulebase, 5).profiles(40))
    assert len(results) == 40
    for row, profile in zip(results, profiles, strict=True):
        expected = advisor.assess_data(profile)
        assert row["eligible"].split() == [f.rule.id for f in expected.by_status("eligible")]
        assert row["undetermined"].split() == [f.rule.id for f in expected.by_status("undetermined")]
    errors = list(csv.DictReader(io.StringIO((await client.get(status["files"]["errors"])).text)))
    assert [(e["line"], e["id"], e["field"]) for e in errors] == [("42", "E-bad", "enterprise.credit_code")]
    summary = list(csv.DictReader(io.StringIO((await client.get(status["files"]["summary"])).text)))
    assert {row["provision"] for row in summary} == set(rulebase.rules)


async def test_an_xlsx_registry_is_screened_like_its_csv(client: httpx.AsyncClient, tmp_path: Path,
                                                         rulebase: RuleBase) -> None:
    outcomes = []
    for suffix in (".csv", ".xlsx"):
        registry = tmp_path / f"registry{suffix}"
        write_synthetic(registry, 30, 11, rulebase)
        upload = await client.post("/api/v1/batches", files={"file": (registry.name, registry.read_bytes())},
                                   data={"lang": "en"})
        assert upload.status_code == 202, upload.text
        status = await _wait_done(client, upload.json()["status_url"])
        assert (status["state"], status["rows"], status["failed"]) == ("done", 30, 0), status
        results = csv.DictReader(io.StringIO((await client.get(status["files"]["results"])).text))
        outcomes.append([(row["id"], row["eligible"], row["undetermined"]) for row in results])
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("name", ["title.xlsx", "unicode.txt", "excel.csv"])
async def test_an_office_file_screens_exactly_its_enterprises(client: httpx.AsyncClient, tmp_path: Path,
                                                              name: str) -> None:
    """A merged title and a blank row above the header, 小计 and 合计 rows; XLSX, "Unicode text", GB18030 CSV."""
    writers = {"title.xlsx": officefiles.write_xlsx, "unicode.txt": officefiles.write_unicode_text,
               "excel.csv": officefiles.write_gb18030_csv}
    registry = writers[name](tmp_path / name)
    upload = await client.post("/api/v1/batches", files={"file": (name, registry.read_bytes())}, data={"lang": "en"})
    assert upload.status_code == 202, upload.text
    status = await _wait_done(client, upload.json()["status_url"])
    assert (status["state"], status["rows"], status["screened"], status["failed"]) == ("done", 30, 30, 0), status
    reading = status["reading"]
    assert (reading["header_line"], reading["title_lines"]) == (officefiles.HEADER_LINE, [1])
    assert reading["skipped"] == [{"line": officefiles.SUBTOTAL_LINE, "label": "小计"},
                                  {"line": officefiles.TOTAL_LINE, "label": "合计"}]
    assert reading["encoding"] == {"title.xlsx": None, "unicode.txt": "utf-16-le", "excel.csv": "gb18030"}[name]
    results = list(csv.DictReader(io.StringIO((await client.get(status["files"]["results"])).text)))
    assert [row["id"] for row in results] == officefiles.IDS
    assert all(officefiles.SMALL_INDUSTRIAL in row["eligible"].split() for row in results)
    summary = csv.DictReader(io.StringIO((await client.get(status["files"]["summary"])).text))
    assert {row["provision"]: int(row["eligible"]) for row in summary}[officefiles.SMALL_INDUSTRIAL] == 30


@pytest.mark.parametrize(("inserted", "message"), [(b"\xff", "cannot be decoded as utf-8"), (b"\x00", "NUL")])
async def test_a_damaged_line_in_an_upload_costs_its_row(client: httpx.AsyncClient, tmp_path: Path,
                                                         inserted: bytes, message: str) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(officefiles.delimited(","), encoding="utf-8")
    line = officefiles.damage(registry, "Q05", inserted, "utf-8")
    upload = await client.post("/api/v1/batches", files={"file": ("registry.csv", registry.read_bytes())},
                               data={"lang": "en"})
    assert upload.status_code == 202, upload.text
    status = await _wait_done(client, upload.json()["status_url"])
    assert (status["state"], status["rows"], status["failed"]) == ("done", 30, 1), status
    results = list(csv.DictReader(io.StringIO((await client.get(status["files"]["results"])).text)))
    assert [row["id"] for row in results] == [ident for ident in officefiles.IDS if ident != "Q05"]
    [error] = csv.DictReader(io.StringIO((await client.get(status["files"]["errors"])).text))
    assert int(error["line"]) == line and message in error["message"]


async def test_a_mistyped_field_column_is_refused_at_once(client: httpx.AsyncClient) -> None:
    # other unknown columns (企业名称, ...) are carried through; a dotted name of a section is a typo
    response = await client.post("/api/v1/batches", files={"file": ("r.csv", "id,project.floor_area\na,1\n",
                                                                    "text/csv")},
                                 headers={"accept-language": "en"})
    assert response.status_code == 422
    assert "project.floor_area_m2" in response.json()["detail"]


async def test_wrong_file_type_and_unknown_job(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/batches", files={"file": ("r.pdf", "id\n1\n", "application/pdf")})
    assert response.status_code == 415
    assert response.json()["detail"] == "请上传以下类型的文件：.csv、.tsv、.txt、.jsonl、.xlsx"
    assert (await client.get("/api/v1/batches/0123456789abcdef0123456789abcdef")).status_code == 404
    assert (await client.get("/api/v1/batches/..%2F..%2Fetc")).status_code == 404
    assert (await client.get("/api/v1/batches/0123456789abcdef/files/results")).status_code == 404


async def test_a_job_is_seen_only_by_the_key_that_made_it(client: httpx.AsyncClient, keys: tuple[str, str]) -> None:
    mine, other = keys
    upload = await client.post("/api/v1/batches", headers={"x-api-key": mine},
                               files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
    assert upload.status_code == 202, upload.text
    url = upload.json()["status_url"]
    status = await _wait_done(client, url, **{"x-api-key": mine})
    assert status["state"] == "done"
    for headers in ({"x-api-key": other}, {"authorization": f"Bearer {other}"}, {}):
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.get(status["files"]["results"], headers=headers)).status_code == 404
    assert (await client.get(status["files"]["results"], headers={"x-api-key": mine})).status_code == 200


async def test_a_staff_members_job_is_theirs_alone(app: FastAPI, client: httpx.AsyncClient,
                                                    keys: tuple[str, str]) -> None:
    with Session(get_engine()) as session:
        cookies = {}
        for name in ("wang", "li"):
            user = create_staff(session, name, "a long enough secret", "staff")
            session.flush()
            assert user.id is not None
            cookies[name] = f"{security.SESSION_COOKIE}={app.state.signer.session_token(user.id, user.session_nonce)}"
        session.commit()
    upload = await client.post("/api/v1/batches", headers={"cookie": cookies["wang"]},
                               files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
    url = upload.json()["status_url"]
    assert (await _wait_done(client, url, cookie=cookies["wang"]))["state"] == "done"
    for headers in ({"cookie": cookies["li"]}, {"x-api-key": keys[0]}, {}):
        assert (await client.get(url, headers=headers)).status_code == 404


async def test_a_partner_key_is_required_once_keys_are_enforced(data_dir: Path) -> None:
    app = create_app(_settings(data_dir, api_keys_required=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post("/api/v1/batches", files={"file": ("r.csv", "id\nE1\n", "text/csv")})
        assert response.status_code == 401
        assert (await client.get("/api/v1/batches/0123456789abcdef")).status_code == 401


async def test_idempotency_key_gives_the_same_job_and_refuses_another_file(client: httpx.AsyncClient,
                                                                           keys: tuple[str, str]) -> None:
    body = "id,enterprise.in_qingyang\nE1,是\nE2,否\n"
    headers = {"x-api-key": keys[0], "idempotency-key": "upload-2026-11-28-a"}
    first = await client.post("/api/v1/batches", headers=headers, files={"file": ("r.csv", body)})
    again = await client.post("/api/v1/batches", headers=headers, files={"file": ("r.csv", body)})
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
    other_file = await client.post("/api/v1/batches", headers={**headers, "accept-language": "en"},
                                   files={"file": ("r.csv", body + "E3,是\n")})
    assert other_file.status_code == 422
    assert other_file.json()["errors"][0]["path"] == "Idempotency-Key"
    # the same key from another partner is another job
    theirs = await client.post("/api/v1/batches", headers={**headers, "x-api-key": keys[1]},
                               files={"file": ("r.csv", body)})
    assert theirs.status_code == 202 and theirs.json()["id"] != first.json()["id"]
    for job in (first, theirs):
        key = keys[0] if job is first else keys[1]
        assert (await _wait_done(client, job.json()["status_url"], **{"x-api-key": key}))["rows"] == 2


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


async def test_a_signed_webhook_tells_when_the_job_ends(client: httpx.AsyncClient) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{server.server_address[1]}/advisor/batches"
        upload = await client.post("/api/v1/batches", data={"webhook_url": hook},
                                   files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
        assert upload.status_code == 202, upload.text
        secret = upload.json()["webhook_secret"]
        assert len(secret) >= 32
        status = await _wait_done(client, upload.json()["status_url"])
        deadline = time.monotonic() + 30
        while not _Receiver.received and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        server.shutdown()
        server.server_close()
    headers, body = _Receiver.received[0]
    payload = json.loads(body)
    assert payload["id"] == upload.json()["id"] and payload["state"] == status["state"] == "done"
    assert payload["rows"] == 1 and payload["status_url"] == upload.json()["status_url"]
    signature = headers["X-Advisor-Signature"]
    assert webhook.verify(secret, body, signature)
    timestamp = signature.split(",")[0].removeprefix("t=")  # the documented scheme, computed independently
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert signature == f"t={timestamp},v1={expected}"
    assert not webhook.verify("another secret", body, signature)
    assert not webhook.verify(secret, body + b" ", signature)


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://localhost:5432/",
                                 "http://127.0.0.1.evil.example/", "http://10.0.0.1:8080/hook"])
async def test_a_webhook_to_a_host_the_service_does_not_allow_is_refused(client: httpx.AsyncClient, url: str) -> None:
    response = await client.post("/api/v1/batches", data={"webhook_url": url}, params={"lang": "en"},
                                 files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["path"] == "webhook_url" and "ADVISOR_WEBHOOK_HOSTS" in error["message"]


def test_webhook_hosts_match_names_and_subdomains_only() -> None:
    hosts = ["push.example.cn", "*.gov.example"]
    assert webhook.host_allowed("https://PUSH.example.cn:8443/hook", hosts)
    assert webhook.host_allowed("https://a.b.gov.example/hook", hosts)
    assert not webhook.host_allowed("https://gov.example/hook", hosts)  # *.domain: subdomains, not the domain
    assert not webhook.host_allowed("https://evilgov.example/hook", hosts)
    assert not webhook.host_allowed("https://push.example.cn@evil.example/hook", hosts)  # the host is evil.example
    assert not webhook.host_allowed("ftp://push.example.cn/hook", hosts)
    assert not webhook.host_allowed("https://push.example.cn/hook", [])  # none allowed by default


async def test_a_bad_webhook_url_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/batches", data={"webhook_url": "file:///etc/passwd"},
                                 files={"file": ("r.csv", "id\nE1\n")})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "webhook_url"


async def test_results_past_the_output_limit_fail_the_job_with_the_reason(data_dir: Path, tmp_path: Path,
                                                                          rulebase: RuleBase) -> None:
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 600, 3, rulebase)
    app = create_app(_settings(data_dir, batch_max_output_bytes=20_000))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        upload = await client.post("/api/v1/batches", data={"lang": "en"},
                                   files={"file": ("r.csv", registry.read_bytes())})
        status = await _wait_done(client, upload.json()["status_url"])
    assert status["state"] == "failed" and "ADVISOR_BATCH_MAX_OUTPUT_BYTES" in status["error"], status
    assert status["files"] is None
    assert not list((data_dir / "batches" / status["id"]).glob("work-*"))  # partial results removed


async def test_retention_removes_the_job_its_upload_and_results(client: httpx.AsyncClient, data_dir: Path,
                                                                app: FastAPI) -> None:
    upload = await client.post("/api/v1/batches", files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
    status = await _wait_done(client, upload.json()["status_url"])
    folder = data_dir / "batches" / status["id"]
    assert [path.name for path in folder.iterdir()] != [] and not list(folder.glob("input.*"))  # upload gone
    assert sweep_expired(app.state.settings, get_engine()) == 0  # not expired yet: kept
    with Session(get_engine()) as session:  # 31 days later
        session.exec(update(BatchJob).where(col(BatchJob.id) == status["id"])  # type: ignore[call-overload]
                     .values(finished_at=now() - timedelta(days=31)))
        session.commit()
    assert sweep_expired(app.state.settings, get_engine()) >= 1
    assert not folder.exists()
    assert (await client.get(upload.json()["status_url"])).status_code == 404


async def test_a_registry_larger_than_the_json_limit_is_accepted_but_not_a_larger_profile(
        data_dir: Path, tmp_path: Path, rulebase: RuleBase) -> None:
    app = create_app(_settings(data_dir, max_body_bytes=10_000, max_upload_bytes=5_000_000))
    registry = tmp_path / "big.csv"
    write_synthetic(registry, 300, 9, rulebase)
    assert 10_000 < registry.stat().st_size < 5_000_000
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        upload = await http.post("/api/v1/batches", files={"file": ("big.csv", registry.read_bytes(), "text/csv")})
        assert upload.status_code == 202, upload.text
        profile = {"profile": {"enterprise": {"in_qingyang": True}}, "pad": "x" * 20_000}
        assert (await http.post("/api/v1/assessments", json=profile)).status_code == 413
        assert (await _wait_done(http, upload.json()["status_url"]))["state"] == "done"
