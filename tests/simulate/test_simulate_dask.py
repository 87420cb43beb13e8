"""`advisor simulate --engine dask`: a real Dask LocalCluster of two worker processes writes exactly the files
the local engine writes."""

from pathlib import Path

import pytest

from advisor.batch.synth import write_synthetic
from advisor.cli import main
from advisor.rulebase import RuleBase

distributed = pytest.importorskip("distributed", reason="dask[distributed] is installed by `make setup`")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reforms"
FILES = ("base.csv", "errors.csv", "changes.csv", "summary.csv", "breakdown.csv", "report.md")


def test_the_dask_engine_simulates_what_the_local_engine_does(tmp_path: Path, rulebase: RuleBase) -> None:
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 600, 2, rulebase)
    reform = str(EXAMPLES / "simple-low-risk-by-size.yaml")
    assert main(["simulate", str(registry), "--reform", reform, "--out", str(tmp_path / "local"), "--workers", "2",
                 "--quiet"]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") \
            as cluster:
        assert main(["simulate", str(registry), "--reform", reform, "--out", str(tmp_path / "dask"), "--engine",
                     "dask", "--scheduler", cluster.scheduler_address, "--quiet"]) == 0
    for name in FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert (tmp_path / "local" / "changes.csv").read_text(encoding="utf-8-sig").count("\n") > 1
