"""Several processes opening the same new SQLite file at the same moment (two hosts' `advisor db upgrade`, a
server and a batch worker started together) all connect: switching the file to WAL can answer "database is
locked" at once, without waiting for the busy timeout, and the engine tries again."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.servers import ROOT, clean_env

PROCESSES = 4
ROUNDS = 12

# Each process opens round r's new file as soon as round r's starting file appears.
_OPENER = r"""
import sys, time
from pathlib import Path
from sqlalchemy import text
from advisor.storage import make_engine
folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
for round_ in range(rounds):
    while not (folder / f"go-{round_}").exists():
        time.sleep(0.001)
    engine = make_engine(f"sqlite:///{folder / f'round-{round_}.db'}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
"""


def test_processes_opening_a_new_file_together_all_connect(tmp_path: Path) -> None:
    openers = [subprocess.Popen([sys.executable, "-c", _OPENER, str(tmp_path), str(ROUNDS)], cwd=ROOT,
                                stderr=subprocess.PIPE, env=clean_env()) for _ in range(PROCESSES)]
    try:
        time.sleep(2)  # every process started and waiting for the first round
        for round_ in range(ROUNDS):
            (tmp_path / f"go-{round_}").touch()
            time.sleep(0.25)
        errors = [opener.communicate(timeout=120)[1].decode() for opener in openers]
    finally:
        for opener in openers:
            opener.kill()
            opener.wait()
    assert [opener.returncode for opener in openers] == [0] * PROCESSES, errors
    for round_ in range(ROUNDS):
        with sqlite3.connect(tmp_path / f"round-{round_}.db") as database:
            assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
