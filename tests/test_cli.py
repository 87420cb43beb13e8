"""The `advisor` command as a newcomer uses it."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def advisor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


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
    assert done.returncode == 2
    for field in ("project.floor_area_m2", "project.height_m", "project.colour", "enterprise.credit_code"):
        assert field in done.stderr
    assert "must be a number" in done.stderr
    assert "应为数字" in advisor("assess", "examples/bad-input.json").stderr


def test_a_date_before_the_plan_is_refused() -> None:
    done = advisor("assess", "examples/warehouse-1200.json", "--as-of", "2019-01-01", "--lang", "en")
    assert done.returncode == 2 and "as_of" in done.stderr and "2020-11-23" in done.stderr


def test_coverage_lists_every_enterprise_facing_article_as_covered() -> None:
    done = advisor("rules", "coverage")
    assert done.returncode == 0, done.stdout
    assert "without a rule: none" in done.stdout
    for article in ("（一）", "（四）", "（十六）", "（十九）", "（二十九）", "（三十一）"):
        line = next(line for line in done.stdout.splitlines() if line.startswith(article))
        assert int(line.split()[2]) >= 1


def test_the_api_encoding_of_a_document_equals_the_document(advisor, presenter) -> None:
    from advisor.synth import ProfileFactory

    for raw in ProfileFactory(advisor.rulebase, seed=11).profiles(200):
        assessment = advisor.assess_data(raw)
        for lang in ("zh", "en"):
            assert json.loads(presenter.assessment_json(assessment, lang)) == \
                json.loads(json.dumps(presenter.assessment_dict(assessment, lang)))
