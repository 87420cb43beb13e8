"""The `advisor` command: each subcommand lives in a module of this package with a register(subparsers)."""

import argparse
import importlib

# Modules that add their own subcommands through register(subparsers), in the order `--help` lists them.
_COMMAND_MODULES: tuple[str, ...] = (
    "advisor.cli.assess", "advisor.cli.rules", "advisor.cli.serve", "advisor.cli.db", "advisor.cli.batch",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `advisor` command."""
    parser = argparse.ArgumentParser(prog="advisor", description="青羊惠企政策顾问 / Qingyang policy advisor")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in _COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `advisor` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))
