"""`advisor simulate`: the base's rows are the batch's, a reform that changes nothing changes nothing, and raising
joint acceptance to T m² gains exactly the enterprises with 1500 < area <= T that meet the rest, and loses none."""

import csv
import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.assess import Advisor
from advisor.batch import run_batch
from advisor.batch.synth import write_synthetic
from advisor.cli import main
from advisor.paths import RULES_DIR
from advisor.profile import ProfileError
from advisor.reform import ReformError, check_reform
from advisor.rulebase import RuleBase
from advisor.simulate import run_simulation
from advisor.simulate.screen import transition
from tests.batch import officefiles
from tests.batch.officefiles import HEADER_LINE, SUBTOTAL_LINE, TOTAL_LINE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reforms"
DAY = date(2027, 1, 1)
JOINT = "joint-acceptance-small-industrial"
AREA = "construction.joint_acceptance.max_floor_area_m2"
OFFICE_FILES = {"title.xlsx": officefiles.write_xlsx, "unicode.txt": officefiles.write_unicode_text,
                "excel.csv": officefiles.write_gb18030_csv}


def _reform(path: Path, **body: object) -> Path:
    head = {"reform": "test-reform", "title": {"zh": "测试改革", "en": "test reform"}, "in_force_from": DAY.isoformat()}
    path.write_text(yaml.safe_dump({**head, **body}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory, rulebase: RuleBase) -> Path:
    """1,200 synthetic enterprises and one bad row."""
    path = tmp_path_factory.mktemp("registry") / "registry.csv"
    write_synthetic(path, 1200, 5, rulebase)
    text = path.read_text(encoding="utf-8")
    width = len(text.splitlines()[0].split(","))
    path.write_text(text + "E-bad,abc" + "," * (width - 2) + "\n", encoding="utf-8")
    return path


def test_the_base_run_gives_exactly_the_rows_advisor_batch_gives(registry: Path, tmp_path: Path) -> None:
    batch = run_batch(registry, tmp_path / "batch.csv", workers=2, as_of=DAY)
    assert batch.failed == 1
    for workers in (2, 0):
        out = tmp_path / f"sim-{workers}"
        summary = run_simulation(registry, out, EXAMPLES / "joint-acceptance-2000.yaml", workers=workers)
        assert (summary.rows, summary.failed, summary.as_of) == (batch.rows, batch.failed, DAY)
        assert (out / "base.csv").read_bytes() == (tmp_path / "batch.csv").read_bytes()
        assert (out / "errors.csv").read_bytes() == (tmp_path / "batch.errors.csv").read_bytes()
        assert summary.changed("gain") > 0  # the registry has enterprises the reform reaches


def test_a_reform_that_changes_nothing_gives_zero_changes(registry: Path, tmp_path: Path,
                                                          rulebase: RuleBase) -> None:
    same = _reform(tmp_path / "same.yaml", parameters={AREA: 1500})
    summary = run_simulation(registry, tmp_path / "same", same, workers=0)
    assert summary.affected == [] and summary.changed() == 0
    # A replacement that writes the rule's concept out: another definition, the same meaning. The rule is
    # screened again by the reform's own engine, and must agree with the base on every enterprise.
    theme = yaml.safe_load((RULES_DIR / rulebase.rules[JOINT].file).read_text(encoding="utf-8"))
    [spec] = [item for item in theme["rules"] if item["id"] == JOINT]
    spec["when"] = {"all": [{"concept": "social_investment"}, {"concept": "industrial_project"},
                            {"concept": "project_low_risk"},
                            {"field": "project.floor_area_m2", "lte": {"param": AREA}}]}
    rewritten = _reform(tmp_path / "rewritten.yaml", switch_off=[JOINT], add_rules=[spec])
    summary = run_simulation(registry, tmp_path / "rewritten", rewritten, workers=2)
    assert summary.affected == [JOINT]
    assert summary.changed() == 0 and summary.base_eligible[JOINT] == summary.reform_eligible[JOINT] > 0
    assert _rows(tmp_path / "rewritten" / "changes.csv") == []
    assert "本改革在该登记册上不改变任何企业的结论" in (tmp_path / "rewritten" / "report.md").read_text("utf-8")


def _statuses(advisor: Advisor, profile: dict) -> dict[str, str]:
    return {f.rule.id: f.status for f in advisor.assess_data(profile, DAY).findings}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), limit=st.sampled_from([2000, 1501, 1800, 3000]))
def test_raising_joint_acceptance_gains_exactly_the_areas_between_and_loses_none(
        seed: int, limit: int, tmp_path_factory: pytest.TempPathFactory, advisor: Advisor) -> None:
    folder = tmp_path_factory.mktemp("raise")
    registry = folder / "registry.jsonl"
    write_synthetic(registry, 500, seed)
    reform = _reform(folder / "raise.yaml", parameters={AREA: limit})
    summary = run_simulation(registry, folder / "out", reform, workers=0, lang="en")
    assert summary.failed == 0
    changes = {(row["id"], row["provision"]): row["change"] for row in _rows(folder / "out" / "changes.csv")}
    expected: dict[tuple[str, str], str] = {}
    gains = set()
    for line in registry.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ident = row.pop("id")
        area = row.get("project", {}).get("floor_area_m2")
        if area is None or not 1500 < area <= limit:
            continue  # the reform cannot touch it: a change here would show as unexpected below
        before = _statuses(advisor, row)
        # the reform's test area <= limit holds for this enterprise exactly as the base's area <= 1500 holds for
        # the same enterprise at 1,500 m²: everything else unchanged
        after = _statuses(advisor, {**row, "project": {**row["project"], "floor_area_m2": 1500}})
        for rule_id in before:
            kind = transition(before[rule_id], after[rule_id])
            if kind is not None:
                expected[(ident, rule_id)] = kind
            if kind == "gain" and rule_id == JOINT:
                gains.add(ident)
    words = {"gain": "gains", "loss": "loses", "to_undetermined": "becomes undetermined",
             "from_undetermined": "undetermined becomes not eligible"}
    assert changes == {key: words[kind] for key, kind in expected.items()}
    assert {ident for (ident, rule_id), change in changes.items() if rule_id == JOINT and change == "gains"} == gains
    assert summary.changed("loss") == 0 and "loses" not in changes.values()


def test_the_reforms_side_is_what_a_full_reformed_advisor_says(tmp_path: Path, rulebase: RuleBase,
                                                              advisor: Advisor) -> None:
    """The simulation screens again only the rules a reform can change; that equals screening everything."""
    registry = tmp_path / "registry.jsonl"
    write_synthetic(registry, 800, 17, rulebase)
    path = EXAMPLES / "simple-low-risk-by-size.yaml"
    summary = run_simulation(registry, tmp_path / "out", path, workers=2, lang="en")
    reform = check_reform(path, rulebase).reform
    assert reform is not None
    reformed = Advisor(reform.at(DAY))
    expected = set()
    for line in registry.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ident = row.pop("id")
        before, after = _statuses(advisor, row), _statuses(reformed, row)
        for rule_id in before.keys() | after.keys():
            kind = transition(before.get(rule_id, "not_eligible"), after.get(rule_id, "not_eligible"))
            if kind:
                expected.add((ident, rule_id, kind))
    words = {"gains": "gain", "loses": "loss", "becomes undetermined": "to_undetermined",
             "undetermined becomes not eligible": "from_undetermined"}
    found = {(row["id"], row["provision"], words[row["change"]]) for row in _rows(tmp_path / "out" / "changes.csv")}
    assert found == expected and summary.changed("loss") > 0


def test_counts_by_size_sector_and_zone_add_up(registry: Path, tmp_path: Path) -> None:
    summary = run_simulation(registry, tmp_path / "out", EXAMPLES / "simple-low-risk-by-size.yaml", workers=0,
                             lang="en")
    per_provision = {(row["provision"], kind): int(row[kind]) for row in _rows(tmp_path / "out" / "summary.csv")
                     for kind in ("gain", "loss", "to_undetermined", "from_undetermined")}
    assert per_provision == {key: summary.transitions.get(key, 0) for key in per_provision}
    for row in _rows(tmp_path / "out" / "summary.csv"):
        assert int(row["reform_eligible"]) == int(row["base_eligible"]) + int(row["gain"]) - int(row["loss"])
    breakdown = _rows(tmp_path / "out" / "breakdown.csv")
    for dimension in ("Enterprise size", "Main industry", "Industrial function zone"):
        sums: Counter[tuple[str, str]] = Counter()
        for row in breakdown:
            if row["dimension"] == dimension:
                for kind in ("gain", "loss", "to_undetermined", "from_undetermined"):
                    sums[(row["provision"], kind)] += int(row[kind])
        assert {key: value for key, value in sums.items() if value} == \
            {key: value for key, value in per_provision.items() if value}, dimension
    changes = _rows(tmp_path / "out" / "changes.csv")
    assert len(changes) == summary.changed() and {row["size"] for row in changes} <= {
        "Large", "Medium", "Small", "Micro", "not answered"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] += 1
        assert not any(name == "style" for name, _ in attrs)  # shown under a CSP without inline style


def test_the_report_has_the_tables_and_the_charts(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_simulation(registry, out, EXAMPLES / "joint-acceptance-2000.yaml", workers=0)
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# 改革测算：验收登记同步办理的面积上限由1500平方米提高到2000平方米")
    assert "1,500 → 2,000 平方米" in markdown and "![新增享受的企业数（按政策）](gains-by-provision.svg)" in markdown
    assert f"{summary.transitions[(JOINT, 'gain')]:,} |" in markdown
    chart = ElementTree.parse(out / "gains-by-provision.svg").getroot()
    bars = chart.findall("{http://www.w3.org/2000/svg}rect")
    assert len(bars) == len(summary.affected) == 4
    widths = sorted((int(bar.get("width", "0")) for bar in bars), reverse=True)
    assert widths[0] == 340  # the most gains: the full bar
    size_chart = ElementTree.parse(out / "gains-by-size.svg").getroot()
    assert len(size_chart.findall("{http://www.w3.org/2000/svg}rect")) == 5  # four sizes and "not answered"
    tags = _Tags()
    tags.feed((out / "report.html").read_text(encoding="utf-8"))
    assert tags.tags["svg"] == 2 and tags.tags["table"] == 4 and tags.tags["style"] == 0


def test_a_bad_reform_or_day_is_refused_before_any_row(registry: Path, tmp_path: Path) -> None:
    bad = _reform(tmp_path / "bad.yaml", switch_off=["no-such-rule"])
    with pytest.raises(ReformError, match="no-such-rule: switch_off names no rule"):
        run_simulation(registry, tmp_path / "out", bad, workers=0)
    with pytest.raises(ProfileError):
        run_simulation(registry, tmp_path / "out", EXAMPLES / "water-dn80.yaml", workers=0, as_of=date(2026, 6, 1))
    assert not (tmp_path / "out").exists()


def test_simulate_on_the_command_line(registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["simulate", str(registry), "--reform", str(EXAMPLES / "water-dn80.yaml"), "--out", str(out),
                 "--workers", "2", "--lang", "en"])
    assert code == 1  # the bad row, as `advisor batch` says
    err = capsys.readouterr().err
    assert "1,201 rows: 1,200 screened, 1 failed; compared on 2027-01-01; 1 provision(s)" in err
    assert "100% 1,201 rows" in err  # the progress bar finished
    assert sorted(path.name for path in out.iterdir()) == [
        "base.csv", "breakdown.csv", "changes.csv", "errors.csv", "gains-by-provision.svg", "gains-by-size.svg",
        "report.html", "report.md", "result.json", "summary.csv"]
    bad = _reform(tmp_path / "bad.yaml", switch_off=["no-such-rule"])
    assert main(["simulate", str(registry), "--reform", str(bad), "--out", str(tmp_path / "x")]) == 3
    capsys.readouterr()
    assert main(["simulate", str(registry), "--reform", str(EXAMPLES / "water-dn80.yaml"), "--out",
                 str(tmp_path / "x"), "--as-of", "2026-01-01", "--lang", "en"]) == 2
    assert "the reform applies from 2027-01-01; the date cannot be earlier" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["title.xlsx", "unicode.txt", "excel.csv"])
def test_an_office_file_is_read_as_advisor_batch_reads_it(name: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A title above the header, 小计 and 合计 rows, UTF-16 or GB18030 text: the simulation reads the registry
    with the batch's reader, screens the same 30 enterprises, and says how it read the file as a batch does."""
    source = OFFICE_FILES[name](tmp_path / name)
    batch = run_batch(source, tmp_path / "batch.csv", workers=0, as_of=DAY, lang="en")
    out = tmp_path / "sim"
    summary = run_simulation(source, out, EXAMPLES / "joint-acceptance-2000.yaml", workers=0, lang="en")
    assert (summary.rows, summary.failed) == (batch.rows, batch.failed) == (30, 0)
    assert (out / "base.csv").read_bytes() == (tmp_path / "batch.csv").read_bytes()
    assert summary.reading() == batch.reading()
    assert (summary.header_line, summary.skipped) == (HEADER_LINE, [(SUBTOTAL_LINE, "小计"), (TOTAL_LINE, "合计")])
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["reading"]["skipped_total"] == 2 and result["reading"]["header_line"] == HEADER_LINE
    assert "2 totals row(s) skipped" in (out / "report.md").read_text(encoding="utf-8")
    assert main(["simulate", str(source), "--reform", str(EXAMPLES / "joint-acceptance-2000.yaml"), "--out",
                 str(tmp_path / "cli"), "--workers", "0", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert f"line {SUBTOTAL_LINE} (小计)" in err and "30 rows: 30 screened, 0 failed" in err
