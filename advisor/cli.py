"""The `advisor` command: assess a profile, check the rule base, show coverage, serve, batch."""

import argparse
import importlib
import json
import sys
from datetime import date
from pathlib import Path

from .text import Lang

# Modules that add their own subcommands through register(subparsers).
_COMMAND_MODULES: tuple[str, ...] = ("advisor.serve_cli", "advisor.db_cli", "advisor.batch_cli")


def _cmd_assess(args: argparse.Namespace) -> int:
    from .assess import Advisor
    from .present import Presenter
    from .profile import ProfileError
    from .textreport import render_text

    try:
        data = json.loads(Path(args.profile).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print(f"{args.profile}: {error}", file=sys.stderr)
        return 2
    advisor = Advisor()
    lang: Lang = args.lang
    try:
        assessment = advisor.assess_data(data, args.as_of)
    except ProfileError as error:
        for issue in error.issues:
            print(f"{issue.path}: {issue.message.get(lang)}", file=sys.stderr)
        return 2
    document = Presenter(advisor.rulebase).assessment_dict(assessment, lang)
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(render_text(document, lang))
    return 0


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from .rulebase import check_rulebase, collect

    problems = check_rulebase()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    rulebase, _ = collect()
    assert rulebase is not None
    examples = sum(len(rule.spec.examples) for rule in rulebase.rules.values())
    print(f"rule base {rulebase.version}: {len(rulebase.rules)} rules, {len(rulebase.concepts)} concepts, "
          f"{examples} examples; quotes verbatim, references resolved, examples pass")
    return 0


def _cmd_rules_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage, uncovered
    from .rulebase import load_rulebase

    rulebase = load_rulebase()
    print(f"{'article':<8} {'audience':<10} {'rules':>5} {'examples':>8}  title")
    for row in coverage(rulebase):
        print(f"{row.article:<8} {row.audience:<10} {len(row.rules):>5} {row.examples:>8}  {row.title}")
    missing = uncovered(rulebase)
    print(f"\n{len(rulebase.rules)} rules. Enterprise-facing articles without a rule: "
          f"{' '.join(missing) if missing else 'none'}")
    return 1 if missing else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `advisor` command."""
    parser = argparse.ArgumentParser(prog="advisor", description="青羊惠企政策顾问 / Qingyang policy advisor")
    commands = parser.add_subparsers(dest="command", required=True)

    assess = commands.add_parser("assess", help="assess an enterprise profile (JSON file)")
    assess.add_argument("profile")
    assess.add_argument("--lang", choices=["zh", "en"], default="zh")
    assess.add_argument("--format", choices=["text", "json"], default="text")
    assess.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    assess.set_defaults(func=_cmd_assess)

    rules = commands.add_parser("rules", help="check the rule base or show its coverage")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    rules_commands.add_parser("check", help="quotes, references, examples").set_defaults(func=_cmd_rules_check)
    rules_commands.add_parser("coverage", help="rules and examples per article").set_defaults(
        func=_cmd_rules_coverage)
    for module in _COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `advisor` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))
