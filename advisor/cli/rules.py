"""`advisor rules check` and `advisor rules coverage`: the rule base as a policy officer checks it."""

import argparse
import sys
from pathlib import Path


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from ..rulebase import collect, unreviewed
    from ..rulecheck import check_rulebase

    if args.reform is not None:
        return _check_reform(args.reform)
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
          f"{len(rulebase.parameters.parameters)} parameters, {examples} examples; quotes verbatim, every number a "
          f"parameter standing in the plan's words, references resolved, examples pass; {len(never)} never reviewed")
    return 0


def _check_reform(path: Path) -> int:
    """`rules check --reform FILE`: the reform checked like the base, then the base's examples it changes."""
    from ..reform import check_reform
    from ..rulebase import load_rulebase

    if not path.is_file():
        print(f"advisor rules check: cannot read {path}", file=sys.stderr)
        return 4
    checked = check_reform(path, load_rulebase())
    for problem in checked.problems:
        print(problem)
    if checked.reform is None:
        print(f"{len(checked.problems)} problem(s)", file=sys.stderr)
        return 1
    reform = checked.reform
    spec = reform.spec
    print(f"reform {spec.reform} (from {spec.in_force_from}): {len(spec.parameters)} parameter(s) changed, "
          f"{len(spec.new_parameters)} new, {len(reform.switched_off)} rule(s) switched off, "
          f"{len(reform.replaced)} replaced, {len(reform.added)} added; quotes verbatim, references resolved, "
          f"examples pass")
    for rule_id, name, before, after in checked.changed_examples:
        print(f"  changes the base's example {rule_id}: {name!r}: {before} -> {after}")
    if not checked.changed_examples:
        print("  changes none of the base's examples")
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
    check = rules_commands.add_parser("check", help="quotes, parameters, references, examples")
    check.add_argument("--reform", type=Path, default=None, metavar="FILE",
                       help="check a reform file (examples/reforms/) against the rule base instead")
    check.set_defaults(func=_cmd_rules_check)
    rules_commands.add_parser("coverage", help="rules and examples per article").set_defaults(
        func=_cmd_rules_coverage)
