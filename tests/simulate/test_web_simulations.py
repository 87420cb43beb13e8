"""POST /api/v1/simulations and GET /api/v1/parameters: simulations are durable jobs like batches (a real SQLite
database, a real `advisor batch-worker` started by the upload), keyed, owned and refused with 422 naming the field;
the parameters carry their history and an ETag."""

import csv
import io
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import Session, col

from advisor.batch.synth import write_synthetic
from advisor.batch.worker import sweep_expired
from advisor.clock import now
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.apikeys import create_key
from advisor.storage.models import BatchJob
from advisor.storage.staff import create_staff
from web.app import create_app

pytestmark = pytest.mark.anyio
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reforms"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'advisor.db'}")
        reset_engine()
        upgrade()
        yield folder
        reset_engine()


@pytest.fixture(scope="module")
def keys(data_dir: Path) -> tuple[str, str]:
    with Session(get_engine()) as session:
        admin = create_staff(session, "chief", "a long enough secret", "admin")
        first, second = create_key(session, "政策研究室", admin)[1], create_key(session, "other", admin)[1]
        session.commit()
    return first, second


@pytest.fixture(scope="module")
def app(data_dir: Path) -> FastAPI:
    return create_app(Settings(data_dir=data_dir, batch_workers=1, batch_heartbeat_seconds=0.5))  # type: ignore[arg-type]


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, rulebase: RuleBase) -> bytes:
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    write_synthetic(path, 600, 2, rulebase)  # seed 2: three enterprises gain from 2,000 m²
    return path.read_bytes()


async def _wait(client: httpx.AsyncClient, url: str, key: str) -> dict:
    deadline = time.monotonic() + 120
    status: dict = {}
    while time.monotonic() < deadline:
        response = await client.get(url, headers={"X-API-Key": key})
        assert response.status_code == 200, response.text
        status = response.json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"the simulation did not finish: {status}")


def _reform(name: str = "joint-acceptance-2000.yaml") -> tuple[str, bytes, str]:
    return (name, (EXAMPLES / name).read_bytes(), "application/yaml")


async def test_a_simulation_is_a_durable_owned_keyed_job(client: httpx.AsyncClient, keys: tuple[str, str],
                                                         registry: bytes, app: FastAPI, data_dir: Path) -> None:
    mine, other = keys
    files = {"file": ("registry.csv", registry, "text/csv"), "reform": _reform()}
    headers = {"X-API-Key": mine, "Idempotency-Key": "reform-2027"}
    response = await client.post("/api/v1/simulations", files=files, data={"lang": "en"}, headers=headers)
    assert response.status_code == 202, response.text
    url = response.headers["location"]
    again = await client.post("/api/v1/simulations", files=files, data={"lang": "en"}, headers=headers)
    assert (again.status_code, again.json()["id"], again.headers["idempotent-replayed"]) == (
        202, response.json()["id"], "true")
    status = await _wait(client, url, mine)
    assert status["state"] == "done", status
    result = status["result"]
    assert (result["rows"], result["failed"], result["as_of"]) == (600, 0, "2027-01-01")
    assert result["changes"]["gain"] > 0 and result["changes"]["loss"] == 0
    assert "joint-acceptance-small-industrial" in [item["id"] for item in result["provisions"]]
    changes = await client.get(status["files"]["changes"], headers={"X-API-Key": mine})
    rows = list(csv.DictReader(io.StringIO(changes.text)))
    assert len(rows) == sum(result["changes"].values()) and rows[0]["change"] in ("gains", "becomes undetermined")
    report = await client.get(status["files"]["report_html"], headers={"X-API-Key": mine})
    assert report.headers["content-type"].startswith("text/html") and "<svg" in report.text
    # owned: another key, a batch URL for the same id, or no key at all find nothing
    assert (await client.get(url, headers={"X-API-Key": other})).status_code == 404
    assert (await client.get(f"/api/v1/batches/{status['id']}", headers={"X-API-Key": mine})).status_code == 404
    assert (await client.get(status["files"]["report_md"], headers={"X-API-Key": other})).status_code == 404
    # the same Idempotency-Key with another reform is refused
    other_files = {"file": ("registry.csv", registry, "text/csv"), "reform": _reform("water-dn80.yaml")}
    clash = await client.post("/api/v1/simulations", files=other_files, data={"lang": "en"}, headers=headers)
    assert clash.status_code == 422 and clash.json()["errors"][0]["path"] == "Idempotency-Key"
    # retained like a batch: the uploads go when it is done, the rest after the retention period
    folder = data_dir / "batches" / status["id"]
    assert not list(folder.glob("input.*")) and not (folder / "reform.yaml").exists()
    assert status["expires_at"] is not None and sweep_expired(app.state.settings, get_engine()) == 0
    with Session(get_engine()) as session:  # 31 days later
        session.exec(update(BatchJob).where(col(BatchJob.id) == status["id"])  # type: ignore[call-overload]
                     .values(finished_at=now() - timedelta(days=31)))
        session.commit()
    assert sweep_expired(app.state.settings, get_engine()) >= 1
    assert not folder.exists() and (await client.get(url, headers={"X-API-Key": mine})).status_code == 404


async def test_a_registry_larger_than_the_json_limit_is_accepted(data_dir: Path, registry: bytes) -> None:
    app = create_app(Settings(data_dir=data_dir, batch_workers=1, batch_heartbeat_seconds=0.5,  # type: ignore[arg-type]
                              max_body_bytes=10_000, max_upload_bytes=5_000_000))
    assert 10_000 < len(registry) < 5_000_000
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        upload = await http.post("/api/v1/simulations", files={"file": ("big.csv", registry, "text/csv"),
                                                                "reform": _reform("water-dn80.yaml")})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 120
        while (await http.get(upload.json()["status_url"])).json()["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.2)


async def test_a_bad_reform_or_date_is_refused_naming_the_field(client: httpx.AsyncClient, keys: tuple[str, str],
                                                               registry: bytes) -> None:
    mine, _ = keys
    bad = ("bad.yaml", b"reform: bad\ntitle: {zh: x, en: x}\nin_force_from: 2027-01-01\nswitch_off: [nope]\n",
           "application/yaml")
    response = await client.post("/api/v1/simulations", files={"file": ("registry.csv", registry, "text/csv"),
                                                                "reform": bad},
                                 data={"lang": "en"}, headers={"X-API-Key": mine})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "reform", "message": "the reform has problems: nope: switch_off "
                                                                       "names no rule of the base"}]
    bomb = ("bomb.yaml", b"a: &a [1, 2]\nb: [*a, *a]\n", "application/yaml")
    response = await client.post("/api/v1/simulations", files={"file": ("registry.csv", registry, "text/csv"),
                                                                "reform": bomb}, headers={"X-API-Key": mine})
    assert response.status_code == 422 and "anchors and aliases" in response.json()["errors"][0]["message"]
    early = await client.post("/api/v1/simulations", files={"file": ("registry.csv", registry, "text/csv"),
                                                             "reform": _reform()},
                              data={"lang": "zh", "as_of": "2026-06-01"}, headers={"X-API-Key": mine})
    assert early.status_code == 422
    assert early.json()["errors"] == [{"path": "as_of", "message": "改革自2027-01-01起施行，测算日期不能早于该日"}]
    wrong_type = await client.post("/api/v1/simulations", files={"file": ("registry.pdf", registry, "application/pdf"),
                                                                  "reform": _reform()}, headers={"X-API-Key": mine})
    assert wrong_type.status_code == 415


async def test_parameters_with_history_references_and_etag(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/parameters")
    assert response.status_code == 200
    body = response.json()
    area = next(p for p in body["parameters"] if p["name"] == "construction.joint_acceptance.max_floor_area_m2")
    assert area["history"] == [{"from": "2020-11-23", "until": None, "value": 1500, "document": "青委办字〔2020〕55号",
                                "words": None}]
    assert area["article"] == "（四）" and area["words"].startswith("1500 平方米以下")
    assert {"kind": "concept", "id": "small_low_risk_industrial", "where": "project.floor_area_m2"} in area["used_by"]
    buildings = next(p for p in body["parameters"] if p["name"] == "construction.phased_acceptance.min_buildings")
    assert buildings["stated_as"] == "多栋" and buildings["reading"]["en"].startswith("'Several buildings' (多栋)")
    assert len(body["parameters"]) == 17 and response.headers["content-language"] == "zh, en"
    cached = await client.get("/api/v1/parameters", headers={"If-None-Match": response.headers["etag"]})
    assert cached.status_code == 304


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def test_the_admin_page_submits_a_simulation_and_shows_its_report(client: httpx.AsyncClient,
                                                                       keys: tuple[str, str], registry: bytes) -> None:
    login = await client.get("/staff/login")
    done = await client.post("/staff/login", data={"name": "chief", "password": "a long enough secret",
                                                   "csrf_token": _csrf(login.text)})
    assert done.status_code == 303
    page = await client.get("/staff/admin/simulations")
    assert page.status_code == 200 and "改革测算" in page.text and 'enctype="multipart/form-data"' in page.text
    files = {"file": ("registry.csv", registry, "text/csv"), "reform": _reform("water-dn80.yaml")}
    wrong = await client.post("/staff/admin/simulations", data={"csrf_token": _csrf(page.text), "as_of": "2026-01-01"},
                              files=files)
    assert wrong.status_code == 422 and "改革自2027-01-01起施行，测算日期不能早于该日" in wrong.text
    sent = await client.post("/staff/admin/simulations", data={"csrf_token": _csrf(page.text), "report_lang": "zh"},
                             files=files)
    assert sent.status_code == 303
    target = sent.headers["location"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        shown = await client.get(target)
        assert shown.status_code == 200
        if 'http-equiv="refresh"' not in shown.text:
            break
        time.sleep(0.3)
    assert "<h1>改革测算：给水接入“三零”服务范围由DN50以下扩大到DN80以下</h1>" in shown.text
    assert "<svg" in shown.text and "style=" not in shown.text.split('<div class="report">')[1]
    link = re.search(r'href="(/staff/admin/simulations/[0-9a-f]+/files/changes)"', shown.text)
    assert link
    changes = await client.get(link.group(1))
    assert changes.status_code == 200 and changes.text.startswith("行号,编号,企业名称,政策编号")
    # the admin's own list shows it; a partner key does not reach a staff member's simulation
    assert "registry.csv" in (await client.get("/staff/admin/simulations")).text
    ident = target.rsplit("/", 1)[1]
    assert (await client.get(f"/api/v1/simulations/{ident}", headers={"X-API-Key": keys[0]})).status_code == 404
