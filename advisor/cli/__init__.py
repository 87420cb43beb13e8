"""The `advisor` command: each subcommand lives in a module of this package with a register(subparsers).

Exit codes: see exitcodes.py (the same for every subcommand).
"""

import argparse
import importlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version

from ..messages import message_both
from .exitcodes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

DISTRIBUTION = "qingyang-advisor"

# Modules that add their own subcommands through register(subparsers), in the order `--help` lists them.
_COMMAND_MODULES: tuple[str, ...] = (
    "advisor.cli.assess", "advisor.cli.rules", "advisor.cli.serve", "advisor.cli.db", "advisor.cli.apikey",
    "advisor.cli.batch", "advisor.cli.simulate",
)


def package_version() -> str:
    """The installed distribution's version."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `advisor` command."""
    parser = argparse.ArgumentParser(
        prog="advisor", description=message_both("cli_description"),
        epilog="exit codes: 0 done; 1 done with problems to act on; 2 usage; 3 data error; 4 I/O error; "
               "130 interrupted", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()} "
                        f"(Python {sys.version_info.major}.{sys.version_info.minor})")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in _COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `advisor` command; quiet when interrupted or when its output is closed."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a reader that went away shows here, not in the interpreter's exit
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whatever is still buffered cannot be written: send it nowhere rather than print a traceback at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
