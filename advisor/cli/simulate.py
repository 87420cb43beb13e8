"""`advisor simulate`: a registry screened under the base and a reform, and who gains or loses."""

import argparse
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from ..messages import message
from .batch import _positive, block_engine, reading_report, refusal_text


def _cmd_simulate(args: argparse.Namespace) -> int:
    from ..batch.columns import load_mapping
    from ..batch.errors import BatchInputError
    from ..batch.progress import ProgressBar
    from ..profile import ProfileError
    from ..reform import ReformError
    from ..simulate import run_simulation

    if not args.reform.is_file():
        print(f"advisor simulate: cannot read {args.reform}", file=sys.stderr)
        return 4
    observers: list[Any] = [] if args.quiet else [ProgressBar()]
    try:
        mapping = load_mapping(args.columns) if args.columns else None
        with ExitStack() as stack:
            summary = run_simulation(args.input, args.out, args.reform, workers=args.workers, as_of=args.as_of,
                                     lang=args.lang, observers=tuple(observers), encoding=args.encoding,
                                     mapping=mapping, bom=args.bom, engine=block_engine(args, stack))
    except ReformError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"advisor simulate: the reform has {len(error.problems)} problem(s); "
              "see `advisor rules check --reform FILE`", file=sys.stderr)
        return 3
    except (BatchInputError, ProfileError, OSError, RuntimeError) as error:
        print(f"advisor simulate: {refusal_text(error, args.lang)}", file=sys.stderr)
        return 2
    print(_report(summary), file=sys.stderr)
    if summary.interrupted:
        return 2 if summary.error else 130
    return 1 if summary.failed else 0


def _report(summary: Any) -> str:
    lang = summary.lang
    lines = []
    if summary.error:
        lines.append(message("sim_cli_error", lang, error=summary.error))
    if summary.interrupted:
        lines.append(message("sim_cli_interrupted", lang, rows=summary.rows))
        return "\n".join(lines)
    lines += reading_report(summary, lang)
    lines.append(message("sim_cli_counts", lang, rows=summary.rows, screened=summary.screened, failed=summary.failed,
                         as_of=summary.as_of, provisions=len(summary.affected), gains=summary.changed("gain"),
                         losses=summary.changed("loss"), seconds=summary.seconds, rate=summary.rate,
                         workers=summary.workers))
    lines.append(message("sim_cli_files", lang, folder=summary.out_dir))
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `simulate` subcommand."""
    simulate = subparsers.add_parser(
        "simulate", help="screen a registry under the base and a reform: who gains, who loses",
        description="Reads the registry as `advisor batch` does (same columns, values, encodings and limits), "
                    "screens every row under the rule base and under the reform (a YAML file, see "
                    "examples/reforms/ and `advisor rules check --reform`), and writes into OUT: base.csv (the "
                    "batch's results), changes.csv, summary.csv, breakdown.csv, report.md and report.html. Exit "
                    "code 1 when a row failed, 2 when nothing could run, 3 when the reform has problems.")
    simulate.add_argument("input", type=Path, help="registry file: .csv, .tsv, .txt (tab-separated), .jsonl or .xlsx")
    simulate.add_argument("--reform", type=Path, required=True, help="the reform's YAML file")
    simulate.add_argument("--out", type=Path, required=True, help="folder for the results (made if missing)")
    simulate.add_argument("--as-of", type=date.fromisoformat, default=None,
                          help="YYYY-MM-DD to compare on (default: the reform's in_force_from; not earlier)")
    simulate.add_argument("--columns", type=Path, default=None, help="YAML mapping of the registry's own headers")
    simulate.add_argument("--encoding", default=None, help="text encoding of a CSV / JSON Lines input")
    simulate.add_argument("--bom", action=argparse.BooleanOptionalAction, default=True,
                          help="CSV outputs start with a UTF-8 BOM so Excel reads them (default)")
    simulate.add_argument("--workers", type=_positive, default=None,
                          help="worker processes (default: every core; 0 = in this process)")
    simulate.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the files and report")
    simulate.add_argument("--quiet", action="store_true", help="no progress bar")
    simulate.add_argument("--engine", choices=["local", "dask"], default="local",
                          help="local: worker processes on this machine; dask: a Dask cluster (same output)")
    simulate.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                          help="the Dask scheduler (default: a LocalCluster of --workers processes here)")
    simulate.set_defaults(func=_cmd_simulate)
