"""POST /api/v1/batches and GET /api/v1/batches/{id}: a real background `advisor batch` process."""

import csv
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from advisor.assess import Advisor
from advisor.batch.synth import write_synthetic
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.synth import ProfileFactory
from web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def app(data_dir: Path) -> FastAPI:
    return create_app(Settings(data_dir=data_dir, batch_workers=1))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def _wait_done(client: httpx.AsyncClient, url: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = (await client.get(url)).json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
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
    status = await _wait_done(client, url)
    assert status["state"] == "done", status
    assert (status["rows"], status["failed"]) == (41, 1)

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


async def test_a_mistyped_field_column_is_refused_at_once(client: httpx.AsyncClient) -> None:
    # other unknown columns (企业名称, ...) are carried through; a dotted name of a section is a typo
    response = await client.post("/api/v1/batches", files={"file": ("r.csv", "id,project.floor_area\na,1\n",
                                                                    "text/csv")},
                                 headers={"accept-language": "en"})
    assert response.status_code == 422
    assert "project.floor_area_m2" in response.json()["detail"]


async def test_wrong_file_type_and_unknown_job(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/batches", files={"file": ("r.txt", "id\n1\n", "text/plain")})
    assert response.status_code == 415
    assert response.json()["detail"] == "请上传 .csv 或 .jsonl 文件"
    assert (await client.get("/api/v1/batches/0123456789abcdef")).status_code == 404
    assert (await client.get("/api/v1/batches/..%2F..%2Fetc")).status_code == 404
    assert (await client.get("/api/v1/batches/0123456789abcdef/files/results")).status_code == 404


async def test_a_partner_key_is_required_once_keys_are_enforced(data_dir: Path) -> None:
    app = create_app(Settings(data_dir=data_dir, batch_workers=1, api_keys_required=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post("/api/v1/batches", files={"file": ("r.csv", "id\nE1\n", "text/csv")})
        assert response.status_code == 401
        assert (await client.get("/api/v1/batches/0123456789abcdef")).status_code == 401


async def test_a_registry_larger_than_the_json_limit_is_accepted_but_not_a_larger_profile(
        data_dir: Path, tmp_path: Path, rulebase: RuleBase) -> None:
    app = create_app(Settings(max_body_bytes=10_000, max_upload_bytes=5_000_000,
                              data_dir=data_dir, batch_workers=1))
    registry = tmp_path / "big.csv"
    write_synthetic(registry, 300, 9, rulebase)
    assert 10_000 < registry.stat().st_size < 5_000_000
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        upload = await http.post("/api/v1/batches", files={"file": ("big.csv", registry.read_bytes(), "text/csv")})
        assert upload.status_code == 202, upload.text
        profile = {"profile": {"enterprise": {"in_qingyang": True}}, "pad": "x" * 20_000}
        assert (await http.post("/api/v1/assessments", json=profile)).status_code == 413
        assert (await _wait_done(http, upload.json()["status_url"]))["state"] == "done"
