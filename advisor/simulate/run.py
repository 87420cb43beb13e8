"""Running a simulation: a registry screened under the base and a reform in one pass over its rows.

The same readers, limits, blocks and engines as `advisor batch` (advisor/batch/run.py): the file is read
lazily in blocks, at most a few blocks per worker are in flight, outcomes are written in input order, so
memory stays flat; every output is written under a temporary name and renamed when the run completes.

Files in the output folder:
    base.csv        the base's results, row for row what `advisor batch REGISTRY --out base.csv` writes
    errors.csv      rows that could not be screened (as the batch's errors file)
    changes.csv     one row per enterprise and provision whose status the reform changes: line, id, name,
                    provision, title, base and reform status, the change, size, sector, function zone
    summary.csv     per provision the reform can change: eligible under each, gains, losses, to / from undetermined
    breakdown.csv   the same changes counted by size, sector and function zone
    report.md, report.html   a short report (report.py) with its two SVG charts, gains-by-provision.svg and
                    gains-by-size.svg
    result.json     the counts (what an API status shows)
"""

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..assess import check_as_of
from ..batch.outputs import OutputSet
from ..batch.run import CHUNK_ROWS, BlockEngine, Observer, guarded, open_registry, pooled, reading_of
from ..batch.screen import ScreenOptions, table_headers
from ..messages import message, message_text
from ..profile import FieldIssue, ProfileError
from ..reform import Reform, ReformError, affected_rules, check_reform, read_reform_yaml
from ..rulebase import RuleBase, load_rulebase
from .report import render_reports
from .screen import (
    DIMENSIONS,
    TRANSITIONS,
    SimOptions,
    SimOutcome,
    SimScreener,
    dimension_labels,
    init_worker,
    simulate_block,
    simulate_on_worker,
)

FILES = {"base": "base.csv", "errors": "errors.csv", "changes": "changes.csv", "summary": "summary.csv",
         "breakdown": "breakdown.csv", "report_md": "report.md", "report_html": "report.html",
         "chart_provisions": "gains-by-provision.svg", "chart_size": "gains-by-size.svg", "result": "result.json"}
# The columns of the tables besides the base's (each header is catalog/messages.yaml's sim_col_NAME).
_COLUMNS = {
    "changes": ("line", "id", "name", "provision", "title", "base", "reform", "change", "size", "sector", "zone"),
    "summary": ("provision", "article", "title_zh", "title_en", "kind", "base_eligible", "reform_eligible", "gain",
                "loss", "to_undetermined", "from_undetermined"),
    "breakdown": ("dimension", "value", "provision", "gain", "loss", "to_undetermined", "from_undetermined"),
}


def _headers(table: str, lang: str) -> list[str]:
    return [message(f"sim_col_{name}", lang) for name in _COLUMNS[table]]  # type: ignore[arg-type]


@dataclass
class SimulationSummary:
    """What a simulation did: rows, the provisions the reform can change, the counts, where the files are."""

    out_dir: Path
    reform: Reform
    as_of: date
    workers: int
    lang: str = "zh"
    rows: int = 0
    failed: int = 0
    blank: int = 0
    reform_failed: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    error: str | None = None
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None
    header_line: int | None = None  # how the registry was read, as a batch's summary says (batch/run.py)
    title_lines: tuple[int, ...] = ()
    skipped: list[tuple[int, str]] = field(default_factory=list)  # totals rows: (line, label), not enterprises
    affected: list[str] = field(default_factory=list)
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    by: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    base_eligible: Counter[str] = field(default_factory=Counter)
    reform_eligible: Counter[str] = field(default_factory=Counter)
    enterprises: Counter[str] = field(default_factory=Counter)  # rows with any change / a gain / a loss

    @property
    def screened(self) -> int:
        return self.rows - self.failed

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def changed(self, kind: str | None = None) -> int:
        """(enterprise, provision) changes of one kind, or of every kind."""
        return sum(count for (_, which), count in self.transitions.items() if kind is None or which == kind)

    def reading(self) -> dict[str, Any]:
        """How the registry was read, as JSON: as a batch's (header row, title rows, totals rows skipped, blank
        lines, encoding, columns that are not profile fields)."""
        return reading_of(self)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON (result.json; the job's status at the API)."""
        return {"reform": self.reform.spec.reform, "as_of": self.as_of.isoformat(), "rows": self.rows,
                "screened": self.screened, "failed": self.failed, "reform_failed": self.reform_failed,
                "reading": self.reading(), "seconds": round(self.seconds, 2),
                "changes": {kind: self.changed(kind) for kind in TRANSITIONS},
                "enterprises": {kind: self.enterprises.get(kind, 0) for kind in ("changed", "gain", "loss")},
                "provisions": [{"id": rule_id, "base_eligible": self.base_eligible.get(rule_id, 0),
                                "reform_eligible": self.reform_eligible.get(rule_id, 0),
                                **{kind: self.transitions.get((rule_id, kind), 0) for kind in TRANSITIONS}}
                               for rule_id in self.affected]}


def _reform(path: Path, base: RuleBase) -> tuple[Reform, dict[str, Any]]:
    checked = check_reform(path, base)
    if checked.reform is None:
        raise ReformError(checked.problems)
    return checked.reform, read_reform_yaml(path)


def simulation_day(reform: Reform, as_of: date | None) -> date:
    """The day both rule bases are compared on: the reform's first day by default, never before it."""
    day = as_of or reform.spec.in_force_from
    check_as_of(day)
    if day < reform.spec.in_force_from:
        raise ProfileError([FieldIssue("as_of", message_text("sim_as_of_before_reform",
                                                             start=reform.spec.in_force_from.isoformat()))])
    return day


def run_simulation(source: Path, out_dir: Path, reform_file: Path, *, workers: int | None = None,
                   as_of: date | None = None, lang: str = "zh", observers: tuple[Observer, ...] = (),
                   encoding: str | None = None, mapping: dict[str, str] | None = None, bom: bool = True,
                   engine: BlockEngine | None = None) -> SimulationSummary:
    """Screen every row of `source` under the base and the reform in `reform_file`; write the files into
    `out_dir`. workers=0: in this process; `engine`: a Dask engine (advisor.batch.dask_engine).

    Raises ReformError (a reform with problems, before reading the registry), BatchInputError (a file
    that cannot be read), ProfileError (a day before the plan or the reform). A bad row never stops the
    run; Ctrl-C or a crash leaves no output file and returns a summary with interrupted=True.
    """
    base = load_rulebase()
    reform, raw = _reform(reform_file, base)
    day = simulation_day(reform, as_of)
    workers = os.cpu_count() or 1 if workers is None else workers
    summary = SimulationSummary(out_dir, reform, day, workers, lang)
    reader, layout = open_registry(source, base.questions, summary, encoding, mapping)
    outputs = OutputSet(bom)
    with guarded(summary, reader, outputs, observers) as elapsed:
        screen = ScreenOptions(tuple(reader.columns), tuple((mapping or {}).items()), lang, False, "csv", False, day)
        options = SimOptions(screen, raw, reform_file.name)
        headers = table_headers(screen, layout)
        language = "zh" if lang == "zh" else "en"
        outputs.add("base", out_dir / FILES["base"], headers["results"])
        outputs.add("errors", out_dir / FILES["errors"], headers["errors"])
        outputs.add("changes", out_dir / FILES["changes"], _headers("changes", language))
        blocks = reader.blocks(CHUNK_ROWS)
        results: Iterator[tuple[SimOutcome, float | None]]
        if engine is not None:
            results = engine(blocks, (options,), simulate_on_worker)  # type: ignore[call-arg]
        elif workers > 0:
            results = pooled(blocks, workers, options, init_worker, simulate_block)
        else:
            screener = SimScreener(options)
            results = ((screener(block), fraction) for block, fraction in blocks)
        rulebase = base.at(day)
        reformed = reform.at(day)
        summary.affected = affected_rules(rulebase, reformed)
        for outcome, fraction in results:
            _write(outputs, outcome)
            _add(summary, outcome)
            for observer in observers:
                observer.update(summary.rows, summary.failed, fraction)
        _write_tables(outputs, summary, rulebase, reformed, out_dir, language)
        summary.seconds = elapsed()
        reports = render_reports(summary, rulebase, reformed)
        reports[FILES["result"]] = json.dumps(summary.as_dict(), ensure_ascii=False, indent=1) + "\n"
        outputs.commit()
        for name, text in reports.items():
            _replace(out_dir / name, text)
    return summary


def _replace(path: Path, text: str) -> None:
    """Write a file under a temporary name and rename it: never half a file under its name."""
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _write(outputs: OutputSet, outcome: SimOutcome) -> None:
    tables = outcome.base.tables
    outputs.write("base", tables["results"], tables.get("counts", {}).get("results"))
    outputs.write("errors", tables["errors"])
    outputs.write("changes", outcome.changes)


def _add(summary: SimulationSummary, outcome: SimOutcome) -> None:
    base = outcome.base
    summary.rows += base.rows
    summary.failed += base.failed
    summary.blank += base.blank
    summary.skipped += base.skipped
    summary.reform_failed += outcome.reform_failed
    summary.base_eligible.update(base.eligible)
    summary.reform_eligible.update(outcome.reform_eligible)
    summary.transitions.update(outcome.transitions)
    summary.by.update(outcome.by)
    summary.enterprises.update(outcome.enterprises)


def kind_of(rule_id: str, base: RuleBase, reformed: RuleBase) -> str:
    """How the reform touches a provision: changed (a number or concept), replaced, added or dropped."""
    if rule_id not in base.rules:
        return "added"
    if rule_id not in reformed.rules:
        return "dropped"
    return "replaced" if reformed.rules[rule_id].file != base.rules[rule_id].file else "changed"


def _write_tables(outputs: OutputSet, summary: SimulationSummary, base: RuleBase, reformed: RuleBase,
                  out_dir: Path, lang: str) -> None:
    outputs.add("summary", out_dir / FILES["summary"], _headers("summary", lang))
    rows = []
    for rule_id in summary.affected:
        rule = reformed.rules.get(rule_id) or base.rules[rule_id]
        counts = [summary.transitions.get((rule_id, kind), 0) for kind in TRANSITIONS]
        rows.append([rule_id, rule.spec.article, rule.spec.title.zh, rule.spec.title.en,
                     kind_of(rule_id, base, reformed), summary.base_eligible.get(rule_id, 0),
                     summary.reform_eligible.get(rule_id, 0), *counts])
    outputs.write("summary", rows)
    outputs.add("breakdown", out_dir / FILES["breakdown"], _headers("breakdown", lang))
    labels = dimension_labels(base, lang)
    def order(key: tuple[str, str, str]) -> tuple[int, int, int]:
        values = list(labels[key[0]][1])  # the question's options in their order, then "not answered"
        return list(DIMENSIONS).index(key[0]), values.index(key[1]), summary.affected.index(key[2])

    keys = sorted({(dimension, value, rule_id) for dimension, value, rule_id, _ in summary.by}, key=order)
    outputs.write("breakdown", [[labels[dimension][0], labels[dimension][1].get(value, value), rule_id,
                                 *[summary.by.get((dimension, value, rule_id, kind), 0) for kind in TRANSITIONS]]
                                for dimension, value, rule_id in keys])

