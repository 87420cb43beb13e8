"""`advisor rules check` and `advisor rules coverage`: the rule base as a policy officer checks it."""

import argparse
import sys


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from ..rulebase import collect, unreviewed
    from ..rulecheck import check_rulebase

    problems = check_rulebase()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    rulebase, _ = collect()
    assert rulebase is not None
    never = unreviewed(rulebase)
    for rule in never:
        print(f"{rule.file}: {rule.id}: never reviewed against the plan (no `reviewed:` date)")
    examples = sum(len(rule.spec.examples) for rule in rulebase.rules.values())
    print(f"rule base {rulebase.version}: {len(rulebase.rules)} rules, {len(rulebase.concepts)} concepts, "
          f"{examples} examples; quotes verbatim, references resolved, examples pass; "
          f"{len(never)} never reviewed")
    return 0


def _cmd_rules_coverage(args: argparse.Namespace) -> int:
    from ..coverage import coverage, stale_reasons, uncovered, uncovered_clauses
    from ..rulebase import load_rulebase

    rulebase = load_rulebase()
    print(f"{'article':<8} {'audience':<10} {'rules':>5} {'examples':>8}  title")
    for row in coverage(rulebase):
        print(f"{row.article:<8} {row.audience:<10} {len(row.rules):>5} {row.examples:>8}  {row.title}")
    open_clauses = uncovered_clauses(rulebase)
    print(f"\nEnterprise-facing clauses without a rule or a stated reason ({len(open_clauses)}):")
    for item in open_clauses:
        part = f"  (not quoted: {item.unquoted})" if item.unquoted != item.clause else ""
        print(f"{item.article:<8} {item.clause}{part}")
    stale = stale_reasons(rulebase)
    if stale:
        print(f"\nReasons in catalog/internal_sentences.yaml that explain no open clause ({len(stale)}):")
        for article, words in stale:
            print(f"{article:<8} {words}")
    missing = uncovered(rulebase)
    print(f"\n{len(rulebase.rules)} rules. Enterprise-facing articles without a rule: "
          f"{' '.join(missing) if missing else 'none'}")
    return 1 if missing or open_clauses or stale else 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `rules check` and `rules coverage` subcommands."""
    rules = subparsers.add_parser("rules", help="check the rule base or show its coverage")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    rules_commands.add_parser("check", help="quotes, references, examples").set_defaults(func=_cmd_rules_check)
    rules_commands.add_parser("coverage", help="rules and examples per article").set_defaults(
        func=_cmd_rules_coverage)
