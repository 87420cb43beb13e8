"""Screening blocks of registry rows: what a worker process (or a Dask / Spark task) does.

Public entry point for other engines:

    screener = BlockScreener(ScreenOptions(header=tuple(reader.columns), lang="zh"))  # once per worker
    outcome = screener(block)        # a rows.Block: Block.of_rows([Row(line, cells), ...]) or a reader's
    outcome.tables["results"]        # output rows (lists, or CSV/JSON Lines text when out_kind says so)
    outcome.tables["long"]           # one row per enterprise x provision
    outcome.tables["errors"]         # one row (a list) per problem: line, id, field, message
    outcome.rows, .failed, .blank, .eligible, .undetermined   # counts
    outcome.skipped                  # totals rows (合计, 小计 …): (line, label), not enterprises

`screen_rows(rows, options)` does the same for a list of Rows with a screener of its own. Column
headers of each table: `table_headers(options, rulebase)`. A row never stops a block: whatever
goes wrong with one row (a lone surrogate, deep nesting, a huge number, an engine refusal)
becomes that row's error line and the other rows are screened. A totals row (columns.totals_label)
is neither screened nor failed: it is skipped and reported with its line.

Per enterprise the engine's verdict comes from lean.py (the engine plus the explainer's statuses),
equal to Advisor.assess. Output: provision ids and titles, a push message (push.py), the
columns carried through from the input; undetermined provisions and the questions that would
settle them only with include_undetermined. The as-of date is checked once by run_batch.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from ..assess import Advisor
from ..profile import ProfileError, parse_profile
from ..rulebase import RuleBase
from .columns import NAME_HEADERS, ColumnMap, Layout, header_key, totals_label
from .lean import LeanScreen, Verdict
from .outputs import csv_text, jsonl_text
from .push import PushMessages
from .rows import Block, Row, parse_block

_LABELS = {  # table column -> (zh, en)
    "line": ("行号", "line"), "id": ("编号", "id"), "eligible": ("可享受政策编号", "eligible"),
    "eligible_titles": ("可享受政策", "eligible_titles"), "message": ("推送消息", "push_message"),
    "undetermined": ("待确认政策编号", "undetermined"), "questions": ("待补充信息", "questions"),
    "provision": ("政策编号", "provision"), "article": ("条款", "article"), "title": ("政策名称", "title"),
    "where": ("办理部门或渠道", "where"), "status": ("结论", "status"),
    "field": ("字段", "field"), "problem": ("问题", "message"),
}
_STATUS = {"eligible": ("可享受", "eligible"), "undetermined": ("待确认", "undetermined")}
Valid = tuple[int, str | None, tuple[Any, ...], BaseModel]  # line, id, carried cells, profile
# Told each block's valid rows and their verdicts (advisor/simulate compares them with a reform's).
VerdictHook = Callable[[list[Valid], list[Verdict | Exception]], None]


@dataclass(frozen=True)
class ScreenOptions:
    """How a block is screened and rendered (picklable: it travels to worker processes).

    header: the file's columns (tuple rows are aligned with it); mapping: --columns pairs;
    lang: zh or en headers, titles and errors; include_undetermined: add undetermined provisions
    and the questions; out_kind: 'rows' (lists), 'csv' or 'jsonl' (text rendered in the worker);
    long: build the long table (one row per enterprise x provision); as_of: the day whose parameter
    values the rules use (None: the plan's own)."""

    header: tuple[str, ...] = ()
    mapping: tuple[tuple[str, str], ...] = ()
    lang: str = "zh"
    include_undetermined: bool = False
    out_kind: str = "rows"
    long: bool = True
    as_of: date | None = None


def _columns(keys: list[str], lang: str) -> list[str]:
    index = 0 if lang == "zh" else 1
    return [_LABELS[key][index] for key in keys]


def table_headers(options: ScreenOptions, layout: Layout) -> dict[str, list[str]]:
    """The header row of each output table, in the options' language."""
    extra = ["undetermined", "questions"] if options.include_undetermined else []
    carried = list(layout.carried)
    return {
        "results": [*_columns(["line", "id"], options.lang), *carried,
                    *_columns(["eligible", "eligible_titles", *extra, "message"], options.lang)],
        "long": [*_columns(["line", "id"], options.lang), *carried,
                 *_columns(["provision", "article", "title", "where", "status"], options.lang)],
        "errors": _columns(["line", "id", "field", "problem"], options.lang),
    }


@dataclass
class ChunkOutcome:
    """A screened block: each table's rows (or rendered text), the counts, and the totals rows skipped
    as (line, label). `rows` counts enterprises: screened and failed, not blank or totals rows."""

    tables: dict[str, Any]
    rows: int
    failed: int
    blank: int
    eligible: dict[str, int] = field(default_factory=dict)
    undetermined: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)


class BlockScreener:
    """Parses, screens and renders whole blocks with one Advisor: the work of one worker."""

    def __init__(self, options: ScreenOptions, advisor: Advisor | None = None) -> None:
        self.options = options
        self.advisor = advisor or Advisor()
        if options.as_of is not None:
            self.advisor = self.advisor.dated(options.as_of)
        self.on_verdicts: VerdictHook | None = None
        rulebase: RuleBase = self.advisor.rulebase
        self.lean = LeanScreen(rulebase, self.advisor.engine, questions=options.include_undetermined)
        self.columns = ColumnMap(rulebase.questions, dict(options.mapping))
        self.layout = self.columns.layout(options.header)
        self.headers = table_headers(options, self.layout)
        self.field_names = {target: name for name, target in zip(self.layout.header, self.layout.targets, strict=True)
                            if target}  # errors name a field by the file's own header
        self.name_at = next((position for position, name in enumerate(self.layout.carried)
                             if header_key(name) in NAME_HEADERS), None)
        self.label_at = self.layout.label_at
        zh = options.lang == "zh"
        offices = rulebase.catalog.offices
        self.rules = {rule.id: (rule.spec.article, rule.spec.title.zh if zh else rule.spec.title.en,
                                "、".join((offices[o].name.zh if zh else offices[o].name.en)
                                         for o in rule.spec.handled_by))
                      for rule in rulebase.rules.values()}
        self.question_text = {path: (q.label.zh if zh else path) for path, q in rulebase.questions.by_path.items()}
        self.push = PushMessages(rulebase)
        self.title_sep, self.question_sep = ("；", "；") if zh else ("; ", " ")

    def __call__(self, block: Block) -> ChunkOutcome:
        rows, blank = parse_block(block, len(self.options.header))
        outcome = self.screen(rows)
        outcome.blank = blank
        return outcome

    def _problem_rows(self, line: int, ident: str | None, problems: list[tuple[str, str, str]]) -> list[list[Any]]:
        zh = self.options.lang == "zh"
        return [[line, ident, self.field_names.get(path, path), message_zh if zh else message_en]
                for path, message_zh, message_en in problems]

    def screen(self, rows: list[Row]) -> ChunkOutcome:
        """Screen parsed rows, in order, the valid ones through the engine as one block."""
        errors: list[list[Any]] = []
        valid: list[tuple[int, str | None, tuple[Any, ...], BaseModel]] = []
        skipped: list[tuple[int, str]] = []
        for row in rows:
            label = totals_label(row.cells, self.label_at) if row.cells is not None else None
            if label is not None:
                skipped.append((row.line, label))
                continue
            try:
                parsed = self._parse(row)
            except Exception as error:
                parsed = [("(row)", f"无法处理该行：{type(error).__name__}", f"cannot process the row: "
                                                                        f"{type(error).__name__}")]
            if isinstance(parsed, list):
                errors.extend(self._problem_rows(row.line, self.ident_of(row), parsed))
            else:
                valid.append((row.line, *parsed))
        results: list[list[Any]] = []
        long: list[list[Any]] = []
        eligible_count: dict[str, int] = {}
        undetermined_count: dict[str, int] = {}
        verdicts = self.lean.screen_many([profile for *_, profile in valid])
        if self.on_verdicts is not None:  # a simulation screens the same profiles under a reform too
            self.on_verdicts(valid, verdicts)
        include = self.options.include_undetermined
        for (line, ident, carried, _), verdict in zip(valid, verdicts, strict=True):
            if isinstance(verdict, Exception):
                reason = f"{type(verdict).__name__}: {str(verdict)[:200]}"
                errors.extend(self._problem_rows(line, ident, [("(row)", f"评估失败：{reason}",
                                                                 f"assessment failed: {reason}")]))
                continue
            eligible, undetermined, questions = verdict
            for rule_id in eligible:
                eligible_count[rule_id] = eligible_count.get(rule_id, 0) + 1
            for rule_id in undetermined:
                undetermined_count[rule_id] = undetermined_count.get(rule_id, 0) + 1
            name = carried[self.name_at] if self.name_at is not None else ident
            titles = self.title_sep.join(self.rules[rule_id][1] for rule_id in eligible)
            extra = [" ".join(undetermined), self.question_sep.join(self.question_text[path] for path in questions)] \
                if include else []
            results.append([line, ident, *carried, " ".join(eligible), titles, *extra,
                            self.push.message(None if name is None else str(name), eligible)])
            if not self.options.long:
                continue
            statuses = [(rule_id, "eligible") for rule_id in eligible]
            if include:
                statuses += [(rule_id, "undetermined") for rule_id in undetermined]
            status_index = 0 if self.options.lang == "zh" else 1
            for rule_id, status in statuses:
                article, title, where = self.rules[rule_id]
                long.append([line, ident, *carried, rule_id, article, title, where, _STATUS[status][status_index]])
        tables = {"results": results, "long": long, "errors": errors}
        kind = self.options.out_kind
        if kind != "rows":
            render = csv_text if kind == "csv" else None
            tables = {name: (render(table) if render else jsonl_text(self.headers[name], table))
                      for name, table in tables.items() if name != "errors"}
            tables["errors"] = errors  # the errors file has its own type: rows
            tables["counts"] = {"results": len(results), "long": len(long)}
        screened = len(rows) - len(skipped)
        return ChunkOutcome(tables, screened, screened - len(results), 0, eligible_count, undetermined_count, skipped)

    def ident_of(self, row: Row) -> str | None:
        """The id cell of a row as text (None when it has none or could not be read)."""
        if row.cells is None:
            return None
        try:
            if isinstance(row.cells, dict):
                value = row.cells.get("id")
            else:
                at = self.layout.targets.index("id") if "id" in self.layout.targets else None
                value = row.cells[at] if at is not None else None
            return None if value is None else str(value)[:200]
        except Exception:
            return None

    def _parse(self, row: Row) -> tuple[str | None, tuple[Any, ...], BaseModel] | list[tuple[str, str, str]]:
        """(id, carried cells, profile), or the row's problems as (field, zh, en)."""
        if row.cells is None:
            zh, en = row.error or ("无法读取该行", "unreadable row")
            return [("(row)", zh if zh.startswith("无法") else f"无法读取该行：{zh}", en)]
        parsed = self.columns.parse(row.cells, self.layout)
        problems = list(parsed.problems)
        for name, value in zip(self.layout.carried, parsed.carried, strict=True):
            if hasattr(value, "problem"):  # an XLSX cell that could not be read (values.Unfit)
                problems.append((name, *value.problem))
        try:
            profile = parse_profile(parsed.nested)
        except ProfileError as error:
            problems.extend((i.path, i.message.zh, i.message.en) for i in error.issues)
            return problems
        if problems:
            return problems
        return parsed.ident, parsed.carried, profile


def screen_rows(rows: list[Row], options: ScreenOptions) -> ChunkOutcome:
    """Screen a list of Rows with a screener of their own (for one-off use; reuse a BlockScreener
    across blocks, as building its Advisor takes a while)."""
    return BlockScreener(options)(Block.of_rows(rows))


# --- worker processes: one BlockScreener each, built once in the pool's initializer ---------
_worker: BlockScreener | None = None


def init_worker(options: ScreenOptions) -> None:
    """Pool initializer: build this process's Advisor once; Ctrl-C is the parent's to handle."""
    import signal

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = BlockScreener(options)


def screen_block(block: Block) -> ChunkOutcome:
    """Pool task: screen a block with this process's BlockScreener."""
    assert _worker is not None, "init_worker was not run"
    return _worker(block)
