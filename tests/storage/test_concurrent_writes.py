"""32 window staff saving at once on the embedded SQLite file: 2,000 saves, none lost, no error.

Each thread does what a request does: read the staff member in its session, then save a
consultation through the real save path (write_with_retry + record_consultation)."""

import threading
from pathlib import Path

from sqlmodel import Session, select

from advisor.assess import Advisor
from advisor.document import Advice
from advisor.present import Presenter
from advisor.storage import Consultation, StaffUser, make_engine, upgrade, write_with_retry
from advisor.storage.consultations import Applicant, record_consultation
from advisor.storage.staff import create_staff
from tests.storage.helpers import WAREHOUSE, snapshots

WRITERS = 32
SAVES = 2000


def test_2000_concurrent_saves_on_sqlite_all_succeed(tmp_path: Path, advisor: Advisor, presenter: Presenter) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'advisor.db'}")
    upgrade(engine)
    with Session(engine) as session:
        create_staff(session, "wang", "a long enough secret")
        session.commit()
    docs = snapshots(advisor, presenter, WAREHOUSE)
    # A few findings per document keep the test quick; the transactions are those of a real save.
    docs = Advice({lang: dict(doc, findings=doc["findings"][:4]) for lang, doc in docs.documents.items()}, docs.texts)
    errors: list[Exception] = []
    saved: list[int] = []
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        barrier.wait()
        for index in range(SAVES // WRITERS + (number < SAVES % WRITERS)):
            try:
                with Session(engine, expire_on_commit=False) as session:
                    staff = session.exec(select(StaffUser).where(StaffUser.name == "wang")).one()
                    applicant = Applicant(f"applicant {number}-{index}")
                    consultation = write_with_retry(session, lambda s, staff=staff, applicant=applicant:
                                                    record_consultation(s, staff, WAREHOUSE, docs, "zh", applicant))
                    saved.append(consultation.id or 0)
            except Exception as error:  # every error is a lost save
                errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(saved) == SAVES
    with Session(engine) as session:
        stored = set(session.exec(select(Consultation.id)).all())
    assert stored == set(saved)
    engine.dispose()
