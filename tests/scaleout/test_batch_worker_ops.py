"""Batch workers as operators run them: JSON log lines on stderr beside the server's (no file in the batch
folder), figures at /metrics (jobs by state, rows, duration), and a worker-only host run exactly as
deploy/advisor-worker.service runs it."""

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from advisor.settings import Settings
from advisor.storage import engine_for, jobs, upgrade
from tests.servers import ROOT, advisor_serve, clean_env, free_port, running

DEPLOY = ROOT / "deploy"
NAME = "青羊区某某测试有限公司"
REGISTRY = f"id,企业名称,enterprise.in_qingyang\nE1,{NAME},是\nE2,{NAME}二,否\nE3,x,maybe\n"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def _log_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_servers_batch_worker_logs_json_beside_it_and_counts_at_metrics(tmp_path: Path) -> None:
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{tmp_path / 'advisor.db'}", ADVISOR_DATA_DIR=str(tmp_path),
                    ADVISOR_BATCH_WORKERS="1", ADVISOR_SECRET_KEY="k" * 40)
    upgrade(engine_for(Settings(database_url=env["ADVISOR_DATABASE_URL"])))
    log = tmp_path / "serve.log"
    with advisor_serve(env, log, "--workers", "2") as server, httpx.Client(base_url=server.url, timeout=30) as client:
        upload = client.post("/api/v1/batches", files={"file": ("registry.csv", REGISTRY.encode(), "text/csv")})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 180
        while (status := client.get(upload.json()["status_url"]).json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert status["state"] == "done" and (status["rows"], status["failed"]) == (3, 1), status
        scrapes = [_samples(client.get("/metrics", headers={"Connection": "close"}).text) for _ in range(4)]
    for scrape in scrapes:  # whichever server worker answers, the batch worker's figures are in it
        assert scrape[("advisor_batch_jobs", (("state", "done"),))] == 1
        assert scrape[("advisor_batch_jobs", (("state", "queued"),))] == 0
        assert scrape[("advisor_batch_rows_total", (("outcome", "screened"),))] == 2
        assert scrape[("advisor_batch_rows_total", (("outcome", "failed"),))] == 1
        assert scrape[("advisor_batch_job_duration_seconds_count", (("state", "done"),))] == 1
    lines = _log_lines(log)  # every line of the server and its batch worker is JSON
    worker = [line for line in lines if line["logger"] == "advisor.batch.worker"]
    assert [line["message"] for line in worker if line.get("job_id") == status["id"]][:2] == [
        "batch job started", "batch job done"]
    done = next(line for line in worker if line["message"] == "batch job done")
    assert (done["rows"], done["screened"], done["failed"]) == (3, 2, 1) and done["seconds"] > 0
    assert not list(tmp_path.rglob("*.log*")) or {p.name for p in tmp_path.rglob("*.log*")} == {"serve.log"}
    assert NAME not in log.read_text() and "maybe" not in log.read_text()  # no row's values


def _unit_command(unit: Path) -> list[str]:
    [line] = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
    command = shlex.split(line.removeprefix("ExecStart="))
    assert command[0] == "/opt/advisor/bin/advisor"
    return [sys.executable, "-m", "advisor", *command[1:]]


def test_a_worker_only_host_runs_jobs_as_its_systemd_unit_says(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'advisor.db'}"
    settings = Settings(database_url=database, data_dir=tmp_path)  # type: ignore[arg-type]
    engine = engine_for(settings)
    upgrade(engine)
    ident = jobs.new_job_id()
    folder = tmp_path / "batches" / ident
    folder.mkdir(parents=True)
    (folder / "input.csv").write_text(REGISTRY, encoding="utf-8")
    jobs.create_job(engine, ident, jobs.NewJob(owner="anonymous", request_hash="h", filename="registry.csv",
                                               input_name="input.csv", lang="en", status_url="http://x/"), 2)
    command = _unit_command(DEPLOY / "advisor-worker.service")
    port = free_port()
    command[command.index("--metrics-port") + 1] = str(port)
    command[command.index("--poll") + 1] = "0.5"  # the unit looks every 10 s; the test has no time to lose
    env = clean_env(ADVISOR_DATABASE_URL=database, ADVISOR_DATA_DIR=str(tmp_path), ADVISOR_BATCH_WORKERS="1")
    log = tmp_path / "worker.out"
    with running(command, f"http://127.0.0.1:{port}", log, env=env, ready="/metrics") as worker:
        deadline = time.monotonic() + 180
        while (job := jobs.get_job(engine, ident)) is not None and job.state not in ("done", "failed"):
            assert time.monotonic() < deadline and worker.process.poll() is None, log.read_text()[-2000:]
            time.sleep(0.2)
        figures = _samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text)
        assert worker.process.poll() is None  # still waiting for the next job
    assert job is not None and job.state == "done" and (job.rows, job.failed) == (3, 1)
    assert figures[("advisor_batch_rows_total", (("outcome", "screened"),))] == 2
    assert figures[("advisor_batch_job_duration_seconds_count", (("state", "done"),))] == 1
    messages = [line["message"] for line in _log_lines(log)]
    assert "batch job done" in messages and any(re.match(r"batch worker waiting for jobs", m) for m in messages)


@pytest.mark.parametrize("unit", ["advisor.service", "advisor-worker.service"])
def test_the_systemd_units_pass_systemd_analyze(unit: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (it comes with systemd)")
    advisor = Path(sys.executable).parent / "advisor"
    text = (DEPLOY / unit).read_text().replace("/opt/advisor/bin/advisor", str(advisor))
    (tmp_path / unit).write_text(text)
    checked = subprocess.run([analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
