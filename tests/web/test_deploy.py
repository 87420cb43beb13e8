"""deploy/: the nginx site passes `nginx -t` and proxies a live server over TLS; the compose file, the
Dockerfile, the systemd unit and the settings example are consistent with the checkout.

Docker has no engine on the test machines, so the image is not built here: its steps are checked
against the files they copy and the lock they install.
"""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
import yaml

from advisor.settings import Settings
from tests.nginx import deployed_site

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def proxy(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """nginx with deploy/nginx/advisor.conf (ports, certificate and upstream moved to this test's own)."""
    with deployed_site(urlparse(live_server).netloc, tmp_path_factory.mktemp("nginx")) as site:
        yield site.http_port, site.https_port


def test_the_site_serves_the_app_over_tls(proxy: tuple[int, int]) -> None:
    http_port, https_port = proxy
    redirect = httpx.get(f"http://127.0.0.1:{http_port}/api/v1/questions", timeout=10)
    assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")
    with httpx.Client(base_url=f"https://127.0.0.1:{https_port}", verify=False, timeout=30) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.headers["strict-transport-security"]
        answer = client.post("/api/v1/assessments", json={"profile": {}}, headers={"accept-encoding": "gzip"})
        assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip"
        assert answer.json()["counts"]["undetermined"] > 0
        assert client.get("/metrics").status_code == 404  # scraped per host, not through the public site
        too_large = client.post("/api/v1/assessments", content=b" " * 1_500_000,
                                headers={"content-type": "application/json"})
        assert too_large.status_code == 413  # refused by nginx, in the app's problem format
        assert too_large.headers["content-type"].startswith("application/problem+json")
        assert too_large.json()["type"] == "/problems/too-large"


def test_the_compose_file_runs_app_database_and_proxy() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "proxy"}
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert services["migrate"]["command"] == ["advisor", "db", "upgrade"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["app"]["environment"]["ADVISOR_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert (DEPLOY / services["migrate"]["build"]["dockerfile"].removeprefix("deploy/")).exists()
    for mount in services["proxy"]["volumes"]:
        source = mount.split(":")[0]
        assert source == "./tls" or (DEPLOY / source).exists(), source


def test_the_dockerfile_builds_the_wheel_with_the_lock_and_runs_as_a_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", dockerfile, flags=re.M)) == 2
    assert "--require-hashes -r requirements.lock" in dockerfile and "pip wheel" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, flags=re.M):
        for name in source.split():
            assert (ROOT / name).exists(), name
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "--hash=sha256:" in lock and "psycopg-binary==" in lock


def test_every_setting_is_documented_for_operators() -> None:
    example = (DEPLOY / "advisor.env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploying = readme[readme.index("## Deploying"):]
    for name in Settings.model_fields:
        variable = f"ADVISOR_{name.upper()}"
        assert variable in example, variable
        assert variable in deploying, variable


def test_the_systemd_unit_runs_the_installed_command_unprivileged() -> None:
    unit = (DEPLOY / "advisor.service").read_text(encoding="utf-8")
    assert re.search(r"^User=advisor$", unit, flags=re.M)
    assert "ExecStartPre=/opt/advisor/bin/advisor db upgrade" in unit
    assert re.search(r"^ExecStart=/opt/advisor/bin/advisor serve --host 127\.0\.0\.1 ", unit, flags=re.M)


def test_the_documented_online_sqlite_backup_holds_what_was_just_written(tmp_path: Path) -> None:
    import os
    import sqlite3
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r'python3 -c "(import sqlite3[^"]+)"', readme)
    database = tmp_path / "advisor.db"
    env = {**os.environ, "ADVISOR_DATABASE_URL": f"sqlite:///{database}", "ADVISOR_DATA_DIR": str(tmp_path)}
    created = subprocess.run([sys.executable, "-m", "advisor", "apikey", "create", "partner"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    live = sqlite3.connect(database)  # the service keeps the database open, in WAL mode
    try:
        assert live.execute("pragma journal_mode").fetchone()[0] == "wal"
        live.execute("update api_client set name = 'renamed while running'")
        live.commit()  # in the WAL file, not yet in advisor.db
        backup = tmp_path / "backup.db"
        done = subprocess.run([sys.executable, "-c", code, str(database), str(backup)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        live.close()
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("select name from api_client").fetchall() == [("renamed while running",)]
    finally:
        copy.close()
