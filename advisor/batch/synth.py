"""Writing a synthetic registry (advisor.synth.ProfileFactory) as CSV, JSON Lines or XLSX.

No real enterprise data ships with the project; these files serve demos, tests and benchmarks.
CSV and XLSX use the documented column mapping (`id` plus one column per field path); JSON
Lines writes each profile nested like the API's, with `id` beside.
"""

from collections.abc import Callable
from pathlib import Path

from ..rulebase import RuleBase, load_rulebase
from ..synth import ProfileFactory
from .columns import ID_COLUMN, ColumnMap
from .formats import TableWriter, file_format


def write_synthetic(path: Path, count: int, seed: int = 0, rulebase: RuleBase | None = None,
                    on_row: Callable[[int], None] | None = None) -> int:
    """Write `count` random profiles to `path` (format by suffix), streaming; returns `count`."""
    rulebase = rulebase or load_rulebase()
    factory = ProfileFactory(rulebase, seed)
    columns = ColumnMap(rulebase.questions)
    nested = file_format(path) == "jsonl"
    width = len(str(count))
    with TableWriter(path, [ID_COLUMN, *columns.paths]) as out:
        for number in range(1, count + 1):
            profile = factory.profile()
            ident = f"E{number:0{width}d}"
            out.write({ID_COLUMN: ident, **profile} if nested else {ID_COLUMN: ident, **columns.row(profile)})
            if on_row is not None:
                on_row(number)
    return count
