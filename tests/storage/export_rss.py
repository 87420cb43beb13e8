"""Export memory probe, run as a subprocess by test_export_memory.py (or by hand):

    python -m tests.storage.export_rss DATABASE_URL [ROWS]

Fills the database with ROWS consultations (100,000 by default; bulk INSERTs sharing one stored
advice document), serves the real app with uvicorn in this process, logs in as an admin and streams
/staff/export.csv. Prints JSON: rows received, the resident memory (RSS, /proc/self/statm) just before
the export and the most it reached while streaming (sampled every 1,000 rows), in MB.
"""

import json
import os
import resource
import sys
from datetime import UTC, date, datetime

import httpx
from sqlalchemy import insert
from sqlmodel import Session

PASSWORD = "a long enough secret"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def fill(rows: int) -> None:
    from advisor.assess import Advisor
    from advisor.catalog_texts import advice
    from advisor.present import Presenter
    from advisor.storage import Consultation, get_engine, upgrade
    from advisor.storage.advice import pack
    from advisor.storage.staff import create_staff

    upgrade()
    advisor = Advisor()
    presenter = Presenter(advisor.rulebase)
    assessment = advisor.assess_data({})
    with Session(get_engine()) as session:
        staff = create_staff(session, "chief", PASSWORD, "admin")
        base, advice = pack(session, advice(presenter, assessment))
        moment = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        base = {"created_at": moment, "week": date(2026, 11, 2), "staff_id": staff.id, "staff_name": "chief",
                "credit_code": "91350100M000100Y43", "contact": "028-12345678", "lang": "zh",
                "as_of": date(2026, 11, 2), "rulebase_version": "v", "eligible": 3, "undetermined": 40,
                "not_eligible": 60, "eligible_rules": "joint-acceptance-small-industrial phased-acceptance",
                "profile": {}, "advice_base": base, "advice": advice}
        for start in range(0, rows, 5000):
            session.execute(insert(Consultation), [dict(base, applicant_name=f"成都某企业{number}有限公司")
                                                   for number in range(start, min(rows, start + 5000))])
        session.commit()


def main(url: str, rows: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "export-probe-secret")
    fill(rows)
    from advisor.settings import Settings
    from tests.servers import serving

    # The server stops (leaving the block) before this process ends: a daemon thread still serving while
    # the interpreter finalizes can crash it (seen: SIGSEGV after the result was printed).
    with serving(Settings()) as (base, _), httpx.Client(base_url=base, timeout=600) as client:
        page = client.get("/staff/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/staff/login", data={"name": "chief", "password": PASSWORD, "csrf_token": token})
        client.get("/staff/consultations")  # warm: templates compiled, pool connected
        before = highest = _rss_mb()
        received = 0
        with client.stream("GET", "/staff/export.csv") as response:
            response.raise_for_status()
            for _line in response.iter_lines():
                received += 1
                if received % 1000 == 0:
                    highest = max(highest, _rss_mb())
    print(json.dumps({"rows": received - 1, "rss_mb_before": round(before, 1),
                      "rss_mb_max_during": round(max(highest, _rss_mb()), 1)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
