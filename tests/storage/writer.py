"""Durability test helper, run as a subprocess: writes consultations forever, printing each id
only after its transaction committed. The test kills it with SIGKILL and reads the ids back."""

import json
import sys
from pathlib import Path

from sqlmodel import Session

from advisor.document import Advice, CatalogTexts
from advisor.storage import make_engine
from advisor.storage.consultations import Applicant, record_consultation
from advisor.storage.staff import create_staff


def main(url: str, snapshot_file: str) -> None:
    kept = json.loads(Path(snapshot_file).read_text(encoding="utf-8"))
    docs = Advice(kept["documents"], CatalogTexts(kept["provisions"], kept["questions"]))
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        staff = create_staff(session, "writer", "a long enough secret")
        session.commit()
    print("ready", flush=True)
    number = 0
    while True:
        number += 1
        with Session(engine) as session:
            consultation = record_consultation(session, staff, {}, docs, "zh", Applicant(f"applicant {number}"))
            session.commit()
            print(consultation.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
