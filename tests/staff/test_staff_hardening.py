"""The security review's findings on the staff pages, through the real server: parallel guesses,
text no database stores, ids past the integer range, mangled cookies, CSRF bound to the session,
security headers, the staff-admin page, and logs without values; on SQLite and PostgreSQL."""

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from advisor.storage import AuditEvent, get_engine
from advisor.storage import staff as staff_module
from advisor.storage.staff import MAX_PER_NAME, authenticate
from tests.pgserver import PgServer
from tests.staff.conftest import PASSWORD, csrf_from, login, seeded, staff_server
from tests.staff.test_staff_consultations import FORM


@pytest.fixture(params=["sqlite", "postgresql"])
def both_databases(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's database, migrated, with `wang` (staff) and `chief` (admin): SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'advisor.db'}"
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create_database()
    yield from seeded(url, monkeypatch)


@pytest.fixture
def server_on_both(both_databases: str, tmp_path: Path) -> Iterator[str]:
    """The app on each of the two databases in turn: its base URL."""
    with staff_server(both_databases, tmp_path) as (url, _):
        yield url


def test_forty_parallel_logins_check_at_most_five_passwords(server_on_both: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    server_url = server_on_both
    checks: list[str] = []
    real_verify = staff_module.verify_password
    monkeypatch.setattr(staff_module, "verify_password",
                        lambda password, stored: checks.append(password) or real_verify(password, stored))
    clients = [httpx.Client(base_url=server_url, timeout=60) for _ in range(40)]
    tokens = [csrf_from(client.get("/staff/login").text) for client in clients]
    statuses: list[int] = []
    barrier = threading.Barrier(40)

    def attempt(number: int) -> None:
        password = PASSWORD if number == 39 else f"guess number {number}"
        barrier.wait()
        response = clients[number].post("/staff/login", data={"name": "wang", "password": password,
                                                               "csrf_token": tokens[number]})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert len(statuses) == 40 and set(statuses) <= {303, 401}  # no 500: every attempt answered
    assert len(checks) <= 5
    assert statuses.count(303) <= 1


def test_text_no_database_stores_is_a_field_error(client_on: httpx.Client) -> None:
    login(client_on, "wang")
    token = csrf_from(client_on.get("/staff/consultations/new").text)
    for field, value, anchor in (("applicant_name", "名" * 201, "a-applicant_name"),
                                 ("contact", "028\x001234", "a-contact"),
                                 ("applicant_name", "a\x00b", "a-applicant_name"),
                                 ("enterprise.credit_code", "9135\x00", "f-enterprise-credit_code")):
        response = client_on.post("/staff/consultations", data={**FORM, field: value, "csrf_token": token})
        assert response.status_code == 422, (field, response.status_code)
        assert f'<a href="#{anchor}">' in response.text  # the error links to its field
    for name in ("applicant", "credit_code", "provision"):
        page = client_on.get("/staff/consultations", params={name: "a\x00b"})
        assert page.status_code == 200 and "不允许的控制字符" in page.text
    assert client_on.get("/staff/consultations", params={"page": str(10**30)}).status_code == 200
    for number in (2**31, 2**63, 10**30, -1, 0):
        assert client_on.get(f"/staff/consultations/{number}").status_code == 404
        assert client_on.get(f"/staff/consultations/{number}/slip").status_code == 404
    anonymous = httpx.Client(base_url=str(client_on.base_url), timeout=30)
    token = csrf_from(anonymous.get("/staff/login").text)
    refused = anonymous.post("/staff/login", data={"name": "wa\x00ng", "password": "x\x00", "csrf_token": token})
    assert refused.status_code == 401
    anonymous.close()


@pytest.fixture
def client_on(server_on_both: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_on_both, follow_redirects=True, timeout=30) as client:
        yield client


def test_non_ascii_session_cookie_or_csrf_token_is_refused_not_an_error(server_url: str, database: str) -> None:
    raw = {"cookie": "qy_staff=\xe9t\xe9; qy_csrf=caf\xe9".encode("latin-1")}
    with httpx.Client(base_url=server_url, timeout=30) as client:
        for path in ("/staff/login", "/staff/consultations", "/staff/stats"):
            response = client.get(path, headers=raw)  # type: ignore[arg-type]
            assert response.status_code in (200, 303), (path, response.status_code)
        form = {"name": "wang", "password": PASSWORD, "csrf_token": "caf\xe9"}
        posted = client.post("/staff/login", headers=raw, data=form)  # type: ignore[arg-type]
        assert posted.status_code == 403


def test_csrf_token_is_bound_to_the_session(client: httpx.Client) -> None:
    before_login = csrf_from(client.get("/staff/login").text)
    login(client, "wang")
    refused = client.post("/staff/logout", data={"csrf_token": before_login}, follow_redirects=False)
    assert refused.status_code == 403
    fresh = csrf_from(client.get("/staff/consultations").text)
    assert fresh != before_login
    assert client.post("/staff/logout", data={"csrf_token": fresh}, follow_redirects=False).status_code == 303


def test_every_page_carries_the_security_headers(client: httpx.Client) -> None:
    login(client, "chief")
    for path in ("/", "/provisions", "/docs", "/api/v1/questions", "/healthz", "/staff/login", "/staff/consultations",
                 "/staff/stats", "/staff/admin/accounts", "/static/style.css", "/no-such-page", "/openapi.json"):
        response = client.get(path)
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
        assert response.headers.get("x-content-type-options") == "nosniff", path
        assert response.headers.get("referrer-policy") == "same-origin", path
        if response.headers.get("content-type", "").startswith("text/html") and path != "/docs":
            assert "<script>" not in response.text and "<style" not in response.text and "onclick" not in response.text


def test_admin_unlocks_deactivates_and_resets_on_the_page(client: httpx.Client) -> None:
    with Session(get_engine()) as session:
        for number in range(MAX_PER_NAME + 1):
            authenticate(session, "wang", "guess", f"10.8.0.{number}")
    login(client, "chief")
    page = client.get("/staff/admin/accounts").text
    assert "已锁定" in page

    def post(action: str, **extra: str) -> httpx.Response:
        token = csrf_from(client.get("/staff/admin/accounts").text)
        return client.post(f"/staff/admin/accounts/{action}", data={"name": "wang", "csrf_token": token, **extra})

    assert "已锁定" not in post("unlock").text
    with httpx.Client(base_url=str(client.base_url), follow_redirects=True, timeout=30) as window:
        login(window, "wang")
        assert post("reset-password", password="short").status_code == 422
        assert post("reset-password", password="a brand new secret").status_code == 200
        assert "/staff/login" in str(window.get("/staff/consultations").url)  # the reset ended the session
        login(window, "wang", "a brand new secret")
        assert post("deactivate").status_code == 200
        assert "/staff/login" in str(window.get("/staff/consultations").url)
    with Session(get_engine()) as session:
        actions = {event.action: event for event in session.exec(select(AuditEvent))}
    assert {"staff_unlock", "staff_reset_password", "staff_deactivate"} <= set(actions)
    assert actions["staff_unlock"].actor_name == "chief"


def test_a_failing_request_is_logged_with_its_id_and_no_values(client: httpx.Client,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    login(client, "wang")
    token = csrf_from(client.get("/staff/consultations/new").text)
    with Session(get_engine()) as session:  # the database breaks under the save: a real database error
        session.execute(text("DROP TABLE consultation_gap"))
        session.commit()
    caplog.set_level(logging.DEBUG)
    response = client.post("/staff/consultations", data={**FORM, "applicant_name": "机密申请人甲",
                                                          "contact": "13900001111", "csrf_token": token})
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    logged = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert request_id in logged
    for value in ("机密申请人甲", "13900001111", "91350100M000100Y43", "warehouse", "1200"):
        assert value not in logged


def test_admin_key_forms_refuse_bad_text_and_ids_out_of_range(client_on: httpx.Client) -> None:
    login(client_on, "chief")
    token = csrf_from(client_on.get("/staff/admin/keys").text)
    for name in ("蓉易\x00享", "k" * 121):
        response = client_on.post("/staff/admin/keys", data={"name": name, "csrf_token": token})
        assert response.status_code == 422 and "name" in response.json()["detail"]
    for number in (2**31, 2**63, 0):
        revoked = client_on.post(f"/staff/admin/keys/{number}/revoke", data={"csrf_token": token})
        assert revoked.status_code == 404
