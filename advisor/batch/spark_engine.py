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
engine (`advisor batch`), without line numbers (a DataFrame has none): a row that cannot be
screened has null lists and its `errors`. Executors need this package installed (and pyarrow,
which mapInPandas uses), and PYSPARK_PYTHON naming that Python.
"""

import math
from collections.abc import Iterator
from typing import Any

from .columns import ColumnMap
from .formats import Row
from .screen import Failed, Screener

RESULT_SCHEMA = ("id string, eligible array<string>, undetermined array<string>, questions array<string>, "
                 "errors string")

# One screener per Python worker process, for the columns of the DataFrame it is screening now.
_screener: tuple[tuple[str, ...], Screener] | None = None


def _worker_screener(columns: tuple[str, ...]) -> Screener:
    global _screener
    if _screener is None or _screener[0] != columns:
        _screener = (columns, Screener(None, columns))
    return _screener[1]


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

    screener = _worker_screener(columns)
    for frame in frames:
        rows = [Row(number, tuple(_cell(value) for value in values))
                for number, values in enumerate(frame.itertuples(index=False, name=None), start=1)]
        out: dict[str, list[Any]] = {"id": [], "eligible": [], "undetermined": [], "questions": [], "errors": []}
        for item in screener.screen_many(rows):
            out["id"].append(item.id)
            if isinstance(item, Failed):
                out["errors"].append("; ".join(f"{r['field']}: {r['message']}" for r in item.records(lang)))
                for name in ("eligible", "undetermined", "questions"):
                    out[name].append(None)
            else:
                out["errors"].append(None)
                out["eligible"].append(list(item.eligible))
                out["undetermined"].append(list(item.undetermined))
                out["questions"].append(list(item.questions))
        yield pd.DataFrame(out)


def screen(df: Any, lang: str = "zh") -> Any:
    """The DataFrame of results (RESULT_SCHEMA) for a Spark DataFrame of profiles; BatchInputError
    at once for a column that is neither `id` nor a profile field."""
    from ..rulebase import load_rulebase

    columns = tuple(df.columns)
    ColumnMap(load_rulebase().questions).check_columns(list(columns))

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        return screen_frames(frames, columns, lang)

    # Spark resolves a dotted name as a struct field: give the columns plain positional names for the
    # trip through mapInPandas; the worker knows them by their real names (`columns`).
    plain = df.toDF(*(f"c{number}" for number in range(len(columns))))
    return plain.mapInPandas(run, RESULT_SCHEMA)
