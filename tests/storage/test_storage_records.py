"""Staff accounts, consultations, search, statistics, API keys and the audit log on both databases."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from advisor import clock
from advisor.assess import Advisor
from advisor.clock import now
from advisor.present import Presenter
from advisor.storage import (
    AuditEvent,
    Consultation,
    ConsultationFinding,
    StaffUser,
    apikeys,
    make_engine,
    stats,
    upgrade,
)
from advisor.storage.consultations import (
    Applicant,
    Search,
    advice_document,
    count_consultations,
    delete_consultation,
    record_consultation,
    search_consultations,
)
from advisor.storage.staff import MAX_PER_ADDRESS, MAX_PER_NAME, StaffError, authenticate, create_staff
from tests.storage.helpers import WAREHOUSE, snapshots


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _staff(engine: Engine, name: str = "wang", role: str = "staff") -> StaffUser:
    with Session(engine, expire_on_commit=False) as session:
        user = create_staff(session, name, "a long enough secret", role)
        session.commit()
        return user


def test_login_answers_the_same_for_unknown_name_and_wrong_password(engine: Engine) -> None:
    _staff(engine)
    with Session(engine) as session:
        assert authenticate(session, "wang", "a long enough secret").user is not None
        wrong = authenticate(session, "wang", "not the secret")
        unknown = authenticate(session, "nobody", "not the secret")
        session.commit()
    assert wrong == unknown  # both (None, locked=False): nothing tells the two apart
    with Session(engine) as session:
        actions = [event.action for event in session.exec(select(AuditEvent))]
    assert actions.count("login") == 1 and actions.count("login_failed") == 2


def test_repeated_failures_lock_the_address_then_the_name(engine: Engine) -> None:
    _staff(engine)
    right = "a long enough secret"
    with Session(engine) as session:
        for _ in range(MAX_PER_ADDRESS):
            assert authenticate(session, "wang", "guess", "10.0.0.1").user is None
        flood = authenticate(session, "wang", right, "10.0.0.1")
        assert flood.user is None and flood.locked  # that address is refused, even with the right password
        # ...but the flood stopped before the name was locked: the real owner logs in from elsewhere.
        assert authenticate(session, "wang", right, "10.0.0.2").user is not None
        for number in range(MAX_PER_NAME):  # a distributed guess at one name locks the name
            authenticate(session, "wang", "guess", f"10.1.0.{number}")
        result = authenticate(session, "wang", right, "10.2.0.1")
        assert result.user is None and result.locked
        for number in range(MAX_PER_NAME):  # a name that does not exist locks the same way
            authenticate(session, "ghost", "guess", f"10.3.0.{number}")
        assert authenticate(session, "ghost", "guess", "10.4.0.1").locked


def test_staff_names_are_unique_and_passwords_long(engine: Engine) -> None:
    _staff(engine)
    with Session(engine) as session, pytest.raises(StaffError, match="already exists"):
        create_staff(session, "wang", "another long secret")
    with Session(engine) as session, pytest.raises(StaffError, match="at least"):
        create_staff(session, "li", "short")
    with Session(engine) as session:
        stored = session.exec(select(StaffUser)).one().password_hash
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored


def test_consultations_are_searchable_and_counted(engine: Engine, advisor: Advisor, presenter: Presenter) -> None:
    with clock.frozen(clock.now()):  # one moment for the whole test: the district's midnight cannot fall inside
        _search_and_count(engine, advisor, presenter)


def _search_and_count(engine: Engine, advisor: Advisor, presenter: Presenter) -> None:
    staff = _staff(engine)
    docs = snapshots(advisor, presenter, WAREHOUSE)
    bare = snapshots(advisor, presenter, {})
    with Session(engine, expire_on_commit=False) as session:
        first = record_consultation(session, staff, WAREHOUSE, docs, "zh",
                                    Applicant("成都某仓储有限公司", "91350100M000100Y43", "028-1234"))
        second = record_consultation(session, staff, {}, bare, "en", Applicant("Another Co"))
        session.commit()
    eligible_rule = next(f["id"] for f in docs.documents["zh"]["findings"] if f["status"] == "eligible")
    with Session(engine) as session:
        assert [c.id for c in search_consultations(session, Search())] == [second.id, first.id]
        assert [c.id for c in search_consultations(session, Search(credit_code="91350100m"))] == [first.id]
        assert [c.id for c in search_consultations(session, Search(applicant="仓储"))] == [first.id]
        assert [c.id for c in search_consultations(session, Search(provision=eligible_rule,
                                                                  status="eligible"))] == [first.id]
        today = clock.today()
        assert count_consultations(session, Search(date_from=today - timedelta(days=1), date_to=today)) == 2
        assert count_consultations(session, Search(date_to=today - timedelta(days=2))) == 0
        stored = session.get(Consultation, first.id)
        assert stored is not None and stored.profile == WAREHOUSE
        assert advice_document(session, stored, "en") == docs.expanded("en")
        assert advice_document(session, stored, "zh") == docs.expanded("zh")

        rows = {row.rule_id: row.counts for row in stats.provision_counts(session)}
        assert rows[eligible_rule]["eligible"] == 1
        assert sum(sum(counts.values()) for counts in rows.values()) == 2 * len(docs.documents["zh"]["findings"])
        missing = dict((key, consultations) for key, _, consultations in stats.top_gaps(session, "missing", 100))
        settle = docs.documents["zh"]["questions_to_settle"][0]["field"]
        assert missing[settle] >= 1
        weeks = stats.weekly(session)
        assert len(weeks) == 1 and weeks[0].consultations == 2

        assert delete_consultation(session, first.id)
        session.commit()
        assert count_consultations(session, Search()) == 1
        left = session.exec(select(ConsultationFinding.consultation_id)).all()
        assert set(left) == {second.id}


def test_api_keys_count_requests_and_stop_working_when_revoked(engine: Engine) -> None:
    admin = _staff(engine, "admin", "admin")
    with Session(engine, expire_on_commit=False) as session:
        client, key = apikeys.create_key(session, "蓉易享", admin)
        session.commit()
    assert key not in client.key_hash
    with Session(engine) as session:
        active = apikeys.active_keys(session)
        assert active[apikeys.digest(key)].name == "蓉易享" and apikeys.digest(key + "x") not in active
        for _ in range(3):
            apikeys.add_usage(session, {client.id: (1, now())})  # type: ignore[dict-item]
            session.commit()
        assert apikeys.list_keys(session)[0].request_count == 3
        assert apikeys.revoke_key(session, client.id, admin)  # type: ignore[arg-type]
        session.commit()
        assert apikeys.digest(key) not in apikeys.active_keys(session)
        actions = [event.action for event in session.exec(select(AuditEvent))]
    assert actions == ["apikey_create", "apikey_revoke"]


def test_search_takes_percent_and_underscore_literally(engine: Engine, advisor: Advisor, presenter: Presenter) -> None:
    staff = _staff(engine)
    docs = snapshots(advisor, presenter, {})
    with Session(engine, expire_on_commit=False) as session:
        literal = record_consultation(session, staff, {}, docs, "zh", Applicant("100%_Co"))
        record_consultation(session, staff, {}, docs, "zh", Applicant("1000 Co"))
        record_consultation(session, staff, {}, docs, "zh", Applicant("Plain Co"))
        session.commit()
    with Session(engine) as session:
        assert [row.id for row in search_consultations(session, Search(applicant="100%_"))] == [literal.id]
        assert [row.id for row in search_consultations(session, Search(applicant="%"))] == [literal.id]
        assert count_consultations(session, Search(applicant="_")) == 1
        assert count_consultations(session, Search(credit_code="%")) == 0


def test_a_consultation_counts_on_the_district_day(engine: Engine, advisor: Advisor, presenter: Presenter,
                                                   moment: tuple[datetime, date], process_zone: str) -> None:
    """Recorded at a moment where the UTC date (or the process's zone) says another day: the search by
    the district's day, its week and the default "today" all find it on the district's day."""
    when, district_day = moment
    staff = _staff(engine)
    with clock.frozen(when), Session(engine, expire_on_commit=False) as session:
        bare = snapshots(advisor, presenter, {})
        record_consultation(session, staff, {}, bare, "zh", Applicant("Night Co"))
        session.commit()
        assert clock.today() == district_day
        assert count_consultations(session, Search(date_from=district_day, date_to=district_day)) == 1
        assert count_consultations(session, Search(date_to=district_day - timedelta(days=1))) == 0
        assert count_consultations(session, Search(date_from=district_day + timedelta(days=1))) == 0
        [row] = search_consultations(session, Search())
        assert clock.local(row.created_at).date() == district_day
        assert row.as_of == district_day  # the assessment's default date is the same day
        [week] = stats.weekly(session)
        assert week.week == district_day - timedelta(days=district_day.weekday())
