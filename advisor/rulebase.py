"""The rule base: literate YAML rules (quote, condition, outcome, materials, examples) and the
shared concepts they use, loaded, parsed and cross-checked against the plan and the catalog.

`load_rulebase` fails on a broken rule base; `collect` gathers every problem with its file, rule id
and reason (`advisor.rulecheck` adds the engine and the examples for `advisor rules check`).

Numbers live in catalog/parameters.yaml (advisor/parameters.py): a rule names a parameter, and the rule
base is resolved with the values the plan sets; `RuleBase.at(day)` is the rule base with the values in
force on that day (the same object while they are the plan's).
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .catalog import Catalog, load_catalog, squash
from .conditions import (
    AllOf,
    AnyOf,
    ConceptTest,
    Condition,
    ConditionError,
    FieldTest,
    concepts_of,
    fields_of,
    parse,
    plain_number,
    with_values,
)
from .datafile import DataFileError, read_yaml
from .parameters import FIELD_UNITS, PARAMETERS_FILE, TIME_UNITS, ParameterTable, Values, check_table, load_table
from .paths import RULES_DIR
from .questions import QuestionCatalog, load_questions
from .text import Text

Kind = Literal["fast_track", "subsidy", "financing", "service"]
Status = Literal["eligible", "undetermined", "not_eligible"]
STATUSES: tuple[Status, ...] = get_args(Status)
# What the plan's sentence binds the district to: a time limit it states as 控制在/压缩至/不超过 is a
# commitment; 力争 or "2020年底前实现" a target; 试点/试行 a pilot; 探索 an exploration; else a service.
Nature = Literal["commitment", "target", "pilot", "exploration", "service"]
# Whose matter the provision is, as the plan's subject: a test names *what* must be in Qingyang.
#   enterprise_in_qingyang  the enterprise is registered or operates there (registration, tax, services);
#   moving_into_qingyang    it is moving in from another Chengdu district (市内迁移);
#   site_in_qingyang        a site there: the project's, or the premises where water, gas or power is connected;
#   site_in_function_zone   that site lies in one of the district's industrial function zones;
#   court_qingyang          the case is heard by the Qingyang court.
# municipal / provincial: a programme the plan only promotes (no test; a note names its owner); any: anyone.
# A rule may combine tests: `scope: {any: [site_in_qingyang, enterprise_in_qingyang]}` (or `all:`).
ScopeTest = Literal["enterprise_in_qingyang", "moving_into_qingyang", "site_in_qingyang", "site_in_function_zone",
                    "court_qingyang"]
Scope = Literal[ScopeTest, "municipal", "provincial", "any"]
# The condition each scope test stands for; the rule's own `when` stays the plan's condition and never reads
# these fields. A site outside Qingyang is outside its function zones too, so that answer settles the zone.
SCOPE_TESTS: dict[str, Condition] = {
    "enterprise_in_qingyang": FieldTest("enterprise.in_qingyang", "eq", True),
    "moving_into_qingyang": FieldTest("registration.moving_into_qingyang", "eq", True),
    "site_in_qingyang": FieldTest("project.in_qingyang", "eq", True),
    "site_in_function_zone": AllOf((FieldTest("project.in_qingyang", "eq", True),
                                    FieldTest("project.in_function_zone", "eq", True))),
    "court_qingyang": FieldTest("legal.qingyang_court", "eq", True),
}
SCOPE_FIELDS: frozenset[str] = frozenset(path for test in SCOPE_TESTS.values() for path in fields_of(test))


class ScopeCombination(BaseModel):
    """Several scope tests: any of them (the plan's subject may be either) or all of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any: tuple[ScopeTest, ...] = ()
    all: tuple[ScopeTest, ...] = ()

    @model_validator(mode="after")
    def _one_list(self) -> "ScopeCombination":
        if bool(self.any) == bool(self.all) or len(self.any or self.all) < 2:
            raise ValueError("a combined scope needs exactly one of any / all, with at least two tests")
        return self

    @property
    def tests(self) -> tuple[str, ...]:
        return self.any or self.all

    @property
    def name(self) -> str:
        """As shown in documents: the tests joined by | (any of) or & (all of)."""
        return ("|" if self.any else "&").join(self.tests)


CONCEPTS_FILE = "concepts.yaml"


class TimeLimit(BaseModel):
    """A committed time limit, and the earlier or statutory one where the plan gives both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    committed: float
    before: float | None = None
    unit: Literal["working_days", "working_hours", "days", "hours"]
    # A district-wide figure (the year's tax time, the court's time per case) promises an average over all
    # enterprises or cases, never a limit for one: it reads "全区承诺：平均不超过…".
    district_average: bool = False
    note: Text | None = None


class Example(BaseModel):
    """A concrete profile and the status a reader of the plan expects for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    profile: dict[str, Any]
    expect: Status
    asks: tuple[str, ...] = ()


class RuleSpec(BaseModel):
    """One rule as written in YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    article: str
    title: Text
    kind: Kind
    quote: str
    nature: Nature
    target_by: date | None = None
    scope: Scope | ScopeCombination
    reviewed: date | None = None  # when the rule was last read against the plan's sentence
    when: dict[str, Any] | None = None  # the plan's condition; absent when the scope alone decides
    benefit: Text
    time_limit: TimeLimit | None = None
    handled_by: tuple[str, ...]
    channels: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    public_facts: tuple[str, ...] = ()
    notes: tuple[Text, ...] = ()
    examples: tuple[Example, ...]

    @property
    def scope_tests(self) -> tuple[str, ...]:
        """The scope tests the rule applies (none for municipal, provincial and any)."""
        if isinstance(self.scope, ScopeCombination):
            return self.scope.tests
        return (self.scope,) if self.scope in SCOPE_TESTS else ()

    @property
    def scope_name(self) -> str:
        """The scope as one word for documents: a test, municipal / provincial / any, or tests joined by | or &."""
        return self.scope.name if isinstance(self.scope, ScopeCombination) else self.scope


class ConceptSpec(BaseModel):
    """A shared derived fact as written in YAML: from the plan (article + quote) or a public source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: Text
    infers: str | None = None  # the question this concept answers from other answers (never asked then)
    article: str | None = None
    quote: str | None = None
    source: str | None = None
    basis: Text
    when: dict[str, Any]


class RuleFileSpec(BaseModel):
    """A theme file of rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str
    title: Text
    rules: tuple[dict[str, Any], ...]


class ConceptFileSpec(BaseModel):
    """The concepts file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concepts: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """A parsed concept."""

    spec: ConceptSpec
    condition: Condition
    layer: int

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed rule, with the theme (engine ruleset) it belongs to."""

    spec: RuleSpec
    condition: Condition  # the scope test (if any) and the plan's condition
    theme: str
    file: str
    id: str  # spec.id, kept as a plain attribute: it is read on every evaluation
    # the parameters of its time limit: (time_limit.committed | time_limit.before, parameter name)
    time_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RuleBase:
    """Every concept and rule, in file order, with a version derived from their content, resolved with
    one set of parameter values (`values`: the plan's, or those in force on a day: `at`)."""

    concepts: dict[str, Concept]
    rules: dict[str, Rule]
    themes: dict[str, Text]
    version: str
    questions: QuestionCatalog = field(repr=False)
    catalog: Catalog = field(repr=False)
    parameters: ParameterTable = field(default_factory=lambda: ParameterTable({}), repr=False)
    values: dict[str, float] = field(default_factory=dict, repr=False)
    # rule bases with other values, by those values; shared by every variant of one rule base
    _variants: dict[tuple[tuple[str, float], ...], "RuleBase"] = field(default_factory=dict, repr=False,
                                                                       compare=False)

    def rules_of(self, theme: str) -> list[Rule]:
        """The rules of one theme."""
        return [rule for rule in self.rules.values() if rule.theme == theme]

    def at(self, day: date) -> "RuleBase":
        """This rule base with the parameter values in force on `day` (self when they are these)."""
        return self.with_values(self.parameters.values_at(day))

    def with_values(self, values: Values) -> "RuleBase":
        """This rule base with every parameter at `values` (one object per distinct set of values, kept)."""
        if values == self.values:
            return self
        self._variants.setdefault(tuple(sorted(self.values.items())), self)
        key = tuple(sorted(values.items()))
        variant = self._variants.get(key)
        if variant is None:
            variant = self._variants[key] = resolved(self, dict(values))
        return variant


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the rule base."""

    file: str
    rule: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.rule}: {self.reason}"


class RuleBaseError(ValueError):
    """The rule base has problems; `problems` lists each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _validate(model: type[BaseModel], data: Any, file: str, rule: str, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "(top)"
            problems.append(Problem(file, rule, f"{where}: {item['msg']}"))
        return None


def _check_quote(quote: str, catalog: Catalog, article: str, file: str, rule: str, problems: list[Problem]) -> None:
    if article not in catalog.articles:
        problems.append(Problem(file, rule, f"unknown article {article!r} (write it as the plan does, e.g. （四）)"))
        return
    if not catalog.in_plan(quote):
        problems.append(Problem(file, rule, "quote is not verbatim in the plan (white space aside)"))
    elif squash(quote) not in squash(catalog.articles[article].text):
        problems.append(Problem(file, rule, f"quote is in the plan but not in article {article}"))


def _layer_concepts(specs: list[ConceptSpec], parsed: dict[str, Condition], file: str,
                    problems: list[Problem]) -> dict[str, int]:
    layers: dict[str, int] = {}
    pending = dict(parsed)
    while pending:
        ready = {cid: cond for cid, cond in pending.items() if concepts_of(cond) <= set(layers)}
        if not ready:
            problems.append(Problem(file, ",".join(sorted(pending)), "concepts depend on each other in a cycle"))
            break
        for cid, cond in ready.items():
            layers[cid] = 1 + max((layers[dep] for dep in concepts_of(cond)), default=-1)
            del pending[cid]
    return {spec.id: layers[spec.id] for spec in specs if spec.id in layers}


def _read(path: Path, problems: list[Problem]) -> Any:
    try:
        return read_yaml(path)
    except DataFileError as error:
        problems.append(Problem(path.name, "(file)", str(error)))
        return None


def collect(rules_dir: Path = RULES_DIR, parameters_file: Path = PARAMETERS_FILE
            ) -> tuple[RuleBase | None, list[Problem]]:
    """Load the rule base, gathering every problem instead of stopping at the first."""
    problems: list[Problem] = []
    catalog = load_catalog()
    questions = load_questions()
    by_path = questions.by_path
    digest = hashlib.sha256()
    table, shape = load_table(parameters_file)
    problems += [Problem(parameters_file.name, name, reason) for name, reason in shape + check_table(table, catalog)]
    values = table.plan_values
    digest.update(parameters_file.read_bytes() if parameters_file.exists() else b"")

    concept_specs: list[ConceptSpec] = []
    concept_file = rules_dir / CONCEPTS_FILE
    raw_concepts = _read(concept_file, problems)
    digest.update(concept_file.read_bytes() if concept_file.exists() else b"")
    concept_doc = _validate(ConceptFileSpec, raw_concepts, CONCEPTS_FILE, "(file)", problems)
    for raw in concept_doc.concepts if concept_doc else ():
        spec = _validate(ConceptSpec, raw, CONCEPTS_FILE, str(raw.get("id", "?")), problems)
        if spec is not None:
            concept_specs.append(spec)
    concept_ids = {spec.id for spec in concept_specs}
    parsed_concepts: dict[str, Condition] = {}
    for spec in concept_specs:
        if spec.article and spec.quote:
            _check_quote(spec.quote, catalog, spec.article, CONCEPTS_FILE, spec.id, problems)
        elif spec.source:
            if spec.source not in catalog.sources:
                problems.append(Problem(CONCEPTS_FILE, spec.id, f"unknown source {spec.source!r}"))
        else:
            problems.append(Problem(CONCEPTS_FILE, spec.id, "a concept needs article + quote, or a public source"))
        if spec.infers is not None and spec.infers not in by_path:
            problems.append(Problem(CONCEPTS_FILE, spec.id, f"infers unknown field {spec.infers!r}"))
        try:
            parsed_concepts[spec.id] = parse(spec.when, by_path, concept_ids - {spec.id}, values)
        except ConditionError as error:
            problems.append(Problem(CONCEPTS_FILE, spec.id, f"when: {error}"))
            continue
        if not spec.source:  # a public source's numbers are the source's (shown, never deciding), not the plan's
            problems += [Problem(CONCEPTS_FILE, spec.id, reason)
                         for reason in number_problems(parsed_concepts[spec.id], questions, table)]
    layers = _layer_concepts(concept_specs, parsed_concepts, CONCEPTS_FILE, problems)
    concepts = {
        spec.id: Concept(spec, parsed_concepts[spec.id], layers[spec.id])
        for spec in concept_specs if spec.id in parsed_concepts and spec.id in layers
    }

    rules: dict[str, Rule] = {}
    themes: dict[str, Text] = {}
    for path in sorted(rules_dir.glob("*.yaml")):
        if path.name == CONCEPTS_FILE:
            continue
        digest.update(path.read_bytes())
        doc = _validate(RuleFileSpec, _read(path, problems), path.name, "(file)", problems)
        if doc is None:
            continue
        if doc.theme in themes:
            problems.append(Problem(path.name, "(file)", f"theme {doc.theme!r} is used by another file"))
        themes[doc.theme] = doc.title
        for raw in doc.rules:
            rule = read_rule(raw, path.name, doc.theme, catalog, questions, concepts, table, values, problems)
            if rule is None:
                continue
            if rule.id in rules or rule.id in concepts:
                problems.append(Problem(path.name, rule.id, "rule id is used twice"))
                continue
            rules[rule.id] = rule
    if problems:
        return None, problems
    version = f"2020-55.{digest.hexdigest()[:10]}"
    rulebase = RuleBase(concepts, rules, themes, version, questions, catalog, table, values)
    unused = [name for name, uses in parameter_uses(rulebase).items() if not uses]
    problems += [Problem(parameters_file.name, name, "no rule or concept uses this parameter") for name in unused]
    return (None, problems) if problems else (rulebase, problems)


def read_rule(raw: Any, file: str, theme: str, catalog: Catalog, questions: QuestionCatalog,
              concepts: dict[str, Concept], table: ParameterTable, values: Values,
              problems: list[Problem]) -> Rule | None:
    """One rule from its YAML, resolved with `values`; None (and its problems added) when it is broken."""
    rule_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
    resolved, time_params, reasons = _resolve_time_limit(raw, table, values)
    problems += [Problem(file, rule_id, reason) for reason in reasons]
    spec = _validate(RuleSpec, resolved, file, rule_id, problems)
    if spec is None or reasons:
        return None
    rule = _check_rule(spec, file, theme, catalog, questions.by_path, concepts, problems, values)
    if rule is None:
        return None
    number = number_problems(rule.condition, questions, table)
    problems += [Problem(file, rule.id, reason) for reason in number]
    return None if number else Rule(rule.spec, rule.condition, theme, file, rule.id, time_params)


_TIME_KEYS = ("committed", "before")


def _resolve_time_limit(raw: Any, table: ParameterTable, values: Values
                        ) -> tuple[Any, tuple[tuple[str, str], ...], list[str]]:
    """The rule's YAML with its time limit's {param: NAME} replaced by values; the names; the problems."""
    limit = raw.get("time_limit") if isinstance(raw, dict) else None
    if not isinstance(limit, dict):
        return raw, (), []
    limit = dict(limit)
    names: list[tuple[str, str]] = []
    reasons: list[str] = []
    for key in _TIME_KEYS:
        value = limit.get(key)
        if value is None:
            continue
        if not (isinstance(value, dict) and set(value) == {"param"}):
            reasons.append(f"time_limit.{key} is the bare number {value!r}: name its parameter, "
                           f"{{param: NAME}} (catalog/parameters.yaml)")
            continue
        name = value["param"]
        parameter = table.parameters.get(name)
        if parameter is None or name not in values:
            reasons.append(f"time_limit.{key}: unknown parameter {name!r} (catalog/parameters.yaml)")
            continue
        if parameter.spec.unit != limit.get("unit"):
            reasons.append(f"time_limit.{key}: parameter {name} is in {parameter.spec.unit}, the time limit in "
                           f"{limit.get('unit')}")
            continue
        limit[key] = plain_number(values[name])
        names.append((f"time_limit.{key}", name))
    return {**raw, "time_limit": limit}, tuple(names), reasons


def _is_count_of_any(test: FieldTest, questions: QuestionCatalog) -> bool:
    """`gte: 1` / `gt: 0` on a count: "has at least one", the reading of a noun, not a number of the plan."""
    question = questions.by_path[test.path]
    return question.type == "integer" and (test.op, test.value) in (("gte", 1), ("gt", 0))


def number_problems(condition: Condition, questions: QuestionCatalog, table: ParameterTable) -> list[str]:
    """A bare number where a parameter belongs, and a parameter in another unit than its field."""
    reasons = []
    for test in _field_tests(condition):
        question = questions.by_path[test.path]
        if question.type not in ("integer", "number") or isinstance(test.value, bool) or test.op == "answered":
            continue
        if test.param is None:
            if not _is_count_of_any(test, questions):
                reasons.append(f"{test.path} is compared with the bare number {test.value!r}: name its parameter, "
                               f"{{param: NAME}} (catalog/parameters.yaml)")
            continue
        unit = table.parameters[test.param].spec.unit
        if unit in TIME_UNITS or FIELD_UNITS.get(unit) != (question.unit.en if question.unit else None):
            shown = question.unit.en if question.unit else "no unit"
            reasons.append(f"{test.path} ({shown}) is compared with {test.param}, which is in {unit}")
    return reasons


def _field_tests(condition: Condition) -> list[FieldTest]:
    if isinstance(condition, FieldTest):
        return [condition]
    if isinstance(condition, ConceptTest):
        return []
    return [test for item in condition.items for test in _field_tests(item)]


def resolved(rulebase: RuleBase, values: dict[str, float]) -> RuleBase:
    """`rulebase` with every parameter at `values`: conditions and time limits, and a version saying so
    (RuleBase.with_values keeps one per distinct set of values: use that)."""
    concepts = {cid: Concept(c.spec, with_values(c.condition, values), c.layer) for cid, c in rulebase.concepts.items()}
    rules = {}
    for rule_id, rule in rulebase.rules.items():
        spec = rule.spec
        if rule.time_params:
            assert spec.time_limit is not None
            limit = spec.time_limit.model_copy(update={key.removeprefix("time_limit."): plain_number(values[name])
                                                       for key, name in rule.time_params})
            spec = spec.model_copy(update={"time_limit": limit})
        rules[rule_id] = Rule(spec, with_values(rule.condition, values), rule.theme, rule.file, rule.id,
                              rule.time_params)
    base = re.sub(r"\+p[0-9a-f]{6}$", "", rulebase.version)
    changed = sorted((name, value) for name, value in values.items() if rulebase.parameters.plan_values.get(name)
                     != value)
    digest = hashlib.sha256(repr(changed).encode()).hexdigest()[:6]
    version = base if not changed else f"{base}+p{digest}"
    return RuleBase(concepts, rules, rulebase.themes, version, rulebase.questions, rulebase.catalog,
                    rulebase.parameters, values, rulebase._variants)


def parameter_uses(rulebase: RuleBase) -> dict[str, list[tuple[str, str, str]]]:
    """For each parameter, where the rule base uses it: (concept | rule, id, field or time-limit key)."""
    uses: dict[str, list[tuple[str, str, str]]] = {name: [] for name in rulebase.parameters.parameters}
    for concept in rulebase.concepts.values():
        for test in _field_tests(concept.condition):
            if test.param:
                uses[test.param].append(("concept", concept.id, test.path))
    for rule in rulebase.rules.values():
        for test in _field_tests(rule.condition):
            if test.param:
                uses[test.param].append(("rule", rule.id, test.path))
        for key, name in rule.time_params:
            uses[name].append(("rule", rule.id, key))
    return uses


def _check_rule(spec: RuleSpec, file: str, theme: str, catalog: Catalog, by_path: dict[str, Any],
                concepts: dict[str, Concept], problems: list[Problem], values: Values) -> Rule | None:
    before = len(problems)
    _check_quote(spec.quote, catalog, spec.article, file, spec.id, problems)
    for office in spec.handled_by + spec.channels:
        if office not in catalog.offices:
            problems.append(Problem(file, spec.id, f"unknown office or channel {office!r}"))
    for material in spec.materials:
        if material not in catalog.materials:
            problems.append(Problem(file, spec.id, f"unknown material {material!r}"))
    for source in spec.public_facts:
        if source not in catalog.sources:
            problems.append(Problem(file, spec.id, f"unknown public source {source!r}"))
    if not spec.handled_by:
        problems.append(Problem(file, spec.id, "handled_by names no department or channel"))
    _check_nature_and_scope(spec, file, problems)
    statuses = {example.expect for example in spec.examples}
    missing = {"eligible", "not_eligible", "undetermined"} - statuses
    if missing:
        problems.append(Problem(file, spec.id, f"examples lack a profile that is {', '.join(sorted(missing))}"))
    try:
        plan_condition = parse(spec.when, by_path, set(concepts), values) if spec.when is not None else None
        condition = scoped(spec, plan_condition)
    except ConditionError as error:
        problems.append(Problem(file, spec.id, f"when: {error}"))
        return None
    for path in sorted(fields_of(plan_condition) & SCOPE_FIELDS if plan_condition else ()):
        problems.append(Problem(file, spec.id, f"`when` reads the scope question {path}: say it in `scope`"))
    for concept_id in sorted(_concepts_deep(condition, concepts)):
        source = concepts[concept_id].spec.source
        if source:
            problems.append(Problem(file, spec.id, f"concept {concept_id!r} is a public fact ({source}) and "
                                                   "decides here: outside facts are only shown (public_facts)"))
    for example in spec.examples:
        for asked in example.asks:
            if asked not in by_path:
                problems.append(Problem(file, spec.id, f"example {example.name!r} asks unknown field {asked!r}"))
    if len(problems) > before:
        return None
    return Rule(spec, condition, theme, file, spec.id)


def _check_nature_and_scope(spec: RuleSpec, file: str, problems: list[Problem]) -> None:
    if spec.time_limit is not None and spec.nature != "commitment":
        problems.append(Problem(file, spec.id, f"time_limit is a commitment badge, but the rule's nature is "
                                               f"{spec.nature}: state the plan's figure in the benefit instead"))
    if spec.target_by is not None and spec.nature != "target":
        problems.append(Problem(file, spec.id, f"target_by belongs to a target, the rule's nature is {spec.nature}"))
    if spec.scope in ("municipal", "provincial") and not spec.notes:
        problems.append(Problem(file, spec.id, f"a {spec.scope} programme needs a note naming its owner"))
    if spec.when is None and not spec.scope_tests:
        problems.append(Problem(file, spec.id, "no `when` and a scope without a test: the rule would always apply"))


def scoped(spec: RuleSpec, condition: Condition | None) -> Condition:
    """The rule's condition with the test of its scope first (the plan's condition alone if none)."""
    tests = [SCOPE_TESTS[name] for name in spec.scope_tests]
    if not tests:
        if condition is None:
            raise ConditionError("a rule without `when` needs a scope that tests something")
        return condition
    if len(tests) == 1:
        test = tests[0]
    else:
        any_of = isinstance(spec.scope, ScopeCombination) and bool(spec.scope.any)
        test = AnyOf(tuple(tests)) if any_of else AllOf(tuple(tests))
    if condition is None:
        return test
    heads = test.items if isinstance(test, AllOf) else (test,)
    items = condition.items if isinstance(condition, AllOf) else (condition,)
    return AllOf((*heads, *items))


def _concepts_deep(condition: Condition, concepts: dict[str, Concept]) -> set[str]:
    found: set[str] = set()
    stack = list(concepts_of(condition))
    while stack:
        name = stack.pop()
        if name in found or name not in concepts:
            continue
        found.add(name)
        stack.extend(concepts_of(concepts[name].condition))
    return found


def unreviewed(rulebase: RuleBase) -> list[Rule]:
    """The rules never reviewed against the plan's sentence (no `reviewed:` date)."""
    return [rule for rule in rulebase.rules.values() if rule.spec.reviewed is None]


@cache
def load_rulebase() -> RuleBase:
    """The rule base from rules/ (cached); raises RuleBaseError listing every problem."""
    rulebase, problems = collect()
    if rulebase is None:
        raise RuleBaseError(problems)
    return rulebase


def fields_read(condition: Condition, rulebase: RuleBase) -> set[str]:
    """Every profile field a condition reads, directly or through the concepts it uses."""
    found = fields_of(condition)
    for name in concepts_of(condition):
        found |= fields_read(rulebase.concepts[name].condition, rulebase)
    return found


def fields_used(rulebase: RuleBase) -> dict[str, set[str]]:
    """For each profile field, the rules whose outcome it can change (directly or via concepts)."""
    used: dict[str, set[str]] = {}
    for rule in rulebase.rules.values():
        for path in fields_read(rule.condition, rulebase):
            used.setdefault(path, set()).add(rule.id)
    return used
