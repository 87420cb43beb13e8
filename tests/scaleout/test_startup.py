"""`advisor serve` checks its settings before it starts: a bad value or a missing shared secret stops it
with the variable's name; a database shared between hosts without a shared secret is warned about."""

import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from advisor.settings import Settings, SettingsError, deployment_problems
from advisor.storage import reset_engine, upgrade

from .servers import serving

ROOT = Path(__file__).resolve().parents[2]


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", "serve", "--port", "9", *args], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "named"), [
    ({"API_KEYS_REQUIRED": "ture"}, "ADVISOR_API_KEYS_REQUIRED"),
    ({"ADVISOR_MAX_BODY_BYTES": "1MB"}, "ADVISOR_MAX_BODY_BYTES"),
    ({"ADVISOR_RATE_LIMIT_ANONYMOUS": "fast"}, "ADVISOR_RATE_LIMIT_ANONYMOUS"),
    ({"ADVISOR_RATE_LIMIT_STORAGE": "sqlite:///limits.db"}, "ADVISOR_RATE_LIMIT_STORAGE"),
    ({"ADVISOR_HOSTS": "2"}, "ADVISOR_SECRET_KEY"),
])
def test_a_bad_setting_stops_the_server_naming_the_variable(env: dict[str, str], named: str) -> None:
    done = _serve(env)
    assert done.returncode == 78, done.stderr
    assert named in done.stderr
    assert "Traceback" not in done.stderr


def test_several_workers_need_a_shared_secret() -> None:
    done = _serve({}, "--workers", "2")
    assert done.returncode == 78
    assert "ADVISOR_SECRET_KEY" in done.stderr and "--workers 2" in done.stderr


def test_deployment_rules() -> None:
    with pytest.raises(SettingsError, match="ADVISOR_SECRET_KEY"):
        deployment_problems(Settings(secret_key=""), workers=3)
    assert deployment_problems(Settings(secret_key="s" * 32, hosts=4), workers=4) == []
    # One process on SQLite: the generated key is fine.
    assert deployment_problems(Settings(secret_key="", database_url=""), workers=1) == []
    # PostgreSQL suggests several hosts: a cookie signed by this host's generated key would fail on another.
    [warning] = deployment_problems(Settings(secret_key="", database_url="postgresql://db/advisor"),
                                     workers=1)
    assert "ADVISOR_SECRET_KEY" in warning and "another host" in warning


def test_a_cookie_signed_with_another_key_is_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    from web.staff import security

    monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///{tmp_path / 'advisor.db'}")
    reset_engine()
    upgrade()
    token = security.session_token(1, "nonce")
    elsewhere = token.rsplit(".", 1)[0] + ".signed-by-another-host-with-another-key"
    with serving(Settings()) as (url, _), caplog.at_level(logging.WARNING, logger="web.staff"):
        login = f"{url}/staff/login"
        assert httpx.get(login, headers={"Cookie": f"{security.SESSION_COOKIE}={token}"}).status_code == 200
        assert not caplog.records  # a good signature (for no such user): nothing to say
        assert httpx.get(login, headers={"Cookie": f"{security.SESSION_COOKIE}={elsewhere}"}).status_code == 200
    reset_engine()
    [record] = caplog.records
    assert "ADVISOR_SECRET_KEY" in record.getMessage()
