"""`advisor rules check`: the rule base loaded, compiled for the engine, and every example run.

Kept apart from `rulebase` because it needs the compiler and the advisor, which both need the rule base.
"""

from pathlib import Path

from .compiler import CompileError, compile_rulebase
from .examples import example_problems
from .parameters import PARAMETERS_FILE
from .paths import RULES_DIR
from .rulebase import Problem, collect


def check_rulebase(rules_dir: Path = RULES_DIR, parameters_file: Path = PARAMETERS_FILE) -> list[Problem]:
    """Every problem in the rule base (empty when clean), examples included."""
    rulebase, problems = collect(rules_dir, parameters_file)
    if rulebase is None:
        return problems
    try:
        compile_rulebase(rulebase, "check_")
    except CompileError as error:  # e.g. a theme too wide for the engine's network
        return [Problem("(rule base)", "(engine)", str(error))]
    return example_problems(rulebase)
