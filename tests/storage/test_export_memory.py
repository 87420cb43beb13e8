"""The admin's CSV export of 100,000 records streams in flat memory (the RSS of the process that
serves and reads the export, sampled in a subprocess: tests/storage/export_rss.py), on both databases."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
LIMIT_MB = 200


def test_export_of_100000_records_stays_under_200_mb(db_url: str) -> None:
    probe = subprocess.run([sys.executable, "-m", "tests.storage.export_rss", db_url, str(ROWS)], cwd=ROOT,
                           capture_output=True, text=True, timeout=900, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert probe.returncode == 0, probe.stderr[-2000:]
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    print(result)
    assert result["rows"] == ROWS
    assert result["rss_mb_max_during"] < LIMIT_MB
    assert result["rss_mb_max_during"] - result["rss_mb_before"] < 40  # flat: the export adds little
