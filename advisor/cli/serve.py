"""`advisor serve`: the web page and the JSON API under uvicorn.

uvicorn imports the app (and its protocol) by import string, so `advisor` itself never imports `web`.
The settings are checked before anything starts: a bad value, or several workers or hosts without a
shared ADVISOR_SECRET_KEY, stops the command with the variable's name (exit code 78, EX_CONFIG in sysexits.h); an
ADVISOR_* variable that is not a setting is warned about. The app server refuses what nginx refuses
too: heads over ADVISOR_MAX_HEADER_BYTES (431) or slower than ADVISOR_HEADER_TIMEOUT_SECONDS (408),
more than ADVISOR_LIMIT_CONCURRENCY connections a worker (503); idle connections close after
ADVISOR_KEEP_ALIVE_SECONDS.
"""

import argparse
import importlib.util
import logging
import os
import shutil
import sys
import tempfile

from .. import logs
from ..settings import SettingsError, deployment_problems
from .exitcodes import EXIT_CONFIG
from .startup import checked_settings

GUARDED_PROTOCOL = "web.protocol:GuardedHttpToolsProtocol"


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    log_config = logs.configure(args.log_level, not args.no_access_log)
    log = logging.getLogger("advisor.serve")
    overrides = {} if args.forwarded_allow_ips is None else {"forwarded_allow_ips": args.forwarded_allow_ips}
    settings = checked_settings("serve", log, **overrides)
    if settings is None:
        return EXIT_CONFIG
    try:
        warnings = deployment_problems(settings, args.workers)
    except SettingsError as error:
        print(f"advisor serve: {error}", file=sys.stderr)
        return EXIT_CONFIG
    for warning in warnings:
        log.warning(warning)
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics adds up the figures of every process of this host from files in one folder
        # (prometheus_client's multi-process mode): each worker's, and each batch worker's it starts.
        metrics_dir = tempfile.mkdtemp(prefix="advisor-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    # httptools (uvicorn[standard]) with the head limits of web/protocol.py; h11 limits the size itself.
    protocol = GUARDED_PROTOCOL if importlib.util.find_spec("httptools") else "h11"
    try:
        uvicorn.run("web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                    log_level=args.log_level, log_config=log_config, access_log=False,
                    proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips, http=protocol,
                    h11_max_incomplete_event_size=settings.max_header_bytes,
                    timeout_keep_alive=settings.keep_alive_seconds, limit_concurrency=settings.limit_concurrency)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `serve` subcommand."""
    serve = subparsers.add_parser("serve", help="serve the self-check page and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (each builds its own advisor); above 1 needs ADVISOR_SECRET_KEY")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--no-access-log", action="store_true", help="skip per-request logging (benchmarks)")
    serve.add_argument("--forwarded-allow-ips", default=None,
                       help="proxy addresses or networks whose X-Forwarded-For/-Proto are believed (comma-separated; "
                            "default ADVISOR_FORWARDED_ALLOW_IPS, else 127.0.0.1)")
    serve.set_defaults(func=_cmd_serve)
