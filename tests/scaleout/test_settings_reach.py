"""One settings object reaches everything: an app made with create_app(Settings(...)) uses that database, that
secret key and that batch folder — for its pages, its API, its readiness and the batch workers it starts —
whatever the environment names."""

import re
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from advisor.settings import Settings
from advisor.storage import engine_for, jobs, upgrade
from advisor.storage.staff import create_staff
from tests.servers import serving
from web.staff.security import SESSION_COOKIE, Signer

PASSWORD = "a long enough secret"


def test_create_app_uses_its_own_settings_not_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "environment"
    elsewhere.mkdir()
    monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///{elsewhere / 'other.db'}")
    monkeypatch.setenv("ADVISOR_SECRET_KEY", "the environment's key, not the app's")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(elsewhere))
    mine = tmp_path / "mine"
    settings = Settings(database_url=f"sqlite:///{mine / 'advisor.db'}", secret_key="the-apps-own-key-" * 3,
                        data_dir=mine, batch_workers=1)  # type: ignore[arg-type]
    engine = engine_for(settings)
    upgrade(engine)
    with Session(engine) as session:
        chief = create_staff(session, "chief", PASSWORD, "admin")
        session.commit()
        assert chief.id is not None
        cookie = Signer(settings.secret_key.encode()).session_token(chief.id, chief.session_nonce)

    with serving(settings) as (url, _), httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/readyz").status_code == 200  # its database, migrated; the environment's is empty
        page = client.get("/staff/admin/keys", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
        assert page.status_code == 200 and "chief" in page.text  # signed with its key, found in its database
        upload = client.post("/api/v1/batches", files={"file": ("r.csv", "id,enterprise.in_qingyang\nE1,是\n")})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 180
        while (status := client.get(upload.json()["status_url"]).json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
    assert status["state"] == "done", status  # the worker it started screened from its folder, into its database
    job = jobs.get_job(engine, upload.json()["id"])
    assert job is not None and job.state == "done"
    assert (mine / "batches" / job.id).is_dir()
    assert not (elsewhere / "other.db").exists() and not (elsewhere / "secret_key").exists()
    assert not re.search(r"batches", " ".join(p.name for p in elsewhere.iterdir()))
