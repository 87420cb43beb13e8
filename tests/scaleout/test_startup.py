"""`advisor serve` checks its settings before it starts: a bad value or a missing shared secret stops it
with the variable's name (never with a password); an unknown ADVISOR_* name, a database shared between
hosts without a shared secret, per-process rate limits or proxies believed from anyone are warned about."""

import base64
import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from advisor.settings import Settings, SettingsError, deployment_problems, unknown_variables
from advisor.storage import engine_for, reset_engine, upgrade
from tests.servers import serving

ROOT = Path(__file__).resolve().parents[2]


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", "serve", "--port", "9", *args], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "named"), [
    ({"API_KEYS_REQUIRED": "ture"}, "ADVISOR_API_KEYS_REQUIRED"),
    ({"ADVISOR_MAX_BODY_BYTES": "1MB"}, "ADVISOR_MAX_BODY_BYTES"),
    ({"ADVISOR_RATE_LIMIT_ANONYMOUS": "fast"}, "ADVISOR_RATE_LIMIT_ANONYMOUS"),
    ({"ADVISOR_RATE_LIMIT_STORAGE": "sqlite:///limits.db"}, "ADVISOR_RATE_LIMIT_STORAGE"),
    ({"ADVISOR_RATE_LIMIT_STORAGE": "memcached://127.0.0.1:11211"}, "ADVISOR_RATE_LIMIT_STORAGE"),
    ({"ADVISOR_HOSTS": "2"}, "ADVISOR_SECRET_KEY"),
    ({"ADVISOR_DATABASE_URL": "mysql://advisor:hunter2-secret@db/advisor"}, "ADVISOR_DATABASE_URL"),
    ({"DATABASE_URL": "postgresql+psycopg2://advisor:hunter2-secret@db/advisor"}, "ADVISOR_DATABASE_URL"),
    ({"ADVISOR_BATCH_SCHEDULER": "dask-scheduler:8786"}, "ADVISOR_BATCH_SCHEDULER"),
    ({"ADVISOR_FORWARDED_ALLOW_IPS": "nginx"}, "ADVISOR_FORWARDED_ALLOW_IPS"),
    ({"ADVISOR_FORWARDED_ALLOW_IPS": "172.30.0.10/24"}, "ADVISOR_FORWARDED_ALLOW_IPS"),  # host bits set
    ({"ADVISOR_CORS_ORIGINS": "https://rongyixiang.example/"}, "ADVISOR_CORS_ORIGINS"),  # never matches Origin
    ({"ADVISOR_CORS_ORIGINS": "rongyixiang.example"}, "ADVISOR_CORS_ORIGINS"),
    ({"ADVISOR_FRAME_ANCESTORS": "*"}, "ADVISOR_FRAME_ANCESTORS"),
    ({"ADVISOR_WEBHOOK_HOSTS": "https://push.example.cn/hook"}, "ADVISOR_WEBHOOK_HOSTS"),
    ({"ADVISOR_MAX_HEADER_BYTES": "100"}, "ADVISOR_MAX_HEADER_BYTES"),
    ({"ADVISOR_BODY_TIMEOUT_SECONDS": "0"}, "ADVISOR_BODY_TIMEOUT_SECONDS"),
])
def test_a_bad_setting_stops_the_server_naming_the_variable(env: dict[str, str], named: str) -> None:
    done = _serve(env)
    assert done.returncode == 78, done.stderr
    assert named in done.stderr
    assert "Traceback" not in done.stderr and "hunter2" not in done.stderr  # nor a password from a URL


def test_a_bad_proxy_address_on_the_command_line_stops_the_server_too() -> None:
    done = _serve({}, "--forwarded-allow-ips", "10.0.0.1,proxy.internal")
    assert done.returncode == 78 and "'proxy.internal'" in done.stderr, done.stderr


def test_redis_without_the_redis_extra_is_a_setting_error_not_a_traceback() -> None:
    # As on an installation without the [redis] extra: redis-py cannot be imported.
    code = "import sys; sys.modules['redis'] = None; from advisor.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "serve", "--port", "9"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin",
                                                      "ADVISOR_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379"})
    assert done.returncode == 78, done.stderr
    assert "ADVISOR_RATE_LIMIT_STORAGE" in done.stderr and "qingyang-advisor[redis]" in done.stderr
    assert "Traceback" not in done.stderr


def test_good_values_are_read_as_the_services_need_them() -> None:
    settings = Settings(database_url="postgres://advisor:pw@db/advisor",
                        cors_origins="https://RongYiXiang.example:8443, http://127.0.0.1:3000",  # type: ignore[arg-type]
                        frame_ancestors="https://*.rongyixiang.example",  # type: ignore[arg-type]
                        webhook_hosts="Push.Example.cn,*.gov.example", forwarded_allow_ips="172.30.0.10, 10.0.0.0/8",
                        batch_scheduler="tcp://dask-scheduler:8786", rate_limit_storage="redis://127.0.0.1:6379/0")
    assert settings.database_url == "postgresql+psycopg://advisor:pw@db/advisor"
    assert settings.cors_origins == ("https://rongyixiang.example:8443", "http://127.0.0.1:3000")
    assert settings.webhook_hosts == ("push.example.cn", "*.gov.example")
    assert settings.forwarded_allow_ips == "172.30.0.10,10.0.0.0/8"
    assert "pw" not in repr(settings)  # the URL holds a password: never printed with the settings


def test_an_unknown_advisor_variable_is_warned_about_with_the_name_meant(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ADVISOR_DATA_DIR": str(tmp_path),
           "ADVISOR_DATABSE_URL": "postgresql+psycopg://advisor@db/advisor",  # a typo: SQLite would be used
           "ADVISOR_COLOUR": "blue"}
    done = subprocess.run([sys.executable, "-m", "advisor", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    warnings = [json.loads(line)["message"] for line in done.stderr.splitlines()]
    assert any("ADVISOR_DATABSE_URL is not a setting" in w and "did you mean ADVISOR_DATABASE_URL?" in w
               for w in warnings), warnings
    assert any("ADVISOR_COLOUR is not a setting" in w and "did you mean" not in w for w in warnings), warnings
    assert unknown_variables({"ADVISOR_SCREENSHOTS": "/tmp/s", "ADVISOR_HOSTS": "2", "HOME": "/"}) == []


def test_several_workers_need_a_shared_secret() -> None:
    done = _serve({}, "--workers", "2")
    assert done.returncode == 78
    assert "ADVISOR_SECRET_KEY" in done.stderr and "--workers 2" in done.stderr


def test_deployment_rules() -> None:
    with pytest.raises(SettingsError, match="ADVISOR_SECRET_KEY"):
        deployment_problems(Settings(secret_key=""), workers=3)
    shared = Settings(secret_key="s" * 32, hosts=4, rate_limit_storage="redis://127.0.0.1:6379")
    assert deployment_problems(shared, workers=4) == []
    # One process on SQLite: the generated key is fine.
    assert deployment_problems(Settings(secret_key="", database_url=""), workers=1) == []
    # PostgreSQL suggests several hosts: a cookie signed by this host's generated key would fail on another.
    [warning] = deployment_problems(Settings(secret_key="", database_url="postgresql://db/advisor"),
                                     workers=1)
    assert "ADVISOR_SECRET_KEY" in warning and "another host" in warning
    # Counts in each process's memory: N workers allow N times the limit.
    [warning] = deployment_problems(Settings(secret_key="s" * 32), workers=2)
    assert "ADVISOR_RATE_LIMIT_STORAGE" in warning and "redis://" in warning
    # Forwarded headers believed from anyone: a client picks its own address.
    [warning] = deployment_problems(Settings(forwarded_allow_ips="*"), workers=1)
    assert "ADVISOR_FORWARDED_ALLOW_IPS" in warning


def test_a_cookie_from_another_key_is_logged_and_an_altered_one_is_not(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    from web.staff.security import SESSION_COOKIE, Signer, secret_key

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'advisor.db'}", data_dir=tmp_path)  # type: ignore[arg-type]
    upgrade(engine_for(settings))
    ours = Signer(secret_key(settings)).session_token(1, "nonce")
    elsewhere = Signer(b"the key of another host").session_token(1, "nonce")
    payload, mac = ours.rsplit(".", 1)
    other_user = base64.urlsafe_b64encode(base64.urlsafe_b64decode(payload + "==").replace(b'"u":1', b'"u":2'))
    altered = [f"{payload}.{mac[:-4]}AAAA", f"{other_user.decode().rstrip('=')}.{mac}", "not-even-a-token",
               f"{payload[:-3]}.{mac}"]
    with serving(settings) as (url, _), caplog.at_level(logging.INFO, logger="web.staff"):
        login = f"{url}/staff/login"

        def visit(token: str) -> list[logging.LogRecord]:
            caplog.clear()
            assert httpx.get(login, headers={"Cookie": f"{SESSION_COOKIE}={token}"}).status_code == 200
            return list(caplog.records)

        assert visit(ours) == []  # a good signature (for no such user): nothing to say
        for token in altered:  # the holder changed it: refused, and no concern of the operator's
            records = visit(token)
            assert [r.levelno for r in records] == [logging.INFO], token
            assert "ADVISOR_SECRET_KEY" not in records[0].getMessage()
        [record] = visit(elsewhere)
        assert record.levelno == logging.WARNING and "ADVISOR_SECRET_KEY" in record.getMessage()
        assert visit(elsewhere) == []  # said once a minute at most: anyone can send such a cookie
    reset_engine()
