"""Screening a block of registry rows under the base and a reform at once: what a worker does.

Each row is read, validated and screened under the base exactly as `advisor batch` does (the same
BlockScreener, so the base's results are the batch's rows), then the same validated profiles are
screened under the reform. Only the provisions the reform can change (reform.affected_rules: dropped,
added, or with another condition once concepts are written out) are screened again, by an engine
compiled for just those rules and the concepts they read; every other provision is the base's by
construction. That is what keeps a simulation near the cost of one batch.

Per row and changed provision, one transition:
    gain               not eligible or undetermined -> eligible
    loss               eligible -> not eligible or undetermined
    to_undetermined    not eligible -> undetermined
    from_undetermined  undetermined -> not eligible
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..assess import Advisor
from ..batch.lean import LeanScreen
from ..batch.rows import Block
from ..batch.screen import BlockScreener, ChunkOutcome, ScreenOptions, Valid
from ..conditions import concepts_of
from ..engine import Engine
from ..messages import message
from ..reform import Reform, ReformSpec, affected_rules, apply_reform, read_spec
from ..rulebase import RuleBase, load_rulebase

TRANSITIONS = ("gain", "loss", "to_undetermined", "from_undetermined")
# What the registry is counted by: a label, and the profile field holding it.
DIMENSIONS = {"size": "enterprise.size", "sector": "enterprise.industry", "zone": "enterprise.function_zone"}
UNANSWERED = "(unanswered)"


def transition(before: str, after: str) -> str | None:
    """The kind of change from one status to another, or None when the status is the same."""
    if before == after:
        return None
    if after == "eligible":
        return "gain"
    if before == "eligible":
        return "loss"
    return "to_undetermined" if after == "undetermined" else "from_undetermined"


@dataclass(frozen=True)
class SimOptions:
    """How a block is simulated (picklable: it travels to worker processes and Dask workers).

    screen: the base's batch options (their as_of is the simulation's day); reform: the reform file's
    data and name, applied again in each worker (it was checked once by the caller)."""

    screen: ScreenOptions
    reform: dict[str, Any]
    reform_file: str

    @property
    def as_of(self) -> date:
        assert self.screen.as_of is not None, "a simulation is screened as of a day"
        return self.screen.as_of


@dataclass
class SimOutcome:
    """A simulated block: the base's batch outcome, the changed rows, and the counts."""

    base: ChunkOutcome
    changes: list[list[Any]]
    reform_failed: int = 0  # rows screened under the base that the reform's engine refused
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (provision, kind)
    # (dimension, value, provision, kind): who changes, by size, sector and function zone
    by: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    reform_eligible: Counter[str] = field(default_factory=Counter)  # per affected provision
    enterprises: Counter[str] = field(default_factory=Counter)  # rows with any change ("changed"), "gain", "loss"


def reform_of(options: SimOptions, base: RuleBase) -> Reform:
    """The reform, applied to `base` (checked already: a problem here is a bug)."""
    spec: ReformSpec | None
    spec, problems = read_spec(options.reform, options.reform_file)
    assert spec is not None, problems
    reform, problems = apply_reform(spec, base, options.reform_file)
    if reform is None:
        raise ValueError("\n".join(str(problem) for problem in problems))
    return reform


def only(rulebase: RuleBase, rule_ids: list[str]) -> RuleBase:
    """The rule base cut down to these rules and the concepts they read (directly or through others)."""
    needed: set[str] = set()
    stack = [name for rule_id in rule_ids for name in concepts_of(rulebase.rules[rule_id].condition)]
    while stack:
        name = stack.pop()
        if name not in needed:
            needed.add(name)
            stack.extend(concepts_of(rulebase.concepts[name].condition))
    rules = {rule_id: rulebase.rules[rule_id] for rule_id in rule_ids}
    themes = {theme: title for theme, title in rulebase.themes.items()
              if any(rule.theme == theme for rule in rules.values())}
    concepts = {cid: concept for cid, concept in rulebase.concepts.items() if cid in needed}
    return RuleBase(concepts, rules, themes, rulebase.version, rulebase.questions, rulebase.catalog,
                    rulebase.parameters, rulebase.values)


class SimScreener:
    """Screens blocks under the base (as a batch) and under the reform (only what it can change)."""

    def __init__(self, options: SimOptions, advisor: Advisor | None = None) -> None:
        self.options = options
        base_advisor = advisor or Advisor(load_rulebase())
        self.base = BlockScreener(options.screen, base_advisor)
        self._screened: tuple[list[Valid], list[Any]] = ([], [])
        self.base.on_verdicts = self._keep
        base = self.base.advisor.rulebase
        reform = reform_of(options, load_rulebase())
        reformed = reform.at(options.as_of)
        self.affected = affected_rules(base, reformed)
        kept = [rule_id for rule_id in self.affected if rule_id in reformed.rules]
        self.dropped = [rule_id for rule_id in self.affected if rule_id not in reformed.rules]
        self.lean = None
        if kept:
            cut = only(reformed, kept)
            self.lean = LeanScreen(cut, Engine(cut), questions=False)
        self.kept = kept
        self.new = {rule_id for rule_id in self.affected if rule_id not in base.rules}
        zh = options.screen.lang == "zh"
        self.titles = {rule.id: rule.spec.title.zh if zh else rule.spec.title.en
                       for rb in (base, reformed) for rule in rb.rules.values()}
        lang = "zh" if zh else "en"
        self.status_text = {status: message(f"sim_status_{status}", lang)
                            for status in ("eligible", "undetermined", "not_eligible")}
        self.labels = dimension_labels(base, lang)
        self.change_text = {kind: message(f"sim_change_{kind}", lang) for kind in TRANSITIONS}

    def _keep(self, valid: list[Valid], verdicts: list[Any]) -> None:
        self._screened = (valid, verdicts)

    def __call__(self, block: Block) -> SimOutcome:
        outcome = SimOutcome(self.base(block), [])  # the batch's own screening, which hands over its verdicts
        valid, verdicts = self._screened
        self._screened = ([], [])
        if not self.affected:
            return outcome
        profiles = [profile for *_, profile in valid]
        reformed = self.lean.screen_many(profiles) if self.lean is not None else [((), (), ())] * len(profiles)
        name_at = self.base.name_at
        for (line, ident, carried, profile), before, after in zip(valid, verdicts, reformed, strict=True):
            if isinstance(before, Exception):
                continue  # the base could not screen it: an error row of the base
            if isinstance(after, Exception):
                outcome.reform_failed += 1
                continue
            base_status = _statuses(before, self.affected)
            reform_status = _statuses(after, self.kept)
            for rule_id in self.dropped:
                reform_status[rule_id] = "not_eligible"
            for rule_id in self.new:
                base_status[rule_id] = "not_eligible"
            for rule_id, status in reform_status.items():
                if status == "eligible":
                    outcome.reform_eligible[rule_id] += 1
            values = None
            kinds = set()
            for rule_id in self.affected:
                kind = transition(base_status[rule_id], reform_status[rule_id])
                if kind is None:
                    continue
                if values is None:
                    values = _dimensions(profile)
                kinds.add(kind)
                outcome.transitions[(rule_id, kind)] += 1
                for dimension, value in values.items():
                    outcome.by[(dimension, value, rule_id, kind)] += 1
                name = carried[name_at] if name_at is not None else None
                outcome.changes.append([
                    line, ident, name, rule_id, self.titles[rule_id], self.status_text[base_status[rule_id]],
                    self.status_text[reform_status[rule_id]], self.change_text[kind],
                    *(self.labels[dimension][1].get(value, value) for dimension, value in values.items())])
            if kinds:
                outcome.enterprises.update(["changed", *(kind for kind in ("gain", "loss") if kind in kinds)])
        return outcome


def _statuses(verdict: Any, rule_ids: list[str]) -> dict[str, str]:
    eligible, undetermined, _ = verdict
    out = dict.fromkeys(rule_ids, "not_eligible")
    for rule_id in undetermined:
        if rule_id in out:
            out[rule_id] = "undetermined"
    for rule_id in eligible:
        if rule_id in out:
            out[rule_id] = "eligible"
    return out


def _dimensions(profile: Any) -> dict[str, str]:
    out = {}
    for dimension, path in DIMENSIONS.items():
        section, _, name = path.partition(".")
        value = getattr(getattr(profile, section, None), name, None)
        out[dimension] = UNANSWERED if value is None else str(getattr(value, "value", value))
    return out


def dimension_labels(rulebase: RuleBase, lang: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Each dimension's label and its values' labels, in `lang` (the questions' own)."""
    out = {}
    for dimension, path in DIMENSIONS.items():
        question = rulebase.questions.by_path[path]
        values = {option.value: option.label.get(lang) for option in question.options}  # type: ignore[arg-type]
        values[UNANSWERED] = message("sim_not_answered", lang)  # type: ignore[arg-type]
        out[dimension] = (question.label.get(lang), values)  # type: ignore[arg-type]
    return out


# --- worker processes and Dask workers: one SimScreener each, built once ----------------------
_worker: SimScreener | None = None


def init_worker(options: SimOptions) -> None:
    """Pool initializer: build this process's screeners once; Ctrl-C is the parent's to handle."""
    import signal

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = SimScreener(options)


def simulate_block(block: Block) -> SimOutcome:
    """Pool task: simulate a block with this process's SimScreener."""
    assert _worker is not None, "init_worker was not run"
    return _worker(block)


_on_dask: tuple[tuple[Any, ...], SimScreener] | None = None


def simulate_on_worker(initargs: tuple[Any, ...], block: Block) -> SimOutcome:
    """Dask task: simulate one block with this worker process's SimScreener, built on first use."""
    global _on_dask
    if _on_dask is None or _on_dask[0] != initargs:
        _on_dask = (initargs, SimScreener(*initargs))
    return _on_dask[1](block)
