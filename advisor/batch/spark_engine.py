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
naming that Python.
"""

import math
from collections.abc import Iterator
from typing import Any

from .columns import ColumnMap
from .rows import Row
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
        for line, ident, field, message in outcome.tables["errors"]:
            problems.setdefault(line, (ident, []))[1].append(f"{field}: {message}")
        out: dict[str, list[Any]] = {"id": [], "eligible": [], "undetermined": [], "questions": [], "errors": []}
        for row in rows:
            result = screened.get(row.line)
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
    from ..rulebase import load_rulebase

    columns = tuple(df.columns)
    ColumnMap(load_rulebase().questions).layout(columns)

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        return screen_frames(frames, columns, lang)

    # Spark resolves a dotted name as a struct field: give the columns plain positional names for the
    # trip through mapInPandas; the worker knows them by their real names (`columns`).
    plain = df.toDF(*(f"c{number}" for number in range(len(columns))))
    return plain.mapInPandas(run, RESULT_SCHEMA)
