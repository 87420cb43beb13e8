"""The plan's numbers as dated parameters (catalog/parameters.yaml), OpenFisca's model.

A parameter is a dotted name (construction.joint_acceptance.max_floor_area_m2), a value per date range,
the article and the plan's verbatim words it comes from, and a unit. Rules never repeat a number: a
condition names the parameter ({field: project.floor_area_m2, lte: {param: ...}}) and so does a time
limit ({committed: {param: ...}}); the rule base is resolved with the values in force on a day
(`ParameterTable.values_at`), so an assessment as of a date uses the numbers of that date.

`check_table` gives every problem of a table: words not verbatim in their article, a number that does
not stand in its words, a value before the plan. A reform (advisor/reform.py) extends a table with
values of its own from a date; the base table is never changed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .catalog import PLAN_ID, PLAN_IN_FORCE, Catalog, squash
from .datafile import DataFileError, read_yaml
from .paths import CATALOG_DIR
from .text import Text

PARAMETERS_FILE = CATALOG_DIR / "parameters.yaml"
Unit = Literal["m2", "m", "dn_mm", "buildings", "working_days", "hours", "days"]
# What a parameter compared with a field is measured in, as catalog/questions.yaml writes the field's unit (en).
FIELD_UNITS: dict[str, str] = {"m2": "m²", "m": "m", "dn_mm": "mm (DN)", "buildings": "buildings"}
TIME_UNITS = ("working_days", "hours", "days")
WHOLE_UNITS = ("dn_mm", "buildings", "working_days", "hours", "days")  # counted in whole numbers
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class DatedValue(BaseModel):
    """A value from a date on; a value after the plan's own names the document that set it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    document: str | None = None
    words: str | None = None


class ParameterSpec(BaseModel):
    """One parameter as written in catalog/parameters.yaml (or added by a reform)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Text
    unit: Unit
    article: str | None = None  # where the plan states it (a reform's own parameter has none)
    words: str | None = None
    stated_as: str | None = None  # the word that states the number, where the plan writes none (多栋)
    reading: Text | None = None
    values: dict[date, DatedValue]

    @field_validator("values", mode="before")
    @classmethod
    def _plain_numbers(cls, raw: Any) -> Any:
        """`2020-11-23: 1500` is short for `2020-11-23: {value: 1500}`."""
        if isinstance(raw, dict):
            return {key: {"value": value} if isinstance(value, int | float) and not isinstance(value, bool)
                    else value for key, value in raw.items()}
        return raw


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter with its values in date order."""

    name: str
    spec: ParameterSpec
    history: tuple[tuple[date, DatedValue], ...]

    def value_at(self, day: date) -> float | None:
        """The value in force on `day` (None before the first)."""
        found = None
        for start, value in self.history:
            if start > day:
                break
            found = value.value
        return found

    @property
    def plan_value(self) -> float | None:
        """The value the plan itself sets (in force on the day the plan is)."""
        return self.value_at(PLAN_IN_FORCE)


Values = Mapping[str, float]


@dataclass(frozen=True)
class ParameterTable:
    """Every parameter by name; `values_at` gives the numbers in force on a day."""

    parameters: dict[str, Parameter]

    def values_at(self, day: date) -> dict[str, float]:
        """Each parameter's value in force on `day` (a parameter not yet in force is left out)."""
        out = {}
        for name, parameter in self.parameters.items():
            value = parameter.value_at(day)
            if value is not None:
                out[name] = value
        return out

    @property
    def plan_values(self) -> dict[str, float]:
        """The values the plan sets: in force on the day it is."""
        return self.values_at(PLAN_IN_FORCE)

    def extended(self, changes: Mapping[str, Mapping[date, float]],
                 added: Mapping[str, "Parameter"] | None = None) -> "ParameterTable":
        """A new table: these values from these dates (a reform's), and new parameters; self is unchanged."""
        parameters = dict(self.parameters)
        for name, dated in changes.items():
            old = parameters[name]
            history = dict(old.history)
            history.update({start: DatedValue(value=value, document="reform") for start, value in dated.items()})
            parameters[name] = Parameter(name, old.spec, tuple(sorted(history.items())))
        parameters.update(added or {})
        return ParameterTable(parameters)


def build(name: str, spec: ParameterSpec) -> Parameter:
    """A Parameter from its spec."""
    return Parameter(name, spec, tuple(sorted(spec.values.items())))


def parse_table(raw: Any) -> tuple[ParameterTable, list[tuple[str, str]]]:
    """A table from the file's YAML, and the (parameter, reason) problems of its shape."""
    problems: list[tuple[str, str]] = []
    parameters: dict[str, Parameter] = {}
    entries = raw.get("parameters") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or set(raw) != {"parameters"}:
        return ParameterTable({}), [("(file)", "the file needs one key, `parameters`, mapping names to parameters")]
    for name, body in entries.items():
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            problems.append((str(name), "a parameter's name is dotted lower-case words (theme.provision.what)"))
            continue
        try:
            spec = ParameterSpec.model_validate(body)
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(part) for part in item["loc"]) or "(top)"
                problems.append((name, f"{where}: {item['msg']}"))
            continue
        parameters[name] = build(name, spec)
    return ParameterTable(parameters), problems


def load_table(path: Path = PARAMETERS_FILE) -> tuple[ParameterTable, list[tuple[str, str]]]:
    """The table in `path` and its shape problems (a missing or broken file is one problem)."""
    try:
        raw = read_yaml(path)
    except DataFileError as error:
        return ParameterTable({}), [("(file)", str(error))]
    return parse_table(raw)


def number_text(value: float) -> str:
    """1500.0 -> '1500', 0.5 -> '0.5': the number as the plan writes it in digits."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def stands_in(value: float, words: str) -> bool:
    """Whether the number is written in the words (as a whole number, not inside a longer one)."""
    return re.search(rf"(?<![0-9.]){re.escape(number_text(value))}(?![0-9]|\.[0-9])", squash(words)) is not None


def check_table(table: ParameterTable, catalog: Catalog) -> list[tuple[str, str]]:
    """Every problem of a table from the plan: where each value comes from, and that it says so."""
    problems: list[tuple[str, str]] = []
    for name, parameter in table.parameters.items():
        spec = parameter.spec
        first = parameter.history[0][0] if parameter.history else None
        if first is None:
            problems.append((name, "no values"))
            continue
        if first != PLAN_IN_FORCE:
            problems.append((name, f"the plan's value starts on {PLAN_IN_FORCE.isoformat()} (the plan is in force "
                                   f"then), not {first.isoformat()}"))
        problems += [(name, reason) for reason in _reference_problems(spec, catalog)]
        for start, value in parameter.history:
            if spec.unit in WHOLE_UNITS and not float(value.value).is_integer():
                problems.append((name, f"{start}: {value.value} is not a whole number of {spec.unit}"))
            if start > PLAN_IN_FORCE and not (value.document and value.words):
                problems.append((name, f"{start}: a value after the plan's names its `document` and `words`"))
            if start == PLAN_IN_FORCE and (value.document not in (None, PLAN_ID) or value.words):
                problems.append((name, f"{start}: the plan's value is referenced by the parameter's article and words"))
        plan_value = parameter.plan_value
        if plan_value is not None and spec.words and not spec.stated_as and not stands_in(plan_value, spec.words):
            problems.append((name, f"the plan's value {number_text(plan_value)} does not stand in its words "
                                   f"{spec.words!r}"))
    return problems


def _reference_problems(spec: ParameterSpec, catalog: Catalog) -> list[str]:
    if not spec.article or not spec.words:
        return ["a parameter of the plan names its `article` and quotes its `words`"]
    if spec.article not in catalog.articles:
        return [f"unknown article {spec.article!r} (write it as the plan does: a Chinese numeral in full-width "
                "parentheses)"]
    if squash(spec.words) not in squash(catalog.articles[spec.article].text):
        return [f"words are not verbatim in article {spec.article} (white space aside)"]
    if spec.stated_as is not None:
        if squash(spec.stated_as) not in squash(spec.words):
            return [f"stated_as {spec.stated_as!r} does not stand in its words"]
        if spec.reading is None:
            return [f"a number stated as {spec.stated_as!r} needs a `reading` saying how it reads"]
    return []
