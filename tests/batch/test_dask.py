"""`advisor batch --engine dask`: a real Dask LocalCluster with two worker processes writes exactly the
files the local engine writes (results in input order, errors with line numbers, the summary)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.batch import run_batch
from advisor.batch.synth import write_synthetic
from advisor.cli import main
from advisor.rulebase import RuleBase

from . import officefiles

distributed = pytest.importorskip("distributed", reason="dask[distributed] is installed by `make setup`")
import dask  # noqa: E402  (after the skip)

ROWS = 400


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, rulebase: RuleBase) -> Path:
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    write_synthetic(path, ROWS, 31, rulebase)
    text = path.read_text(encoding="utf-8")
    width = len(text.splitlines()[0].split(","))
    path.write_text(text + "E-bad,abc" + "," * (width - 2) + "\n", encoding="utf-8")  # one bad row, last
    return path


@pytest.fixture(scope="module")
def local(registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "results.csv"
    run_batch(registry, out, workers=2)
    return out


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two single-threaded worker processes, as a remote cluster would be reached."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") \
            as cluster:
        yield cluster.scheduler_address


def _files(out: Path) -> list[bytes]:
    stem = out.with_suffix("")
    return [out.read_bytes(), stem.with_name(stem.name + ".errors.csv").read_bytes(),
            stem.with_name(stem.name + ".summary.csv").read_bytes()]


def test_the_dask_engine_on_a_scheduler_writes_what_the_local_engine_writes(
        registry: Path, local: Path, scheduler: str, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    code = main(["batch", str(registry), "--out", str(out), "--engine", "dask", "--scheduler", scheduler, "--quiet"])
    assert code == 1  # one row failed, as locally
    assert _files(out) == _files(local)
    assert out.read_text(encoding="utf-8").count("\n") == ROWS + 1
    assert b"E-bad" in _files(out)[1]


@pytest.mark.parametrize("name", ["title.xlsx", "unicode.txt", "excel.csv", "damaged.csv"])
def test_office_files_screen_on_dask_as_locally(name: str, scheduler: str, tmp_path: Path) -> None:
    """A title above the header, 小计 / 合计 rows, UTF-16 text, GB18030, a line with an invalid byte."""
    source = tmp_path / name
    if name == "title.xlsx":
        officefiles.write_xlsx(source)
    elif name == "unicode.txt":
        officefiles.write_unicode_text(source)
    elif name == "excel.csv":
        officefiles.write_gb18030_csv(source)
    else:
        source.write_text(officefiles.delimited(","), encoding="utf-8")
        officefiles.damage(source, "Q09", b"\xff", "utf-8")
    local = tmp_path / "local.csv"
    summary = run_batch(source, local, workers=0)
    assert (summary.rows, summary.failed, len(summary.skipped)) == (30, 1 if name == "damaged.csv" else 0, 2)
    out = tmp_path / "dask.csv"
    code = main(["batch", str(source), "--out", str(out), "--engine", "dask", "--scheduler", scheduler, "--quiet"])
    assert code == (1 if name == "damaged.csv" else 0)
    assert _files(out) == _files(local)


def test_the_dask_engine_starts_a_local_cluster_without_a_scheduler(registry: Path, local: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert main(["batch", str(registry), "--out", str(out), "--engine", "dask", "--workers", "2", "--quiet"]) == 1
    run_batch(registry, tmp_path / "local.jsonl", workers=0)
    assert out.read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_an_unreachable_scheduler_is_one_clear_error(registry: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(["batch", str(registry), "--out", str(tmp_path / "r.csv"), "--engine", "dask",
                     "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    assert code == 2
    assert "127.0.0.1:9" in capsys.readouterr().err


def test_jobs_over_http_screen_on_the_configured_scheduler(registry: Path, local: Path, scheduler: str,
                                                           tmp_path: Path) -> None:
    from advisor.batch.worker import FILES, JobRunner, job_folder
    from advisor.settings import Settings
    from advisor.storage import jobs, make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'advisor.db'}")
    upgrade(engine)
    settings = Settings(data_dir=tmp_path, batch_scheduler=scheduler)
    job_id = jobs.new_job_id()
    job_folder(settings, job_id).mkdir(parents=True)
    (job_folder(settings, job_id) / "input.csv").write_bytes(registry.read_bytes())
    jobs.create_job(engine, job_id, jobs.NewJob(owner="anonymous", request_hash="-", filename="registry.csv",
                                                input_name="input.csv", lang="zh", status_url="-"), max_jobs=1)
    assert JobRunner(settings, engine).run_until_idle() == 1
    job = jobs.get_job(engine, job_id)
    assert job is not None and (job.state, job.rows, job.failed) == ("done", ROWS + 1, 1)
    run_batch(registry, tmp_path / "local.csv", workers=0, include_undetermined=True, bom=False)
    written = job_folder(settings, job_id) / str(job.result_dir) / FILES["results"]
    assert written.read_bytes() == (tmp_path / "local.csv").read_bytes()
    engine.dispose()
