"""`advisor batch` (screen a registry file) and `advisor synth` (write a synthetic registry)."""

import argparse
import sys
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from ..text import Lang


def _cmd_batch(args: argparse.Namespace) -> int:
    from ..batch import run_batch
    from ..batch.columns import load_mapping
    from ..batch.errors import BatchInputError
    from ..batch.progress import ProgressBar
    from ..profile import ProfileError

    lang: Lang = args.lang
    observers: list = [] if args.quiet else [ProgressBar()]
    try:
        mapping = load_mapping(args.columns) if args.columns else None
        with ExitStack() as stack:
            summary = run_batch(args.input, args.out, args.errors, args.summary, args.workers, args.as_of, lang,
                                tuple(observers), long=args.long, encoding=args.encoding, mapping=mapping,
                                include_undetermined="undetermined" in args.include, bom=args.bom,
                                engine=block_engine(args, stack))
    except (BatchInputError, ProfileError, OSError, RuntimeError) as error:
        print(f"advisor batch: {refusal_text(error, lang)}", file=sys.stderr)
        return 2
    print(_report(summary, lang), file=sys.stderr)
    if summary.interrupted:
        return 2 if summary.error else 130
    return 1 if summary.failed else 0


def block_engine(args: argparse.Namespace, stack: ExitStack) -> Any:
    """The engine `--engine` asks for (a Dask cluster, kept open by `stack`), or None for local workers."""
    if args.engine != "dask":
        return None
    from ..batch.dask_engine import dask_engine

    return stack.enter_context(dask_engine(args.scheduler, args.workers))


def refusal_text(error: Exception, lang: Lang) -> str:
    """Why a run could not start, for the terminal: each bad field of a ProfileError (e.g. --as-of before the
    plan applies), a BatchInputError's message, or the error itself."""
    from ..batch.errors import BatchInputError
    from ..profile import ProfileError

    if isinstance(error, ProfileError):
        return "; ".join(f"{i.path}: {i.message.get(lang)}" for i in error.issues)
    return error.message(lang) if isinstance(error, BatchInputError) else str(error)


def _cmd_batch_worker(args: argparse.Namespace) -> int:
    import logging
    import time

    from .. import logs
    from ..batch.worker import JobRunner
    from ..storage import engine_for
    from .exitcodes import EXIT_CONFIG
    from .startup import checked_settings

    logs.configure(args.log_level)  # JSON lines on stderr, as the server writes them (journal, Docker logs)
    log = logging.getLogger("advisor.batch.worker")
    settings = checked_settings("batch-worker", log)
    if settings is None:
        return EXIT_CONFIG
    if args.metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(args.metrics_port, addr=args.metrics_host)
    runner = JobRunner(settings, engine_for(settings))
    if args.poll is None:
        try:
            count = runner.run_until_idle()
        except Exception as error:  # e.g. a database not migrated yet: said by kind, never with its values
            log.error("batch worker stopped (%s)", type(error).__name__)
            return 1
        log.info("%d batch job(s) run, none queued", count)
        return 0
    log.info("batch worker waiting for jobs (looking every %g s)", args.poll)
    while True:  # a worker-only host: until stopped (systemd, deploy/advisor-worker.service)
        try:
            runner.run_until_idle()
        except Exception as error:  # the database away for a while: say so, look again
            log.warning("batch worker turn failed (%s); trying again in %g s", type(error).__name__, args.poll)
        time.sleep(args.poll)


def _report(summary: Any, lang: str) -> str:
    """What the run did, for the terminal: counts, speed, files, unknown columns."""
    zh = lang == "zh"
    lines = []
    if summary.error:
        lines.append(f"运行出错：{summary.error}" if zh else f"the run broke off: {summary.error}")
    if summary.interrupted:
        lines.append(f"已中断：读取{summary.rows:,}行后停止，未写入任何结果文件（{summary.output} 不存在或保持原样）"
                     if zh else f"interrupted after {summary.rows:,} rows: no output file was written "
                                f"({summary.output} is absent or unchanged)")
    lines += reading_report(summary, lang)
    if zh:
        lines.append(f"共{summary.rows:,}行：完成{summary.screened:,}行，失败{summary.failed:,}行，空行{summary.blank:,}行；"
                     f"用时{summary.seconds:.1f}秒（{summary.rate:,.0f}行/秒，{summary.workers}个进程，"
                     f"编码 {summary.encoding or 'xlsx'}）")
    else:
        lines.append(f"{summary.rows:,} rows: {summary.screened:,} screened, {summary.failed:,} failed, "
                     f"{summary.blank:,} blank lines skipped; {summary.seconds:.1f} s ({summary.rate:,.0f} rows/s, "
                     f"{summary.workers} workers, encoding {summary.encoding or 'xlsx'})")
    if not summary.interrupted:
        files = [summary.output, summary.long, summary.summary, summary.errors]
        shown = list(dict.fromkeys(str(path) for path in files if path))
        lines.append(("结果：" if zh else "results: ") + "，".join(shown) if zh else "results: " + ", ".join(shown))
    return "\n".join(lines)


def reading_report(summary: Any, lang: str) -> list[str]:
    """How the file was read, for the terminal (a batch's or a simulation's summary): the header row and the
    title above it, totals rows skipped, columns that are not profile fields."""
    from ..batch.errors import ECHO_ITEMS, echo_list

    zh = lang == "zh"
    lines = []
    if summary.header_line is not None:
        lines.append(_header_report(summary, zh))
    if summary.skipped:
        shown = "，".join(f"第{line}行（{label}）" for line, label in summary.skipped[:ECHO_ITEMS]) if zh \
            else ", ".join(f"line {line} ({label})" for line, label in summary.skipped[:ECHO_ITEMS])
        more = len(summary.skipped) - ECHO_ITEMS
        if more > 0:
            shown += f" 等另外{more:,}行" if zh else f" and {more:,} more"
        lines.append(f"跳过合计行{len(summary.skipped):,}行（不是企业，未筛查）：{shown}" if zh
                     else f"{len(summary.skipped):,} totals row(s) skipped (not enterprises, not screened): {shown}")
    if summary.unknown_columns:
        names = echo_list(summary.unknown_columns, lang)
        lines.append(f"未识别为档案字段的列（原样保留在结果中）：{names}" if zh
                     else f"columns that are not profile fields (carried through to the results): {names}")
    return lines


def _header_report(summary: Any, zh: bool) -> str:
    """Which row the header was read from, and the title rows above it that were not screened."""
    titles = list(summary.title_lines)
    if zh:
        text = f"表头：第{summary.header_line}行"
        if titles:
            text += f"（其上第{'、'.join(map(str, titles[:10]))}行为标题，未筛查）"
        return text
    text = f"header: row {summary.header_line}"
    if titles:
        text += f" (row {', '.join(map(str, titles[:10]))} above it: a title, not screened)"
    return text


def _cmd_synth(args: argparse.Namespace) -> int:
    from ..batch.errors import BatchInputError
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
        "batch", help="screen a registry (CSV, tab-separated text, JSON Lines or XLSX; one enterprise per row)",
        description="Columns: a profile field by dotted path (project.floor_area_m2), the question's Chinese "
                    "label (总建筑面积) or a short alias (企业规模, 统一社会信用代码); `id` or 编号; any other column "
                    "is carried through to the results. The header is the first row that names a field (a title "
                    "above it is passed over); totals rows (合计, 小计, 总计) are skipped and listed. Values as typed "
                    "(是/否, √, 1,200, 1.2万, 小型); blank = unknown. Encoding: UTF-8, GB18030 or UTF-16 (Excel's "
                    "'Unicode text', tab-separated), detected. Exit code 1 when any row failed (see the "
                    "errors), 2 when nothing could run, 130 when interrupted (no output is left).")
    batch.add_argument("input", type=Path, help="registry file: .csv, .tsv, .txt (tab-separated), .jsonl or .xlsx")
    batch.add_argument("--out", type=Path, required=True,
                       help="results file: .csv, .jsonl or .xlsx (an .xlsx holds every table as a sheet)")
    batch.add_argument("--errors", type=Path, default=None,
                       help="bad rows with line numbers (default OUT.errors.csv; a sheet of an .xlsx OUT)")
    batch.add_argument("--summary", type=Path, default=None,
                       help="per-provision eligible/undetermined counts (default OUT.summary.csv; a sheet of .xlsx)")
    batch.add_argument("--long", type=Path, default=None,
                       help="also one row per enterprise x eligible provision (mail-merge, the 蓉易享 push list); "
                            "a sheet of an .xlsx OUT by default")
    batch.add_argument("--columns", type=Path, default=None,
                       help="YAML mapping of the registry's own headers to fields: {注册资本规模: 企业规模, ...}")
    batch.add_argument("--encoding", default=None, help="text encoding of a text input, e.g. gb18030 "
                                                        "(default: detected, UTF-8, GB18030 or UTF-16)")
    batch.add_argument("--include", action="append", choices=["undetermined"], default=[],
                       help="add the undetermined provisions and the questions that would settle them")
    batch.add_argument("--bom", action=argparse.BooleanOptionalAction, default=True,
                       help="CSV outputs start with a UTF-8 BOM so Excel reads them (default); --no-bom for programs")
    batch.add_argument("--workers", type=_positive, default=None,
                       help="worker processes (default: every core; 0 = in this process)")
    batch.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    batch.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of headers, titles and errors")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.add_argument("--engine", choices=["local", "dask"], default="local",
                       help="local: worker processes on this machine; dask: a Dask cluster (same output)")
    batch.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="the Dask scheduler (default: a LocalCluster of --workers processes here)")
    batch.set_defaults(func=_cmd_batch)

    worker = subparsers.add_parser(
        "batch-worker", help="run queued batch jobs of the web API until none is left, or for ever (any host)",
        description="Claims queued jobs from the database (ADVISOR_DATABASE_URL) and screens them with the files "
                    "in ADVISOR_BATCH_DIR; the web server starts one after each upload. Logs JSON lines on stderr.")
    worker.add_argument("--poll", type=float, default=None, metavar="SECONDS",
                        help="keep running and look for queued jobs this often (a worker-only host); "
                             "without it, stop when none is queued")
    worker.add_argument("--metrics-port", type=int, default=None,
                        help="serve this worker's figures (job durations, rows) for Prometheus on this port")
    worker.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port (default loopback)")
    worker.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    worker.set_defaults(func=_cmd_batch_worker)

    synth = subparsers.add_parser("synth", help="write a synthetic registry for demos and benchmarks")
    synth.add_argument("--n", type=_positive, required=True, help="number of profiles")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True, help=".csv, .jsonl or .xlsx")
    synth.set_defaults(func=_cmd_synth)
