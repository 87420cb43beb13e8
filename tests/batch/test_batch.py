"""Batch screening: results equal single assessments, bad rows are reported with line numbers,
the exit code and summary count failures, and the three file formats round-trip."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.assess import Advisor
from advisor.batch import BatchSummary, run_batch
from advisor.batch.errors import BatchInputError
from advisor.batch.formats import read_records
from advisor.batch.synth import write_synthetic
from advisor.cli import main
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory

SAMPLE = 300
SEED = 7


def _expected(advisor: Advisor, profile: dict) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    assessment = advisor.assess_data(profile)
    return (tuple(f.rule.id for f in assessment.by_status("eligible")),
            tuple(f.rule.id for f in assessment.by_status("undetermined")),
            tuple(path for path, _ in assessment.questions_to_settle()))


@dataclass(frozen=True)
class Screened:
    """A result row read back from an output written with lang="en", include_undetermined=True."""

    line: int
    id: str | None
    eligible: tuple[str, ...]
    undetermined: tuple[str, ...]
    questions: tuple[str, ...]


def _ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else tuple(str(value).split())


def _results(path: Path) -> list[Screened]:
    return [Screened(int(r["line"]), None if r.get("id") in (None, "") else str(r["id"]), _ids(r.get("eligible")),
                     _ids(r.get("undetermined")), _ids(r.get("questions"))) for r in read_records(path)]


def _run(source: Path, out: Path, **options: object) -> "BatchSummary":
    return run_batch(source, out, lang="en", include_undetermined=True, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, rulebase: RuleBase) -> Path:
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    write_synthetic(path, SAMPLE, SEED, rulebase)
    return path


def test_batch_results_equal_single_assessments(registry: Path, tmp_path: Path, advisor: Advisor,
                                                rulebase: RuleBase) -> None:
    summary = _run(registry, tmp_path / "out.jsonl", workers=2)
    results = _results(tmp_path / "out.jsonl")
    profiles = list(ProfileFactory(rulebase, SEED).profiles(SAMPLE))
    assert summary.rows == SAMPLE and summary.failed == 0
    assert [result.line for result in results] == list(range(2, SAMPLE + 2))  # input order kept
    assert sum(1 for result in results if result.eligible) > SAMPLE // 2  # the sample exercises the rules
    for result, profile in zip(results, profiles, strict=True):
        assert (result.eligible, result.undetermined, result.questions) == _expected(advisor, profile), result.id


def test_per_provision_summary_counts_the_results(registry: Path, tmp_path: Path) -> None:
    summary = _run(registry, tmp_path / "out.csv", workers=0)
    results = _results(tmp_path / "out.csv")
    with summary.summary.open(encoding="utf-8-sig") as stream:
        table = {row["provision"]: row for row in csv.DictReader(stream)}
    for provision in ("joint-acceptance-small-industrial", "residence-permit-7-days"):
        assert int(table[provision]["eligible"]) == sum(provision in r.eligible for r in results)
        assert int(table[provision]["undetermined"]) == sum(provision in r.undetermined for r in results)
    assert sum(int(row["eligible"]) for row in table.values()) == sum(len(r.eligible) for r in results) > 0


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx"])
def test_input_formats_give_the_same_results(registry: Path, tmp_path: Path, rulebase: RuleBase,
                                             suffix: str) -> None:
    other = tmp_path / f"registry{suffix}"
    write_synthetic(other, SAMPLE, SEED, rulebase)
    _run(registry, tmp_path / "from-csv.csv", workers=0)
    _run(other, tmp_path / f"from{suffix}.csv", workers=0)
    def content(path: Path) -> list[tuple]:  # JSON Lines has no header line, so line numbers differ by one
        return [(r.id, r.eligible, r.undetermined, r.questions) for r in _results(path)]

    assert content(tmp_path / f"from{suffix}.csv") == content(tmp_path / "from-csv.csv")


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def test_text_values_and_blanks(tmp_path: Path) -> None:
    header = ["id", "enterprise.in_qingyang", "enterprise.size", "project.in_qingyang", "project.has_project",
              "project.funding", "project.type", "project.low_risk", "project.small_scale", "project.floor_area_m2"]
    source = _write_csv(tmp_path / "in.csv", [
        header,
        ["small", "是", "小型", "是", "yes", "enterprise", "warehouse", "true", "1", "1,200"],
        ["no-area", "是", "small", "true", "是", "enterprise", "warehouse", "是", "是", ""],
    ])
    summary = _run(source, tmp_path / "out.csv", workers=0)
    small, no_area = _results(tmp_path / "out.csv")
    assert summary.failed == 0
    assert "joint-acceptance-small-industrial" in small.eligible
    # a blank area is unknown, never "no": the provision is undetermined and the area is asked for
    assert "joint-acceptance-small-industrial" in no_area.undetermined
    assert "project.floor_area_m2" in no_area.questions


def test_bad_rows_go_to_the_errors_file_and_the_run_goes_on(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    source = _write_csv(tmp_path / "in.csv", [
        ["id", "enterprise.size", "project.floor_area_m2", "project.self_held"],
        ["good", "small", "1200", "是"],
        ["text-area", "small", "abc", "是"],
        ["bad-size", "huge", "-5", ""],
        ["short", "small"],
        ["good-too", "", "", "否"],
    ])
    errors = tmp_path / "bad.csv"
    code = main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--errors", str(errors),
                 "--workers", "0", "--lang", "en", "--quiet"])
    assert code == 1
    assert "5 rows: 2 screened, 3 failed" in capsys.readouterr().err
    with errors.open(encoding="utf-8-sig") as stream:
        problems = [(int(row["line"]), row["id"], row["field"], row["message"]) for row in csv.DictReader(stream)]
    assert (3, "text-area", "project.floor_area_m2", "must be a number, got 'abc'") in problems
    assert any(line == 4 and field == "enterprise.size" and "Large (large), Medium (medium)" in message
               for line, _, field, message in problems)
    assert any(line == 4 and field == "project.floor_area_m2" and "at least 0" in message
               for line, _, field, message in problems)
    assert any(line == 5 and field == "(row)" and "2 cells" in message for line, _, field, message in problems)
    assert [result.id for result in _results(tmp_path / "out.csv")] == ["good", "good-too"]


def test_errors_in_chinese_by_default(tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "in.csv", [["project.floor_area_m2"], ["abc"]])
    summary = run_batch(source, tmp_path / "out.csv", workers=0)
    assert summary.failed == 1
    row = next(read_records(summary.errors))
    assert (row["行号"], row["字段"], row["问题"]) == ("2", "project.floor_area_m2", "应为数字，实际为 'abc'")


def test_jsonl_bad_lines_are_reported_with_their_numbers(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "ok", "project": {"floor_area_m2": 1200}}),
        "{not json",
        json.dumps({"id": "typo", "project": {"floor_area": 1200}}),
        json.dumps({"id": "flat", "project.floor_area_m2": 900}),
    ]) + "\n", encoding="utf-8")
    summary = _run(source, tmp_path / "out.jsonl", workers=0)
    assert (summary.rows, summary.failed) == (4, 2)
    problems = {(int(row["line"]), row["field"]) for row in read_records(summary.errors)}
    assert problems == {(2, "(row)"), (3, "project.floor_area")}
    assert [result.id for result in _results(tmp_path / "out.jsonl")] == ["ok", "flat"]


def test_a_dotted_typo_stops_the_run_before_any_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write_csv(tmp_path / "in.csv", [["id", "project.floor_area"], ["a", "1"]])
    with pytest.raises(BatchInputError, match=r"project\.floor_area_m2"):  # the hint names the field meant
        run_batch(source, tmp_path / "out.csv", workers=0)
    assert main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--quiet"]) == 2
    assert "project.floor_area" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_synth_command_writes_a_registry(tmp_path: Path) -> None:
    out = tmp_path / "synth.csv"
    assert main(["synth", "--n", "50", "--seed", "3", "--out", str(out)]) == 0
    rows = list(read_records(out))
    assert len(rows) == 50 and rows[0]["id"] == "E01"
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # a registry for programs: no BOM
    assert main(["batch", str(out), "--out", str(tmp_path / "r.csv"), "--workers", "0", "--quiet"]) == 0


def test_progress_bar_shows_rate_and_time_left(registry: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.batch.progress import ProgressBar

    bar = ProgressBar(io.StringIO())
    line = bar.line(5000, 2, 0.25, bar.start + 2.0)
    assert "25%" in line and "5,000 rows" in line and "2,500/s" in line and "left 00:06" in line
    assert "failed 2" in line
    assert main(["batch", str(registry), "--out", str(tmp_path / "o.csv"), "--workers", "0", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert f"100% {SAMPLE} rows" in err and "/s" in err and f"{SAMPLE} rows: {SAMPLE} screened, 0 failed" in err


def test_quoted_cells_over_several_lines_keep_the_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,project.floor_area_m2\n"two\nlines, and ""quotes""",1200\n\nbad,abc\n', encoding="utf-8")
    summary = _run(source, tmp_path / "out.jsonl", workers=0)
    assert (summary.rows, summary.failed) == (2, 1)
    assert [r.id for r in _results(tmp_path / "out.jsonl")] == ['two\nlines, and "quotes"']
    assert [(row["line"], row["id"]) for row in read_records(summary.errors)] == [("5", "bad")]
