"""Screening a registry that lives in Spark: `screen(df)` over a DataFrame of profiles, with mapInPandas.

    from advisor.batch.spark_engine import screen
    profiles = spark.read.option("header", True).csv("hdfs:///registry/*.csv")   # or any DataFrame
    results = screen(profiles)            # id, eligible, undetermined, questions, errors
    results.write.parquet("hdfs:///registry/screened")

The DataFrame has the columns of a registry file (columns.py): `id` (optional) and one per profile
field by its dotted path, e.g. `project.floor_area_m2` (Spark reads a dotted name as a struct field, so
`screen` renames the columns by position before mapInPandas). Cells may be text as in a CSV file,
or typed (numbers, booleans); null and pandas NaN mean unknown. Each Python worker of the cluster
builds one Advisor on its first batch and keeps it; the results per row are those of the local
engine (`advisor batch --include undetermined`) as lists of provision ids and field paths, without
line numbers (a DataFrame has none): a row that cannot be screened has null lists and its `errors`.
Executors need this package installed (and pyarrow, which mapInPandas uses), and PYSPARK_PYTHON
naming that Python. A totals row (合计, 小计 …) is not screened either: its `errors` says so.

Spark's CSV reader takes UTF-8, UTF-16, UTF-32, ASCII and ISO-8859-1 only (GB18030 is refused; without the option
read as mojibake), and knows nothing of a title above the header. `read_registry(spark, path,
folder)` reads a registry file as `advisor batch` does (GB18030, "Unicode text", tabs, a title, XLSX)
and writes it to `folder` as a UTF-8 CSV (`transcode`) that Spark then reads; the lines that could
not be read (an invalid byte sequence, a NUL) are returned with their line numbers and reasons.
"""

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..rulebase import load_rulebase
from .columns import ColumnMap
from .errors import BatchInputError
from .formats import open_reader
from .rows import Problem, Row
from .screen import BlockScreener, ScreenOptions

RESULT_SCHEMA = ("id string, eligible array<string>, undetermined array<string>, questions array<string>, "
                 "errors string")

# One screener per Python worker process, for the columns of the DataFrame it is screening now.
_screener: tuple[tuple[str, ...], str, BlockScreener] | None = None


def _worker_screener(columns: tuple[str, ...], lang: str) -> BlockScreener:
    global _screener
    if _screener is None or _screener[:2] != (columns, lang):
        options = ScreenOptions(header=columns, lang=lang, include_undetermined=True, out_kind="rows", long=False)
        _screener = (columns, lang, BlockScreener(options))
    return _screener[2]


def _cell(value: Any) -> Any:
    """A pandas cell as the screener takes it: NaN / NaT / None are unknown, numpy scalars plain Python."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value.__class__.__name__ in ("NaTType", "NAType"):
        return None
    return value


def screen_frames(frames: Iterator[Any], columns: tuple[str, ...], lang: str = "zh") -> Iterator[Any]:
    """The mapInPandas function: each pandas DataFrame of profiles to a DataFrame of results."""
    import pandas as pd

    screener = _worker_screener(columns, lang)
    carried = len(screener.layout.carried)
    paths = {text: path for path, text in screener.question_text.items()}  # questions back to field paths
    for frame in frames:
        rows = [Row(number, tuple(_cell(value) for value in values))
                for number, values in enumerate(frame.itertuples(index=False, name=None), start=1)]
        outcome = screener.screen(rows)
        screened = {row[0]: row for row in outcome.tables["results"]}
        problems: dict[int, tuple[Any, list[str]]] = {}
        for line, ident, column, message in outcome.tables["errors"]:
            problems.setdefault(line, (ident, []))[1].append(f"{column}: {message}")
        out: dict[str, list[Any]] = {"id": [], "eligible": [], "undetermined": [], "questions": [], "errors": []}
        skipped = dict(outcome.skipped)
        for row in rows:
            result = screened.get(row.line)
            if result is None and row.line in skipped:
                messages = [f"合计行（{skipped[row.line]}），不是企业，未筛查" if lang == "zh"
                            else f"a totals row ({skipped[row.line]}): not an enterprise, not screened"]
                problems[row.line] = (screener.ident_of(row), messages)
            if result is None:
                ident, messages = problems.get(row.line, (None, []))
                out["id"].append(ident)
                out["errors"].append("; ".join(messages))
                for name in ("eligible", "undetermined", "questions"):
                    out[name].append(None)
                continue
            eligible, undetermined, questions = result[2 + carried], result[4 + carried], result[5 + carried]
            out["id"].append(result[1])
            out["errors"].append(None)
            out["eligible"].append(eligible.split())
            out["undetermined"].append(undetermined.split())
            out["questions"].append([paths[text] for text in questions.split(screener.question_sep) if text])
        yield pd.DataFrame(out)


def screen(df: Any, lang: str = "zh") -> Any:
    """The DataFrame of results (RESULT_SCHEMA) for a Spark DataFrame of profiles; BatchInputError
    at once for columns the local engine refuses too (duplicates, a mistyped field path)."""
    columns = tuple(df.columns)
    ColumnMap(load_rulebase().questions).layout(columns)

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        return screen_frames(frames, columns, lang)

    # Spark resolves a dotted name as a struct field: give the columns plain positional names for the
    # trip through mapInPandas; the worker knows them by their real names (`columns`).
    plain = df.toDF(*(f"c{number}" for number in range(len(columns))))
    return plain.mapInPandas(run, RESULT_SCHEMA)


@dataclass
class Transcoded:
    """A registry written as UTF-8 CSV for Spark: how the source was read, and the lines left out."""

    target: Path
    rows: int = 0
    header_line: int | None = None
    encoding: str | None = None
    unreadable: list[tuple[int, Problem]] = field(default_factory=list)  # (line, (zh, en)): not written


def transcode(source: Path, target: Path, encoding: str | None = None) -> Transcoded:
    """Write a registry file (any file `advisor batch` reads) as a UTF-8 CSV Spark's reader takes: its
    header row first (found below a title), then every row that could be read, cells as text. A line
    that could not be read, or an XLSX cell that could not (a formula without a value), is left out and
    returned in `unreadable` with its line and reason. BatchInputError for a file `advisor batch`
    refuses (before anything is written)."""
    columns = ColumnMap(load_rulebase().questions)
    reader = open_reader(source, encoding, columns.names_a_field)
    result = Transcoded(target, header_line=reader.header_line, encoding=reader.encoding)
    try:
        columns.layout(reader.columns)
        if not reader.columns:
            raise BatchInputError(f"{source.name[:80]}: delimited text or XLSX with a header is needed",
                                  f"{source.name[:80]}：需要带表头的表格文件（CSV、制表符分隔文本或 XLSX）")
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(reader.columns)
            for row in reader:
                unfit = next((cell.problem for cell in row.cells or () if hasattr(cell, "problem")), None)
                if row.cells is None or unfit is not None:
                    result.unreadable.append((row.line, row.error or unfit or ("无法读取该行", "unreadable row")))
                    continue
                writer.writerow(["" if cell is None else cell for cell in row.cells])  # type: ignore[union-attr]
                result.rows += 1
    finally:
        reader.close()
    return result


def read_registry(spark: Any, source: Path, folder: Path, encoding: str | None = None) -> tuple[Any, Transcoded]:
    """(a DataFrame of the registry's rows, cells as text; how it was transcoded): `source` transcoded into
    `folder` (a path every executor reads: local for local[*], shared storage on a cluster)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = transcode(source, folder / f"{source.stem}.utf8.csv", encoding)
    frame = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
             .option("encoding", "UTF-8").csv(str(done.target)))
    return frame, done
