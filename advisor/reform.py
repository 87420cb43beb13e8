"""Reforms: what the rule base would be if the district changed the plan's numbers or rules (OpenFisca's reforms).

A reform is a small YAML file (examples/reforms/):

    reform: joint-acceptance-2000            # an id, kebab-case
    title: {zh: ..., en: ...}
    in_force_from: 2027-01-01                # the day the reform would take effect
    parameters:                              # new values of the plan's parameters from that day
      construction.joint_acceptance.max_floor_area_m2: 2000
    new_parameters:                          # numbers of the reform's own, for the rules it adds
      construction.simple_low_risk.max_floor_area_m2: {description: {zh, en}, unit: m2, value: 3000}
    switch_off: [simple-low-risk-20-days]    # rules the reform drops
    add_rules: [...]                         # rules in the rule base's own format (rules/*.yaml); one with the id
                                             # of a switched-off rule replaces it and is compared as that provision
    notes: [{zh: ..., en: ...}]              # what the reform assumes, and what it is not

`check_reform` checks a reform as `advisor rules check` checks the base: every parameter and rule it names
exists, values fit their units, added rules quote the plan verbatim, name parameters instead of numbers,
compile for the engine and give the status their examples expect (as of `in_force_from`). It also lists
the base's examples whose status the reform would change: what the reform does, in the rule base's own
words. A reform is applied to copies: the base rule base, its parameters and its advice never change.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .assess import Advisor
from .catalog import PLAN_IN_FORCE
from .compiler import CompileError, compile_rulebase
from .conditions import expand, parameters_of
from .datafile import DataFileError, read_yaml
from .examples import example_problems
from .parameters import NAME_PATTERN, WHOLE_UNITS, Parameter, ParameterSpec, Unit, build, number_text
from .rulebase import Problem, Rule, RuleBase, read_rule, resolved
from .text import Text

REFORM_THEME = "reform"


class NewParameter(BaseModel):
    """A number of the reform's own: not the plan's, so it quotes nothing; `reading` says where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Text
    unit: Unit
    value: float
    reading: Text | None = None


class ReformSpec(BaseModel):
    """A reform as written in its YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reform: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    title: Text
    in_force_from: date
    summary: Text | None = None
    parameters: dict[str, float] = {}
    new_parameters: dict[str, NewParameter] = {}
    switch_off: tuple[str, ...] = ()
    add_rules: tuple[dict[str, Any], ...] = ()
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Reform:
    """A checked reform: its spec and the reformed rule base (values in force on `in_force_from`)."""

    spec: ReformSpec
    file: str
    rulebase: RuleBase
    switched_off: frozenset[str]  # dropped and not replaced
    replaced: frozenset[str]  # dropped and added again with another definition
    added: frozenset[str]  # new provisions

    def at(self, day: date) -> RuleBase:
        """The reformed rule base with the values in force on `day` (on or after in_force_from)."""
        return self.rulebase.at(day)


@dataclass(frozen=True)
class ReformCheck:
    """What `advisor rules check --reform` found: the reform (None when broken), its problems, and the base's
    examples whose status it changes (rule id, example name, base status, reformed status)."""

    reform: Reform | None
    problems: list[Problem]
    changed_examples: list[tuple[str, str, str, str]]


def read_spec(raw: Any, file: str) -> tuple[ReformSpec | None, list[Problem]]:
    """The spec from the file's YAML, or its problems."""
    try:
        return ReformSpec.model_validate(raw), []
    except ValidationError as error:
        return None, [Problem(file, "(reform)", f"{'.'.join(str(p) for p in item['loc']) or '(top)'}: {item['msg']}")
                      for item in error.errors()]


def digest(spec: ReformSpec) -> str:
    """A short digest of what the reform says (its rule base's version carries it)."""
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def apply_reform(spec: ReformSpec, base: RuleBase, file: str) -> tuple[Reform | None, list[Problem]]:
    """The reform applied to a copy of `base` (the plan's rule base), or the problems that stop it."""
    problems = _parameter_problems(spec, base, file)
    for rule_id in spec.switch_off:
        if rule_id not in base.rules:
            problems.append(Problem(file, rule_id, "switch_off names no rule of the base"))
    if spec.in_force_from <= PLAN_IN_FORCE:
        problems.append(Problem(file, "(reform)", f"in_force_from must be after the plan's {PLAN_IN_FORCE}"))
    if problems:
        return None, problems
    added_parameters: dict[str, Parameter] = {
        name: build(name, ParameterSpec(description=new.description, unit=new.unit, reading=new.reading,
                                        values={spec.in_force_from: {"value": new.value}}))  # type: ignore[dict-item]
        for name, new in spec.new_parameters.items()}
    table = base.parameters.extended({name: {spec.in_force_from: value} for name, value in spec.parameters.items()},
                                     added_parameters)
    values = table.values_at(spec.in_force_from)
    off = set(spec.switch_off)
    added: dict[str, Rule] = {}
    for raw in spec.add_rules:
        rule_id = str(raw.get("id", "?"))
        theme = base.rules[rule_id].theme if rule_id in off else REFORM_THEME
        rule = read_rule(raw, file, theme, base.catalog, base.questions, base.concepts, table, values, problems)
        if rule is None:
            continue
        if (rule.id in base.rules and rule.id not in off) or rule.id in added or rule.id in base.concepts:
            problems.append(Problem(file, rule.id, "rule id is used twice (switch the base's rule off to replace "
                                                   "it)"))
            continue
        added[rule.id] = Rule(rule.spec, rule.condition, rule.theme, f"{file}#add_rules", rule.id, rule.time_params)
    if problems:  # a rule that failed may be the one using a new parameter: say only what is wrong with it
        return None, problems
    used = {name for rule in added.values() for name in _params(rule)}
    for name in spec.new_parameters:
        if name not in used:
            problems.append(Problem(file, name, "no added rule uses this new parameter"))
    if problems:
        return None, problems
    rules: dict[str, Rule] = {}
    for rule_id, rule in base.rules.items():
        if rule_id in added:
            rules[rule_id] = added[rule_id]  # a replacement stands where the rule it replaces stood
        elif rule_id not in off:
            rules[rule_id] = rule
    rules.update({rule_id: rule for rule_id, rule in added.items() if rule_id not in rules})
    themes = dict(base.themes)
    if any(rule.theme == REFORM_THEME for rule in added.values()):
        themes[REFORM_THEME] = spec.title
    version = f"{base.version}+reform.{digest(spec)}"
    unresolved = RuleBase(dict(base.concepts), rules, themes, version, base.questions, base.catalog, table,
                          dict(base.values))
    reformed = resolved(unresolved, values)
    return Reform(spec, file, reformed, frozenset(off - set(added)), frozenset(off & set(added)),
                  frozenset(set(added) - off)), []


def _params(rule: Rule) -> set[str]:
    return parameters_of(rule.condition) | {name for _, name in rule.time_params}


def _parameter_problems(spec: ReformSpec, base: RuleBase, file: str) -> list[Problem]:
    problems = []
    for name, value in spec.parameters.items():
        parameter = base.parameters.parameters.get(name)
        if parameter is None:
            problems.append(Problem(file, name, "no parameter of the plan has this name (catalog/parameters.yaml)"))
            continue
        problems += [Problem(file, name, reason) for reason in _value_problems(value, parameter.spec.unit)]
    for name, new in spec.new_parameters.items():
        if name in base.parameters.parameters:
            problems.append(Problem(file, name, "the plan has a parameter of this name: change it under `parameters`"))
        elif not NAME_PATTERN.match(name):
            problems.append(Problem(file, name, "a parameter's name is dotted lower-case words (theme.provision.what)"))
        problems += [Problem(file, name, reason) for reason in _value_problems(new.value, new.unit)]
    return problems


def _value_problems(value: float, unit: str) -> list[str]:
    if value < 0:
        return [f"{number_text(value)} is below zero"]
    if unit in WHOLE_UNITS and not float(value).is_integer():
        return [f"{number_text(value)} is not a whole number of {unit}"]
    return []


def affected_rules(base: RuleBase, reformed: RuleBase) -> list[str]:
    """The rules whose outcome may differ between two rule bases: dropped, added, or with another condition
    once their concepts are written out (a parameter a concept compares with changes every rule using it)."""
    def expanded(rulebase: RuleBase, rule: Rule) -> Any:
        definitions = {concept.id: concept.condition for concept in rulebase.concepts.values()}
        return expand(rule.condition, definitions, rulebase.questions.by_path)

    ids = list(base.rules) + [rule_id for rule_id in reformed.rules if rule_id not in base.rules]
    return [rule_id for rule_id in ids
            if rule_id not in base.rules or rule_id not in reformed.rules
            or expanded(base, base.rules[rule_id]) != expanded(reformed, reformed.rules[rule_id])]


MAX_REFORM_BYTES = 256 * 1024


def read_reform_yaml(path: Path) -> Any:
    """The reform file's YAML; DataFileError for a file too large, or with anchors and aliases (an alias can
    stand for a huge document, and a reform is a short file a person writes)."""
    if path.stat().st_size > MAX_REFORM_BYTES:
        raise DataFileError(f"{path.name}: a reform file is at most {MAX_REFORM_BYTES // 1024} KB")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise DataFileError(f"{path.name}: anchors and aliases (&, *) are not allowed in a reform file")
    except yaml.YAMLError as error:
        raise DataFileError(f"{path.name}: {error}") from error
    return read_yaml(path)


def check_reform(path: Path, base: RuleBase) -> ReformCheck:
    """Every problem of the reform file against `base`; with none, the base's examples it would change."""
    try:
        raw = read_reform_yaml(path)
    except DataFileError as error:
        return ReformCheck(None, [Problem(path.name, "(file)", str(error))], [])
    spec, problems = read_spec(raw, path.name)
    if spec is None:
        return ReformCheck(None, problems, [])
    reform, problems = apply_reform(spec, base, path.name)
    if reform is None:
        return ReformCheck(None, problems, [])
    try:
        compile_rulebase(reform.rulebase, "reform_check_")
    except CompileError as error:
        return ReformCheck(None, [Problem(path.name, "(engine)", str(error))], [])
    problems = example_problems(reform.rulebase, spec.in_force_from, reform.added | reform.replaced)
    problems = [Problem(path.name, problem.rule, problem.reason) for problem in problems]
    if problems:
        return ReformCheck(None, problems, [])
    return ReformCheck(reform, [], changed_examples(base, reform))


def changed_examples(base: RuleBase, reform: Reform) -> list[tuple[str, str, str, str]]:
    """The base's examples (of rules the reform keeps or replaces) whose status differs under the reform."""
    day = reform.spec.in_force_from
    before, after = Advisor(base), Advisor(reform.rulebase)
    kept = set(reform.rulebase.rules) - reform.added
    changed = []
    for rule_id in affected_rules(base.at(day), reform.at(day)):
        if rule_id not in kept:
            continue
        for example in base.rules[rule_id].spec.examples:
            old = _status(before, example.profile, day, rule_id)
            new = _status(after, example.profile, day, rule_id)
            if old != new:
                changed.append((rule_id, example.name, old, new))
    return changed


def _status(advisor: Advisor, profile: dict[str, Any], day: date, rule_id: str) -> str:
    assessment = advisor.assess_data(profile, day)
    return str(next(f.status for f in assessment.findings if f.rule.id == rule_id))


class ReformError(ValueError):
    """The reform file has problems; `problems` lists each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
