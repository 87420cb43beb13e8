"""Durable batch jobs with real processes: `advisor serve` servers and `advisor batch-worker` workers on a
real SQLite file and a real PostgreSQL server. A killed worker never leaves a job running; two servers
share the jobs; parallel uploads never pass the job limit; crafted rows never leave a job running."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from advisor.batch import run_batch
from advisor.batch.synth import write_synthetic
from advisor.rulebase import RuleBase
from advisor.storage import jobs, make_engine, upgrade
from advisor.storage.models import BatchJob
from tests.batch.jobservers import csv_rows, job_env, kill_worker, served, wait_for
from tests.pgserver import PgServer, db_url, pg_server  # noqa: F401  (fixtures)


def _migrated(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _job(url: str, job_id: str) -> BatchJob:
    engine = make_engine(url)
    try:
        found = jobs.get_job(engine, job_id)
        assert found is not None
        return found
    finally:
        engine.dispose()


ROWS = 2000


def test_a_worker_killed_mid_job_is_replaced_and_no_row_is_lost_or_doubled(tmp_path: Path,
                                                                             rulebase: RuleBase) -> None:
    url = _migrated(f"sqlite:///{tmp_path / 'advisor.db'}")
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, ROWS, 21, rulebase)
    with served(job_env(url, tmp_path / "data"), tmp_path / "server.log") as server, \
            httpx.Client(base_url=server, timeout=30) as client:
        upload = client.post("/api/v1/batches", data={"lang": "en"},
                             files={"file": ("registry.csv", registry.read_bytes())})
        assert upload.status_code == 202, upload.text
        status_url = upload.json()["status_url"]
        running = wait_for(client, status_url, until=("running",))
        while running["rows"] == 0:  # mid-job: some blocks written, most not
            running = wait_for(client, status_url, until=("running", "done"))
        assert running["state"] == "running", "the job finished before it could be killed: use more rows"
        first = _job(url, upload.json()["id"])
        assert first.worker is not None
        kill_worker(first.worker)

        status = wait_for(client, status_url)
        results = client.get(status["files"]["results"]).content if status["state"] == "done" else b""
    assert status["state"] == "done", status
    assert status["attempts"] == 2 and status["rows"] == ROWS and status["failed"] == 0
    assert _job(url, status["id"]).worker != first.worker
    lines = [int(row["line"]) for row in csv_rows(results.decode("utf-8"))]
    assert lines == list(range(2, ROWS + 2))  # every row once, in order
    run_batch(registry, tmp_path / "local.csv", workers=0, lang="en", include_undetermined=True, bom=False)
    assert results == (tmp_path / "local.csv").read_bytes()  # what an uninterrupted run writes


def test_a_job_whose_worker_stays_dead_fails_with_the_reason(tmp_path: Path, rulebase: RuleBase) -> None:
    url = _migrated(f"sqlite:///{tmp_path / 'advisor.db'}")
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 2000, 22, rulebase)
    env = job_env(url, tmp_path / "data", batch_max_attempts=1)
    with served(env, tmp_path / "server.log") as server, httpx.Client(base_url=server, timeout=30) as client:
        upload = client.post("/api/v1/batches", data={"lang": "en"},
                             files={"file": ("registry.csv", registry.read_bytes())})
        wait_for(client, upload.json()["status_url"], until=("running",))
        kill_worker(_job(url, upload.json()["id"]).worker or "")
        status = wait_for(client, upload.json()["status_url"])
        assert status["state"] == "failed" and "worker stopped" in status["error"], status
        assert status["files"] is None
        assert client.get(f"{upload.json()['status_url']}/files/results").status_code == 404


def _crafted_rows() -> str:
    good = {"id": "E1", "enterprise.in_qingyang": True, "enterprise.size": "small"}
    lines = [json.dumps(good),
             '{"id": "\\ud800", "enterprise.credit_code": "\\ud800abc"}',  # a lone surrogate
             "[" * 100_000 + "]" * 100_000,  # nested 100,000 deep
             '{"id": "E4", "project.floor_area_m2": ' + "9" * 5000 + "}",  # a 5,000-digit integer
             json.dumps({**good, "id": "E5"})]
    return "\n".join(lines) + "\n"


def test_crafted_rows_never_leave_a_job_running(tmp_path: Path) -> None:
    url = _migrated(f"sqlite:///{tmp_path / 'advisor.db'}")
    with served(job_env(url, tmp_path / "data"), tmp_path / "server.log") as server, \
            httpx.Client(base_url=server, timeout=30) as client:
        upload = client.post("/api/v1/batches", data={"lang": "en"},
                             files={"file": ("crafted.jsonl", _crafted_rows().encode())})
        assert upload.status_code == 202, upload.text
        status = wait_for(client, upload.json()["status_url"])
    # either every row is accounted for (the two good ones screened) or the job says why it failed
    if status["state"] == "done":
        assert status["rows"] == 5 and status["failed"] == 3 and status["screened"] == 2, status
    else:
        assert status["state"] == "failed" and status["error"], status
        assert status["attempts"] == 1  # a failing file is not run again and again


def test_two_servers_on_one_postgresql_share_the_jobs(pg_server: PgServer, tmp_path: Path,  # noqa: F811
                                                      rulebase: RuleBase) -> None:
    url = _migrated(pg_server.create_database())
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 60, 23, rulebase)
    shared = tmp_path / "shared-batches"  # the storage both hosts mount
    first_env = job_env(url, tmp_path / "host-a", batch_dir=shared)
    second_env = job_env(url, tmp_path / "host-b", batch_dir=shared)
    with served(first_env, tmp_path / "a.log") as host_a, served(second_env, tmp_path / "b.log") as host_b, \
            httpx.Client(timeout=30) as client:
        upload = client.post(f"{host_a}/api/v1/batches", files={"file": ("registry.csv", registry.read_bytes())})
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["id"]
        on_b = wait_for(client, f"{host_b}/api/v1/batches/{job_id}")
        on_a = client.get(f"{host_a}/api/v1/batches/{job_id}").json()
        assert on_b["state"] == on_a["state"] == "done" and on_b["rows"] == on_a["rows"] == 60
        results = client.get(f"{host_b}/api/v1/batches/{job_id}/files/results")
        assert results.status_code == 200 and len(csv_rows(results.text)) == 60
        # and the other way round
        upload = client.post(f"{host_b}/api/v1/batches", files={"file": ("registry.csv", registry.read_bytes())})
        assert wait_for(client, f"{host_a}/api/v1/batches/{upload.json()['id']}")["rows"] == 60


def test_six_parallel_uploads_never_pass_the_job_limit(db_url: str, tmp_path: Path,  # noqa: F811
                                                       rulebase: RuleBase) -> None:
    url = _migrated(db_url)
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 1000, 24, rulebase)
    content = registry.read_bytes()
    env = job_env(url, tmp_path / "data", batch_max_jobs=2)
    with served(env, tmp_path / "server.log", workers=2) as server:
        start = threading.Barrier(6)

        def upload(_: int) -> httpx.Response:
            with httpx.Client(base_url=server, timeout=60) as client:
                start.wait()
                return client.post("/api/v1/batches", files={"file": ("registry.csv", content)})

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(upload, range(6)))
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [202, 202, 503, 503, 503, 503], [answer.text for answer in answers]
        assert all(answer.headers["retry-after"] for answer in answers if answer.status_code == 503)
        engine = make_engine(url)
        with Session(engine) as session:
            assert len(session.exec(select(BatchJob)).all()) == 2
        engine.dispose()
        with httpx.Client(timeout=30) as client:
            for answer in answers:
                if answer.status_code == 202:
                    assert wait_for(client, answer.json()["status_url"])["state"] == "done"


def test_concurrent_claims_take_each_job_once(db_url: str) -> None:  # noqa: F811
    url = _migrated(db_url)
    engine = make_engine(url)
    for number in range(6):
        jobs.create_job(engine, jobs.new_job_id(), jobs.NewJob(
            owner="anonymous", request_hash="h", filename=f"{number}.csv", input_name="input.csv", lang="zh",
            status_url="http://test/"), max_jobs=6)
    with pytest.raises(jobs.SlotsFull):
        jobs.create_job(engine, jobs.new_job_id(), jobs.NewJob(
            owner="anonymous", request_hash="h", filename="7.csv", input_name="input.csv", lang="zh",
            status_url="http://test/"), max_jobs=6)
    start = threading.Barrier(4)

    def claim_all(worker: int) -> list[str]:
        start.wait()
        taken = []
        while (job := jobs.claim_next(engine, f"worker-{worker}")) is not None:
            taken.append(job.id)
        return taken

    with ThreadPoolExecutor(4) as pool:
        claimed = [job_id for taken in pool.map(claim_all, range(4)) for job_id in taken]
    assert len(claimed) == len(set(claimed)) == 6
    engine.dispose()
