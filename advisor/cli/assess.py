"""`advisor assess PROFILE|-`: one enterprise's findings as a text report or the JSON document.

With `--format json` the output is always one JSON document on stdout: the assessment, or, with a
non-zero exit code, a problem document {type, title, detail, errors: [{path, message}], exit_code}.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ..messages import message
from ..questions import load_questions
from ..text import Lang
from .exitcodes import EXIT_DATA, EXIT_IO, EXIT_OK

STATUSES = ("eligible", "undetermined", "not_eligible")


class _Failure(Exception):
    """Why the assessment could not be made: exit code, kind and the bad fields, in both languages."""

    def __init__(self, code: int, kind: str, detail: tuple[str, str], errors: list[dict[str, str]]) -> None:
        super().__init__(detail[1])
        self.code, self.kind, self.detail, self.errors = code, kind, detail, errors




def _read_profile(source: str) -> Any:
    name = "(stdin)" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise _Failure(EXIT_IO, "io-error", _both("cli_unreadable", name=name, reason=reason),
                       [{"path": name, "message": reason}]) from None
    except UnicodeDecodeError:
        raise _Failure(EXIT_DATA, "invalid-json", _both("cli_not_utf8", name=name),
                       [{"path": name, "message": "not UTF-8"}]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}"
        detail = f"{error.msg} (line {error.lineno}, column {error.colno})"
        raise _Failure(EXIT_DATA, "invalid-json", _both("cli_not_json", where=where, detail=error.msg),
                       [{"path": name, "message": detail}]) from None


def _both(key: str, **values: object) -> tuple[str, str]:
    return message(key, "zh", **values), message(key, "en", **values)


def _report_failure(failure: _Failure, output_format: str, lang: Lang) -> int:
    zh = lang == "zh"
    if output_format == "json":
        title = message("cli_title_" + failure.kind.replace("-", "_"), lang)
        print(json.dumps({"type": f"/problems/{failure.kind}", "title": title,
                          "detail": failure.detail[0 if zh else 1], "errors": failure.errors,
                          "exit_code": failure.code}, ensure_ascii=False, indent=2))
    else:
        if failure.kind != "invalid-input":
            print(f"advisor assess: {failure.detail[0 if zh else 1]}", file=sys.stderr)
        for error in failure.errors if failure.kind == "invalid-input" else []:
            print(f"{error['path']}: {error['message']}", file=sys.stderr)
    return failure.code


def _cmd_assess(args: argparse.Namespace) -> int:
    from ..assess import Advisor
    from ..present import Presenter
    from ..profile import ProfileError
    from ..textreport import render_text

    lang: Lang = args.lang
    try:
        data = _read_profile(args.profile)
        advisor = Advisor()
        try:
            assessment = advisor.assess_data(data, args.as_of)
        except ProfileError as error:
            errors = [{"path": issue.path, "message": issue.message.get(lang)} for issue in error.issues]
            raise _Failure(EXIT_DATA, "invalid-input", _both("problem_fields", n=len(errors)), errors) from None
    except _Failure as failure:
        return _report_failure(failure, args.format, lang)
    document = Presenter(advisor.rulebase).assessment_dict(assessment, lang, args.topic)
    statuses = tuple(args.status) if args.status else STATUSES
    document["findings"] = [finding for finding in document["findings"] if finding["status"] in statuses]
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(render_text(document, lang, statuses))
    return EXIT_OK


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `assess` subcommand."""
    assess = subparsers.add_parser(
        "assess", help="assess an enterprise profile (JSON file, or - for stdin)",
        description="Exit code 0 with the report; 3 when the profile is not valid (each bad field is named); "
                    "4 when the file cannot be read. With --format json, errors are a JSON problem document.")
    assess.add_argument("profile", help="a JSON file, or - to read the profile from stdin")
    assess.add_argument("--lang", choices=["zh", "en"], default="zh")
    assess.add_argument("--format", choices=["text", "json"], default="text")
    assess.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    assess.add_argument("--topic", choices=[topic.id for topic in load_questions().topics], action="append",
                        help="what the enterprise asks about (repeatable); the answer lists these topics' "
                             "provisions (default: the topics whose questions the profile answers)")
    assess.add_argument("--status", choices=STATUSES, action="append",
                        help="list only findings with this status (repeatable); the counts stay those of all")
    assess.set_defaults(func=_cmd_assess)
