"""The `advisor` command as a newcomer uses it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from advisor.cli import main
from tests.servers import advisor_serve, clean_env

ROOT = Path(__file__).resolve().parents[1]


def advisor(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, input=stdin, env={**os.environ, **(env or {})})


def test_assess_prints_the_findings_as_json() -> None:
    done = advisor("assess", "examples/warehouse-1200.json", "--format", "json", "--lang", "en",
                   "--as-of", "2021-06-01")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["as_of"] == "2021-06-01" and document["rulebase_version"].startswith("2020-55.")
    joint = next(f for f in document["findings"] if f["id"] == "joint-acceptance-small-industrial")
    assert joint["status"] == "eligible" and joint["article"] == "（四）"
    assert document["checklist"] and all(item["needed_by"] for item in document["checklist"])


def test_assess_text_shows_the_gap_in_chinese() -> None:
    done = advisor("assess", "examples/warehouse-1800.json")
    assert done.returncode == 0, done.stderr
    assert "需减少300平方米即可符合" in done.stdout


def test_bad_input_names_each_field_in_the_users_language() -> None:
    done = advisor("assess", "examples/bad-input.json", "--lang", "en")
    assert done.returncode == 3  # a data error
    for field in ("project.floor_area_m2", "project.height_m", "project.colour", "enterprise.credit_code"):
        assert field in done.stderr
    assert "must be a number" in done.stderr
    assert "应为数字" in advisor("assess", "examples/bad-input.json").stderr


def test_a_date_before_the_plan_is_refused() -> None:
    done = advisor("assess", "examples/warehouse-1200.json", "--as-of", "2019-01-01", "--lang", "en")
    assert done.returncode == 3 and "as_of" in done.stderr and "2020-11-23" in done.stderr


def test_coverage_lists_every_enterprise_facing_article_as_covered() -> None:
    done = advisor("rules", "coverage")
    assert done.returncode == 0, done.stdout
    assert "without a rule: none" in done.stdout
    for article in ("（一）", "（四）", "（十六）", "（十九）", "（二十九）", "（三十一）"):
        line = next(line for line in done.stdout.splitlines() if line.startswith(article))
        assert int(line.split()[2]) >= 1


def test_version() -> None:
    done = advisor("--version")
    assert done.returncode == 0 and done.stdout.startswith("advisor 0.1.0")


def test_assess_reads_the_profile_from_stdin() -> None:
    profile = (ROOT / "examples" / "warehouse-1200.json").read_text(encoding="utf-8")
    done = advisor("assess", "-", "--format", "json", stdin=profile)
    assert done.returncode == 0, done.stderr
    statuses = {f["id"]: f["status"] for f in json.loads(done.stdout)["findings"]}
    assert statuses["joint-acceptance-small-industrial"] == "eligible"


@pytest.mark.parametrize(("args", "stdin", "code", "kind", "path"), [
    (("assess", "-"), '{"project": {"floor_area_m2": "abc"}}', 3, "invalid-input", "project.floor_area_m2"),
    (("assess", "-"), '{"project": ', 3, "invalid-json", "(stdin)"),
    (("assess", "examples/no-such-file.json"), None, 4, "io-error", "examples/no-such-file.json"),
])
def test_errors_have_their_own_exit_codes_and_are_json_with_format_json(
        args: tuple[str, ...], stdin: str | None, code: int, kind: str, path: str) -> None:
    done = advisor(*args, "--format", "json", "--lang", "en", stdin=stdin)
    assert done.returncode == code
    problem = json.loads(done.stdout)
    assert problem["type"] == f"/problems/{kind}" and problem["exit_code"] == code
    assert problem["errors"][0]["path"] == path
    as_text = advisor(*args, "--lang", "en", stdin=stdin)
    assert as_text.returncode == code and as_text.stdout == "" and path in as_text.stderr


def test_a_usage_error_is_2() -> None:
    done = advisor("assess", "examples/warehouse-1200.json", "--status", "maybe")
    assert done.returncode == 2 and "--status" in done.stderr


def test_status_filters_the_report() -> None:
    everything = advisor("assess", "examples/warehouse-1800.json", "--lang", "en")
    eligible = advisor("assess", "examples/warehouse-1800.json", "--lang", "en", "--status", "eligible")
    assert eligible.returncode == 0
    assert "== Eligible" in eligible.stdout and "== Not eligible" in everything.stdout
    assert "== Not eligible" not in eligible.stdout and "== Undetermined" not in eligible.stdout
    assert "need to decrease" not in eligible.stdout.lower() and len(eligible.stdout) < len(everything.stdout)
    both = advisor("assess", "examples/warehouse-1800.json", "--format", "json", "--status", "eligible",
                   "--status", "undetermined")
    assert {f["status"] for f in json.loads(both.stdout)["findings"]} == {"eligible", "undetermined"}


def test_quiet_when_the_reader_goes_away(tmp_path: Path) -> None:
    with (tmp_path / "stderr").open("wb") as stderr, subprocess.Popen(
            [sys.executable, "-m", "advisor", "assess", "examples/warehouse-1200.json", "--format", "json"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr) as process:
        assert process.stdout is not None
        process.stdout.readline()  # like `| head -1`: read a little, then close the pipe
        process.stdout.close()
        code = process.wait(timeout=120)
    assert (tmp_path / "stderr").read_text() == ""  # no BrokenPipeError traceback
    assert code == 141


def test_quiet_on_ctrl_c(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class Interrupted(io.StringIO):
        def read(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdin", Interrupted())
    assert main(["assess", "-"]) == 130
    assert capsys.readouterr() == ("", "")


def test_api_keys_from_the_command_line(tmp_path: Path) -> None:
    env = {"ADVISOR_DATABASE_URL": f"sqlite:///{tmp_path / 'advisor.db'}", "ADVISOR_DATA_DIR": str(tmp_path)}
    created = advisor("apikey", "create", "蓉易享", env=env)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("qyk_") and len(key) > 40 and "\n" not in key
    assert "shown once" in created.stderr and key not in created.stderr
    listing = json.loads(advisor("apikey", "list", "--format", "json", env=env).stdout)
    assert [(row["name"], row["revoked_at"]) for row in listing] == [("蓉易享", None)]
    assert key.startswith(listing[0]["prefix"]) and key not in json.dumps(listing)

    serve_env = clean_env(**env, ADVISOR_API_KEYS_REQUIRED="true")
    with advisor_serve(serve_env, tmp_path / "serve.log", "--log-level", "warning", cwd=tmp_path) as server:
        url = f"{server.url}/api/v1/questions"
        assert httpx.get(url, timeout=10).status_code == 401
        assert httpx.get(url, headers={"x-api-key": key}, timeout=10).status_code == 200

    revoked = advisor("apikey", "revoke", str(listing[0]["id"]), env=env)
    assert revoked.returncode == 0
    assert json.loads(advisor("apikey", "list", "--format", "json", env=env).stdout)[0]["revoked_at"]
    again = advisor("apikey", "revoke", str(listing[0]["id"]), env=env)
    assert again.returncode == 3 and "no active key" in again.stderr
