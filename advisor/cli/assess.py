"""`advisor assess PROFILE`: one enterprise's findings as a text report or the JSON document."""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from ..text import Lang


def _cmd_assess(args: argparse.Namespace) -> int:
    from ..assess import Advisor
    from ..present import Presenter
    from ..profile import ProfileError
    from ..textreport import render_text

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


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `assess` subcommand."""
    assess = subparsers.add_parser("assess", help="assess an enterprise profile (JSON file)")
    assess.add_argument("profile")
    assess.add_argument("--lang", choices=["zh", "en"], default="zh")
    assess.add_argument("--format", choices=["text", "json"], default="text")
    assess.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    assess.set_defaults(func=_cmd_assess)
