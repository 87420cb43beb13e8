"""`advisor serve`: the web page and the JSON API under uvicorn.

uvicorn imports the app (and the log formatter) by import string, so `advisor` itself never imports `web`.
The settings are checked before anything starts: a bad value, or several workers or hosts without a
shared ADVISOR_SECRET_KEY, stops the command with the variable's name (exit code 78, EX_CONFIG).
"""

import argparse
import logging
import logging.config
import os
import shutil
import sys
import tempfile
from typing import Any

from ..settings import SettingsError, deployment_problems, read_settings

EX_CONFIG = 78  # sysexits.h: a configuration error


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    try:
        settings = read_settings()
        warnings = deployment_problems(settings, args.workers)
    except SettingsError as error:
        print(f"advisor serve: {error}", file=sys.stderr)
        return EX_CONFIG
    metrics_dir = None
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics adds up every worker's figures from files in one folder (prometheus_client multiprocess).
        metrics_dir = tempfile.mkdtemp(prefix="advisor-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    log_config = _log_config(args.log_level, not args.no_access_log)
    logging.config.dictConfig(log_config)
    for warning in warnings:
        logging.getLogger("advisor.serve").warning(warning)
    allow = args.forwarded_allow_ips or settings.forwarded_allow_ips
    try:
        uvicorn.run("web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                    log_level=args.log_level, log_config=log_config, access_log=False,
                    proxy_headers=True, forwarded_allow_ips=allow)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def _log_config(level: str, access_log: bool) -> dict[str, Any]:
    """logging.config.dictConfig: every logger as JSON lines on stderr (web.logs.JsonFormatter).

    uvicorn's own access log is off: web.logs.AccessLog writes a line with the request id and
    without the query string; --no-access-log turns that off too."""
    to_json = {"handlers": ["json"], "propagate": False, "level": level.upper()}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "web.logs.JsonFormatter"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": to_json, "advisor": to_json, "web": to_json,
                    "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
                    "advisor.access": {**to_json, "level": "INFO" if access_log else "WARNING"}},
    }


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
                       help="proxies whose X-Forwarded-For/-Proto are believed (comma-separated, '*' for any; "
                            "default ADVISOR_FORWARDED_ALLOW_IPS, else 127.0.0.1)")
    serve.set_defaults(func=_cmd_serve)
