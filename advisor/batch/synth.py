"""Writing a synthetic registry (advisor.synth.ProfileFactory) as CSV, JSON Lines or XLSX.

No real enterprise data ships with the project; these files serve demos, tests and benchmarks.
CSV and XLSX use the column mapping of columns.py (`id` plus one column per field path); JSON
Lines writes each profile nested like the API's, with `id` beside. CSV is written without a BOM.
"""

import json
from collections.abc import Callable
from pathlib import Path

from ..rulebase import RuleBase, load_rulebase
from ..synth import ProfileFactory
from .columns import ID_COLUMN, ColumnMap
from .formats import file_format
from .outputs import OutputSet

_BLOCK = 1000


def write_synthetic(path: Path, count: int, seed: int = 0, rulebase: RuleBase | None = None,
                    on_row: Callable[[int], None] | None = None) -> int:
    """Write `count` random profiles to `path` (format by suffix), streaming; returns `count`."""
    rulebase = rulebase or load_rulebase()
    factory = ProfileFactory(rulebase, seed)
    columns = ColumnMap(rulebase.questions)
    width = len(str(count))
    if file_format(path) == "jsonl":
        with path.open("w", encoding="utf-8") as out:
            for number in range(1, count + 1):
                out.write(json.dumps({ID_COLUMN: f"E{number:0{width}d}", **factory.profile()}, ensure_ascii=False)
                          + "\n")
                if on_row is not None:
                    on_row(number)
        return count
    outputs = OutputSet(bom=False)
    outputs.add("registry", path, [ID_COLUMN, *columns.paths], "registry")
    block: list[list[object]] = []
    try:
        for number in range(1, count + 1):
            row = columns.row(factory.profile())
            block.append([f"E{number:0{width}d}", *(row.get(column) for column in columns.paths)])
            if len(block) == _BLOCK or number == count:
                outputs.write("registry", block)
                block = []
            if on_row is not None:
                on_row(number)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    return count
