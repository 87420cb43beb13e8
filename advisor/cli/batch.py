"""`advisor batch` (screen a registry file) and `advisor synth` (write a synthetic registry)."""

import argparse
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from ..text import Lang


def _cmd_batch(args: argparse.Namespace) -> int:
    from ..batch import run_batch
    from ..batch.columns import BatchInputError
    from ..batch.progress import ProgressBar
    from ..profile import ProfileError

    lang: Lang = args.lang
    observers: list = [] if args.quiet else [ProgressBar()]
    try:
        with ExitStack() as stack:
            engine = None
            if args.engine == "dask":
                from ..batch.dask_engine import dask_engine

                engine = stack.enter_context(dask_engine(args.scheduler, args.workers))
            summary = run_batch(args.input, args.out, args.errors, args.summary, args.workers, args.as_of, lang,
                                tuple(observers), engine=engine)
    except (BatchInputError, ProfileError, OSError, RuntimeError) as error:
        if isinstance(error, ProfileError):  # e.g. --as-of before the plan applies
            message = "; ".join(f"{i.path}: {i.message.get(lang)}" for i in error.issues)
        else:
            message = error.message(lang) if isinstance(error, BatchInputError) else str(error)
        print(f"advisor batch: {message}", file=sys.stderr)
        return 2
    if lang == "zh":
        print(f"共{summary.rows:,}行：完成{summary.screened:,}行，失败{summary.failed:,}行；"
              f"用时{summary.seconds:.1f}秒（{summary.rate:,.0f}行/秒，{summary.workers}个进程）", file=sys.stderr)
        print(f"结果：{summary.output}\n按政策汇总：{summary.summary}\n错误：{summary.errors}", file=sys.stderr)
    else:
        print(f"{summary.rows:,} rows: {summary.screened:,} screened, {summary.failed:,} failed; "
              f"{summary.seconds:.1f} s ({summary.rate:,.0f} rows/s, {summary.workers} workers)", file=sys.stderr)
        print(f"results: {summary.output}\nper provision: {summary.summary}\nerrors: {summary.errors}",
              file=sys.stderr)
    return 1 if summary.failed else 0


def _cmd_batch_worker(args: argparse.Namespace) -> int:
    from ..batch.worker import JobRunner
    from ..settings import read_settings
    from ..storage import get_engine

    count = JobRunner(read_settings(), get_engine()).run_until_idle()
    print(f"advisor batch-worker: {count} job(s) run, none queued", file=sys.stderr)
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from ..batch.columns import BatchInputError
    from ..batch.synth import write_synthetic

    try:
        count = write_synthetic(args.out, args.n, args.seed)
    except BatchInputError as error:
        print(f"advisor synth: {error.message('en')}", file=sys.stderr)
        return 2
    print(f"{count:,} synthetic profiles (seed {args.seed}) -> {args.out}", file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `batch` and `synth` subcommands."""
    batch = subparsers.add_parser(
        "batch", help="screen a registry (CSV, JSON Lines or XLSX; one enterprise per row)",
        description="Columns: `id` (optional) and one column per profile field by dotted path, e.g. "
                    "project.floor_area_m2; values as text (true/false/是/否, numbers, enum values); blank = "
                    "unknown. Exit code 1 when any row failed (see the errors file), 2 when nothing could run.")
    batch.add_argument("input", type=Path, help="registry file: .csv, .jsonl or .xlsx")
    batch.add_argument("--out", type=Path, required=True,
                       help="results file: .csv, .jsonl or .xlsx (a sheet holds at most 1,048,575 rows)")
    batch.add_argument("--errors", type=Path, default=None, help="bad rows with line numbers (default OUT.errors.csv)")
    batch.add_argument("--summary", type=Path, default=None,
                       help="per-provision eligible/undetermined counts (default OUT.summary.csv)")
    batch.add_argument("--workers", type=_positive, default=None,
                       help="worker processes (default: every core; 0 = in this process)")
    batch.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    batch.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of error messages")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.add_argument("--engine", choices=["local", "dask"], default="local",
                       help="local: worker processes on this machine; dask: a Dask cluster (same output)")
    batch.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="the Dask scheduler (default: a LocalCluster of --workers processes here)")
    batch.set_defaults(func=_cmd_batch)

    worker = subparsers.add_parser(
        "batch-worker", help="run queued batch jobs of the web API until none is left (any host)",
        description="Claims queued jobs from the database (DATABASE_URL) and screens them with the files in "
                    "ADVISOR_BATCH_DIR; the web server starts one after each upload.")
    worker.set_defaults(func=_cmd_batch_worker)

    synth = subparsers.add_parser("synth", help="write a synthetic registry for demos and benchmarks")
    synth.add_argument("--n", type=_positive, required=True, help="number of profiles")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True, help=".csv, .jsonl or .xlsx")
    synth.set_defaults(func=_cmd_synth)
