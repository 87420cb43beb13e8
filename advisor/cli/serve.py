"""`advisor serve`: the web page and the JSON API under uvicorn.

uvicorn imports the app by its import string, so `advisor` itself never imports `web`.
"""

import argparse


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run("web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, access_log=not args.no_access_log)
    return 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `serve` subcommand."""
    serve = subparsers.add_parser("serve", help="serve the self-check page and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (each builds its own advisor)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--no-access-log", action="store_true", help="skip per-request logging (benchmarks)")
    serve.set_defaults(func=_cmd_serve)
