"""The log of a real `advisor serve`: JSON lines with request ids, the partner's name, status and duration,
and never an answer, a password, a key or a cookie."""

import json
import logging
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from advisor.clock import now
from advisor.logs import JsonFormatter
from advisor.storage import ApiClient, make_engine, upgrade
from advisor.storage.apikeys import create_key
from advisor.storage.staff import create_staff
from tests.pgserver import db_url, pg_server  # noqa: F401  (fixtures)
from tests.servers import advisor_serve, clean_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple 7"


def _prepared_database(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        admin = create_staff(session, "chief", PASSWORD, "admin")
        _, key = create_key(session, "蓉易享平台", admin)
        session.commit()
    engine.dispose()
    return url, key


def test_json_lines_carry_request_ids_and_never_secrets_or_answers(tmp_path: Path) -> None:
    database, key = _prepared_database(tmp_path)
    log_path = tmp_path / "serve.log"
    env = clean_env(ADVISOR_DATABASE_URL=database, ADVISOR_DATA_DIR=str(tmp_path), ADVISOR_SECRET_KEY="k" * 40)
    with advisor_serve(env, log_path) as server:
        url = server.url
        answers = "project.floor_area_m2=1234.5&enterprise.credit_code=91350100M000100Y43"
        assert httpx.get(f"{url}/results?{answers}", timeout=10).status_code == 200
        profile = {"project": {"funding": "enterprise", "type": "warehouse", "floor_area_m2": 4321.75}}
        assessed = httpx.post(f"{url}/api/v1/assessments", json={"profile": profile}, timeout=10,
                              headers={"X-API-Key": key, "X-Request-ID": "partner-req-0042"})
        assert assessed.status_code == 200
        assert assessed.headers["X-Request-ID"] == "partner-req-0042"
        odd = httpx.get(f"{url}/healthz", headers={"X-Request-ID": "bad id\twith spaces"}, timeout=10)
        assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])  # replaced, not echoed
        with httpx.Client(base_url=url, timeout=10) as staff:
            token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/staff/login").text)
            assert token
            login = staff.post("/staff/login", data={"name": "chief", "password": PASSWORD,
                                                     "csrf_token": token.group(1)})
            assert login.status_code == 303
            cookies = [value for value in staff.cookies.values() if len(value) > 16]
            assert cookies and staff.get("/staff/admin/keys").status_code == 200
    text = log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON
    access = [line for line in lines if line["logger"] == "advisor.access"]
    assessment = next(line for line in access if line["path"] == "/api/v1/assessments")
    assert assessment["request_id"] == "partner-req-0042"
    assert assessment["api_client"] == "蓉易享平台"
    assert assessment["status"] == 200 and assessment["method"] == "POST" and assessment["duration_ms"] > 0
    assert {"/results", "/staff/login", "/staff/admin/keys"} <= {line["path"] for line in access}
    assert all(re.fullmatch(r"[\w.:\-]{1,64}", line["request_id"]) for line in access)
    for secret in ("1234.5", "91350100M000100Y43", "4321.75", key, key[4:20], PASSWORD, *cookies):
        assert secret not in text, secret


def test_a_logged_database_error_never_carries_the_values_of_a_statement(db_url: str) -> None:  # noqa: F811
    engine = make_engine(db_url)
    upgrade(engine)
    secret_hash = "f" * 63 + "0"
    with Session(engine) as session:
        admin = create_staff(session, "chief", PASSWORD, "admin")
        session.add(ApiClient(name="甲", prefix="qyk_a", key_hash=secret_hash, created_at=now(), created_by=admin.id))
        session.commit()
        session.add(ApiClient(name="乙", prefix="qyk_b", key_hash=secret_hash, created_at=now(), created_by=admin.id))
        with pytest.raises(IntegrityError) as error:
            session.commit()
    engine.dispose()
    record = logging.LogRecord("web", logging.ERROR, __file__, 1, "could not save", None,
                               (error.type, error.value, error.tb))
    line = json.loads(JsonFormatter().format(record))
    assert "INSERT INTO api_client" in line["exception"]  # the statement and where, for whoever reads the log ...
    assert "IntegrityError" in line["exception"] and "test_logs.py" in line["exception"]
    assert secret_hash not in line["exception"] and "乙" not in line["exception"]  # ... never its values
