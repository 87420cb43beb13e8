"""Outputs people open in Excel: BOM, Chinese headers, titles beside ids, guarded cells, one
workbook for .xlsx, the long format, the push message, nothing half-written on Ctrl-C."""

import csv
import io
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.batch import run_batch
from advisor.batch.formats import read_records
from advisor.batch.push import MAX_CHARS, PushMessages
from advisor.batch.synth import write_synthetic
from advisor.rulebase import RuleBase
from advisor.synth import ProfileFactory

SAMPLE = 120
SEED = 21


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, rulebase: RuleBase) -> Path:
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    write_synthetic(path, SAMPLE, SEED, rulebase)
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path  # Excel reads UTF-8 only with the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_outputs_have_a_bom_chinese_headers_and_titles(registry: Path, tmp_path: Path,
                                                           rulebase: RuleBase, advisor: Advisor) -> None:
    summary = run_batch(registry, tmp_path / "out.csv", workers=0, long=tmp_path / "long.csv")
    results, long = _csv(tmp_path / "out.csv"), _csv(tmp_path / "long.csv")
    assert list(results[0]) == ["行号", "编号", "可享受政策编号", "可享受政策", "推送消息"]  # no undetermined noise
    assert list(_csv(summary.summary)[0])[:3] == ["政策编号", "条款", "政策名称"]
    assert summary.errors.read_bytes().decode("utf-8-sig").splitlines() == ["行号,编号,字段,问题"]
    profiles = list(ProfileFactory(rulebase, SEED).profiles(SAMPLE))
    for row, profile in zip(results, profiles, strict=True):
        expected = [f.rule.id for f in advisor.assess_data(profile).by_status("eligible")]
        assert row["可享受政策编号"].split() == expected
        assert row["可享受政策"].split("；") == [rulebase.rules[i].spec.title.zh for i in expected] if expected \
            else row["可享受政策"] == ""
    # the long format: one row per enterprise x eligible provision
    assert len(long) == sum(len(row["可享受政策编号"].split()) for row in results) > SAMPLE
    first = long[0]
    rule = rulebase.rules[first["政策编号"]]
    assert (first["条款"], first["政策名称"], first["结论"]) == (rule.spec.article, rule.spec.title.zh, "可享受")
    assert first["办理部门或渠道"]


def test_english_headers_and_undetermined_on_request(registry: Path, tmp_path: Path) -> None:
    run_batch(registry, tmp_path / "out.csv", workers=0, lang="en", include_undetermined=True)
    row = _csv(tmp_path / "out.csv")[0]
    assert list(row) == ["line", "id", "eligible", "eligible_titles", "undetermined", "questions", "push_message"]


def test_xlsx_output_is_one_workbook_with_every_sheet(registry: Path, tmp_path: Path) -> None:
    summary = run_batch(registry, tmp_path / "out.xlsx", workers=0)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["结果", "逐项结果", "错误", "汇总"]
    assert book["结果"].max_row == SAMPLE + 1 and summary.errors == summary.summary == tmp_path / "out.xlsx"
    csv_run = tmp_path / "csv"
    run_batch(registry, csv_run / "out.csv", workers=0, long=csv_run / "long.csv")
    as_text = [[("" if cell is None else str(cell)) for cell in row] for row in book["逐项结果"].values]
    text = (csv_run / "long.csv").read_bytes().decode("utf-8-sig")
    assert as_text == list(csv.reader(io.StringIO(text)))  # the same table as the CSV run writes


def test_formula_cells_are_guarded_in_csv_and_xlsx(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = [["id", "企业名称", "备注", "总建筑面积"],
            ['=HYPERLINK("http://evil.example","点我")', "+1 某公司", "@SUM(A1)", "1200"],
            ["-2", "正常公司", "=1+1", "abc"]]
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    summary = run_batch(source, tmp_path / "out.csv", workers=0)
    [result] = _csv(tmp_path / "out.csv")
    assert result["编号"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert (result["企业名称"], result["备注"]) == ("'+1 某公司", "'@SUM(A1)")
    [error] = _csv(summary.errors)
    assert error["编号"] == "'-2"
    run_batch(source, tmp_path / "out.xlsx", workers=0)
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["结果"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")  # text, not a formula


def test_push_message_names_what_and_where_within_300_characters(registry: Path, tmp_path: Path,
                                                                  rulebase: RuleBase) -> None:
    run_batch(registry, tmp_path / "out.csv", workers=0)
    results = _csv(tmp_path / "out.csv")
    offices = rulebase.catalog.offices
    for row in results:
        ids = row["可享受政策编号"].split()
        message = row["推送消息"]
        if not ids:
            assert message == ""
            continue
        assert len(message) <= MAX_CHARS
        first = rulebase.rules[ids[0]].spec
        assert first.title.zh in message and offices[first.handled_by[0]].name.zh in message
        assert row["编号"] in message and "96963" in message and "现行政策" in message
    push = PushMessages(rulebase)
    everything = tuple(rulebase.rules)
    long = push.message("某某有限公司", everything)
    assert len(long) <= MAX_CHARS and f"等{len(everything)}项" in long


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_run_leaves_no_half_file(registry: Path, tmp_path: Path,
                                                failure: type[BaseException]) -> None:
    out = tmp_path / "out.csv"
    out.write_text("yesterday's results\n", encoding="utf-8")

    class Stop:
        def update(self, done: int, failed: int, fraction: float | None) -> None:
            raise failure

        def finish(self, summary: object) -> None:
            raise AssertionError("an interrupted run does not finish")

    summary = run_batch(registry, out, workers=0, observers=(Stop(),))
    assert summary.interrupted and summary.rows == SAMPLE  # one block: read, then stopped
    assert (summary.error is None) == (failure is KeyboardInterrupt)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]  # no temporary files either
    assert out.read_text(encoding="utf-8") == "yesterday's results\n"


def test_ctrl_c_on_the_command_prints_what_was_done(registry: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    big = tmp_path / "big.csv"
    write_synthetic(big, 6000, 3)
    child = subprocess.Popen([sys.executable, "-m", "advisor", "batch", str(big), "--out", str(tmp_path / "o.csv"),
                              "--workers", "1", "--lang", "en"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until results are being written (to a temporary file)
        partial = [path for path in tmp_path.glob(".o.*.part.csv") if path.stat().st_size > 10_000]
        if partial:
            break
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "interrupted after" in err and "no output file was written" in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["big.csv"]
    assert list(read_records(big))  # the input is untouched


@given(st.lists(st.integers(min_value=0, max_value=107), unique=True, max_size=108),
       st.text(max_size=80))
def test_push_message_is_never_longer_than_300_characters(picked: list[int], name: str) -> None:
    push = _push()
    rule_ids = tuple(push.items)
    eligible = tuple(rule_ids[index] for index in picked if index < len(rule_ids))
    message = push.message(name or None, eligible)
    assert len(message) <= MAX_CHARS
    assert (message == "") == (not eligible)
    if eligible:
        first = push.items[eligible[0]]
        assert first in message  # at least the first provision, with where to apply, is always named
        listed = sum(1 for rule_id in eligible if push.items[rule_id] in message)
        assert listed == len(eligible) or f"等{len(eligible)}项" in message


@cache
def _push() -> PushMessages:
    from advisor.rulebase import load_rulebase

    return PushMessages(load_rulebase())


def test_a_pool_that_will_not_stop_does_not_hold_the_run() -> None:
    import threading

    from advisor.batch.run import stop_pool

    class StuckPool:  # Pool.terminate blocked joining a task thread that writes to a gone worker
        def __init__(self) -> None:
            self.release = threading.Event()

        def terminate(self) -> None:
            self.release.wait()

    stuck = StuckPool()
    stopper = threading.Thread(target=stop_pool, args=(stuck, 0.2))
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive()
    stuck.release.set()
