"""A simulation submitted over HTTP, run by `advisor batch-worker` like a batch job (advisor/batch/worker.py).

The job's folder holds the registry (input.*), the reform (reform.yaml) and its options (options.json: the
day to compare on); the results go to the attempt's work folder, as a batch's do. The worker runs it through
`run_job`, which takes run_batch's arguments, so a job of either kind goes through the same steps.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from ..batch.run import BlockEngine, Observer
from .run import SimulationSummary, run_simulation

REFORM_FILE = "reform.yaml"
OPTIONS_FILE = "options.json"


def write_options(folder: Path, as_of: date | None) -> None:
    """The job's options beside its upload."""
    (folder / OPTIONS_FILE).write_text(json.dumps({"as_of": as_of.isoformat() if as_of else None}), encoding="utf-8")


def run_job(source: Path, output: Path, errors: Path, summary: Path, *, workers: int | None, lang: str,
            observers: tuple[Observer, ...], include_undetermined: bool, bom: bool,
            engine: BlockEngine | None) -> SimulationSummary:
    """The batch worker calls this in place of run_batch, with the same arguments: the job's registry is
    `source` (its reform and options beside it), its attempt's folder the one `output` is in. A simulation
    writes its own files there (advisor/simulate/run.py FILES); undetermined provisions are always
    compared, and `errors`, `summary` and `include_undetermined` have no other use here."""
    folder, work = source.parent, output.parent
    options: dict[str, Any] = json.loads((folder / OPTIONS_FILE).read_text(encoding="utf-8"))
    as_of = date.fromisoformat(options["as_of"]) if options.get("as_of") else None
    return run_simulation(source, work, folder / REFORM_FILE, workers=workers, as_of=as_of, lang=lang,
                          observers=observers, bom=bom, engine=engine)


def inputs(folder: Path, input_name: str) -> list[Path]:
    """The job's uploaded files, removed once it is done."""
    return [folder / input_name, folder / REFORM_FILE, folder / OPTIONS_FILE]
