"""A process killed with SIGKILL while writing consultations loses none that it acknowledged."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.storage import Consultation, make_engine, upgrade
from tests.storage.helpers import snapshots

WRITER = Path(__file__).with_name("writer.py")
ROOT = Path(__file__).resolve().parents[2]
ACKNOWLEDGED = 30  # each is a real fsync; enough to kill the writer mid-transaction


def test_sigkill_loses_no_acknowledged_consultation(db_url: str, tmp_path: Path, advisor: Advisor,
                                                    presenter: Presenter) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    snapshot_file = tmp_path / "snapshot.json"
    advice = snapshots(advisor, presenter, {})
    snapshot_file.write_text(json.dumps({"documents": advice.documents, "provisions": advice.texts.provisions,
                                         "questions": advice.texts.questions}), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writer = subprocess.Popen([sys.executable, str(WRITER), db_url, str(snapshot_file)], stdout=subprocess.PIPE,
                              text=True, env=env, cwd=ROOT)
    assert writer.stdout is not None
    acknowledged: list[int] = []
    try:
        assert writer.stdout.readline().strip() == "ready"
        while len(acknowledged) < ACKNOWLEDGED:
            line = writer.stdout.readline()
            assert line, "the writer stopped early"
            acknowledged.append(int(line))
        writer.send_signal(signal.SIGKILL)  # mid-write: it is committing the next ones
    finally:
        writer.kill()
        writer.wait(timeout=30)
    # Anything printed before the kill reached us is acknowledged too; read what is left in the pipe.
    acknowledged += [int(line) for line in writer.stdout.read().split() if line.strip().isdigit()]
    writer.stdout.close()
    engine.dispose()
    engine = make_engine(db_url)  # a new process's view: reopen the database after the crash
    with Session(engine) as session:
        stored = set(session.exec(select(Consultation.id)).all())
    engine.dispose()
    lost = [number for number in acknowledged if number not in stored]
    assert len(acknowledged) >= ACKNOWLEDGED and lost == []
