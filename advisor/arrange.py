"""The answer first: an assessment's findings as cards for the topics asked about, ranked by worth.

What a card is worth to this enterprise decides its place (README, "How the answer is ranked"):

1. the strength of what the plan's sentence binds the district to: a commitment with a time limit
   for the enterprise's own matter first; then services (a district-wide average is a commitment
   about all enterprises, not a limit for this one, so it ranks with them); then pilots,
   explorations, targets, and targets whose date has passed;
2. within one strength, money first (subsidies, interest support), then fast tracks, financing
   (with fast tracks when financing was ticked), then other services;
3. what applies before what applies if a department confirms a classification (a "likely" card);
4. the most specific first: a field that few provisions read counts most;
5. the plan's order.

Provisions with the same benefit text are one card naming the routes that are met. A provision
that waits only for a department's classification (简易低风险, a published list) is a likely card:
still undetermined, shown as "if the department confirms …" among the ones that apply, never counted
as applying. Everything works on findings (Advisor.assess) and on the document's JSON (stored
consultations), through `Item`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .conditions import Condition, concepts_of, fields_of
from .currency import target_passed
from .explainer import Check
from .findings import Assessment, any_none, kept_renderings, rendering_key
from .messages import message
from .questions import QuestionCatalog
from .rulebase import SCOPE_FIELDS, RuleBase, fields_used
from .text import Lang

ENTERPRISE = "enterprise"  # the section every enterprise answers: no topic of its own
# Ranking tiers (lower first): what the plan's sentence binds the district to.
STRENGTH = {"commitment": 0, "service": 1, "pilot": 2, "exploration": 3, "target": 4}
PASSED = 5  # a target whose date has passed: the department says what applies now
KIND = {"subsidy": 0, "fast_track": 1, "financing": 2, "service": 3}
SETTLE_MAX = 2  # questions offered beside the answer


@dataclass(slots=True)  # not frozen (several times slower to build), but never changed once made
class Item:
    """What arranging needs of one finding."""

    id: str
    status: str
    kind: str
    nature: str
    own_limit: bool  # a commitment with a time limit for the enterprise's own matter
    passed: bool  # a target whose date has passed
    benefit: str  # provisions with the same benefit text are one card
    missing: tuple[str, ...]
    met: frozenset[str]  # the fields whose tests are met along the paths not failed
    inferred: int  # met tests resting on a question left unanswered (inferred from other answers)
    gap: bool  # not eligible, with a smallest change that would qualify
    specificity: float = 0.0  # how particular the met answers are (Arranger.specificity)
    # Set by the Arranger when it makes the item (Arranger.item): computed once, read per arrangement.
    likely: bool = False  # undetermined only for want of a department's classification
    ranks: tuple[tuple[Any, ...], tuple[Any, ...]] = ((), ())  # the sort key without / with "finance" ticked

    @property
    def strength(self) -> int:
        """0 (a commitment for this enterprise) to 5 (a passed target): lower is stronger."""
        if self.passed:
            return PASSED
        if self.nature == "commitment" and not self.own_limit:
            return STRENGTH["service"]
        return STRENGTH[self.nature]


@dataclass(frozen=True, slots=True)
class Card:
    """One benefit: the provisions that give it (best first), or one that applies if confirmed."""

    provisions: tuple[str, ...]
    likely: bool = False
    confirm: tuple[str, ...] = ()  # the classification questions a department settles (likely cards)


@dataclass(frozen=True, slots=True)
class Arrangement:
    """The findings arranged for the topics in play; every list holds rule ids."""

    topics: tuple[str, ...]
    cards: tuple[Card, ...]  # what applies and what likely applies, ranked
    district: tuple[str, ...]  # eligible services every enterprise of the district has (not counted)
    other: tuple[str, ...]  # eligible, of topics not asked about (not counted)
    near: tuple[str, ...]  # not eligible in the topics, with a smallest change
    open: tuple[str, ...]  # undetermined in the topics (not likely, benefit not already given)
    not_eligible: tuple[str, ...]  # the other not-eligible ones of the topics
    settle: tuple[tuple[str, tuple[str, ...]], ...]  # questions settling the most open ones, with what they settle
    committed_ids: frozenset[str] = frozenset()

    @property
    def eligible(self) -> int:
        """What "可以享受 (N)" counts everywhere: the benefits that apply for the topics asked about."""
        return sum(1 for card in self.cards if not card.likely)

    @property
    def committed(self) -> int:
        """Of those, the ones with a committed time limit for the enterprise's own matter."""
        return sum(1 for card in self.cards if not card.likely and card.provisions[0] in self.committed_ids)

    @property
    def likely(self) -> int:
        return sum(1 for card in self.cards if card.likely)

    @property
    def undetermined(self) -> int:
        """Open ones of the topics, likely ones included: what "需补充信息" counts."""
        return self.likely + len(self.open)

    @property
    def not_met(self) -> int:
        """Not eligible in the topics: what "暂不符合" counts."""
        return len(self.near) + len(self.not_eligible)

    def as_dict(self) -> dict[str, Any]:
        """The document's `answer` object."""
        return {
            "topics": list(self.topics), "eligible": self.eligible, "committed": self.committed,
            "likely": self.likely, "undetermined": self.undetermined, "not_eligible": self.not_met,
            "cards": [{"provisions": list(card.provisions), "status": "likely" if card.likely else "eligible",
                       "confirm": list(card.confirm)} for card in self.cards],
            "district": list(self.district), "other": list(self.other), "open": list(self.open),
            "not_met": [*self.near, *self.not_eligible],
        }


def topics_in_play(ticked: Iterable[str], answers: Iterable[str], catalog: QuestionCatalog) -> tuple[str, ...]:
    """The ticked topics, or, when none is ticked, the topics whose questions were answered."""
    ticked = tuple(ticked)
    if ticked:
        return ticked
    answered = {path.split(".", 1)[0] for path in answers}
    return tuple(topic.id for topic in catalog.topics if answered & set(topic.sections))


def _deep_fields(condition: Condition, concept_fields: dict[str, set[str]]) -> set[str]:
    fields = set(fields_of(condition))
    for name in concepts_of(condition):
        fields |= concept_fields[name]
    return fields


def rule_topics(rulebase: RuleBase) -> dict[str, frozenset[str]]:
    """The topics each provision belongs to: those asking the fields of its own condition (not its
    scope); a provision whose condition reads only the enterprise's basics has none (district-wide)."""
    concept_fields: dict[str, set[str]] = {}
    for concept in sorted(rulebase.concepts.values(), key=lambda c: c.layer):
        concept_fields[concept.id] = _deep_fields(concept.condition, concept_fields)
    by_section: dict[str, set[str]] = {}
    for topic in rulebase.questions.topics:
        for section in topic.sections:
            by_section.setdefault(section, set()).add(topic.id)
    out: dict[str, frozenset[str]] = {}
    for rule in rulebase.rules.values():
        fields = _deep_fields(rule.condition, concept_fields)
        sections = {path.split(".", 1)[0] for path in fields - SCOPE_FIELDS} - {ENTERPRISE}
        if not sections:
            sections = {path.split(".", 1)[0] for path in fields & SCOPE_FIELDS} - {ENTERPRISE}
        out[rule.id] = frozenset(topic for section in sections for topic in by_section.get(section, ()))
    return out


def _met_of_check(check: Check, met: set[str]) -> int:
    """Collect the met field tests along paths not failed; return how many rest on an unanswered field."""
    if check.result is False:
        return 0
    if check.kind == "field":
        if check.result:
            if check.op == "answered":
                return 1
            met.add(check.subject)
        return 0
    return sum(_met_of_check(item, met) for item in check.items)


def _met_of_dict(node: dict[str, Any], met: set[str]) -> int:
    if node["result"] == "failed":
        return 0
    if node["kind"] == "field":
        if node["result"] == "met":
            if node["op"] == "answered":
                return 1
            met.add(node["field"])
        return 0
    return sum(_met_of_dict(item, met) for item in node.get("items", ()))


class Arranger:
    """Arranges findings of one rule base (build once; arrange() per assessment)."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self.topics_of = rule_topics(rulebase)
        self.used = fields_used(rulebase)
        self.order = {rule_id: index for index, rule_id in enumerate(rulebase.rules)}
        by_path = rulebase.questions.by_path
        self.confirmable = frozenset(path for path, q in by_path.items() if q.confirm is not None)
        self._playing: dict[tuple[str, ...], frozenset[str]] = {}

    # --- items ---------------------------------------------------------------------------------
    def items_of(self, assessment: Assessment) -> list[Item]:
        """The findings of an assessment as items (kept with each finding: findings are remembered and
        met again, memo.py)."""
        key = rendering_key("item", None, assessment.as_of)
        items = kept_renderings(assessment.findings, key)
        if not any_none(items):
            return items
        out = []
        for item, finding in zip(items, assessment.findings, strict=True):
            if item is None:
                spec = finding.rule.spec
                met: set[str] = set()
                inferred = _met_of_check(finding.check, met) if finding.status != "not_eligible" else 0
                limit = spec.time_limit
                item = finding.renderings[key] = self.item(
                    finding.rule.id, finding.status, spec.kind, spec.nature,
                    limit is not None and not limit.district_average, target_passed(finding.rule, assessment.as_of),
                    spec.benefit.zh, finding.missing, frozenset(met), inferred,
                    any(check.gap is not None for check in finding.failing))
            out.append(item)
        return out

    def item(self, rule_id: str, status: str, kind: str, nature: str, own_limit: bool, passed: bool, benefit: str,
             missing: tuple[str, ...], met: frozenset[str], inferred: int, gap: bool) -> Item:
        """An item with what arranging reads of it computed once: its specificity, whether it is likely,
        and its sort keys."""
        item = Item(rule_id, status, kind, nature, own_limit, passed, benefit, missing, met, inferred, gap,
                    self.specificity(met))
        item.likely = likely = self.likely(item)
        item.ranks = (self.rank(item, (), likely), self.rank(item, ("finance",), likely))
        return item

    def items_of_document(self, document: dict[str, Any]) -> list[Item]:
        """The findings of an assessment document (the API's JSON, a stored consultation) as items."""
        out = []
        for finding in document["findings"]:
            met: set[str] = set()
            inferred = _met_of_dict(finding["conditions"], met) if finding["status"] != "not_eligible" else 0
            limit = finding.get("time_limit")
            out.append(self.item(
                finding["id"], finding["status"], finding["kind"], finding["nature"],
                bool(limit) and not limit.get("district_average", False), bool(finding.get("target_passed")),
                finding["benefit"], tuple(m["field"] for m in finding["missing"]), frozenset(met), inferred,
                any("gap" in x for x in finding["failing"])))
        return out

    # --- membership and worth ------------------------------------------------------------------
    def in_play(self, rule_id: str, topics: Iterable[str]) -> bool:
        """Whether a provision belongs to the topics asked about (none asked: the district-wide ones)."""
        return rule_id in self.playing(tuple(topics))

    def playing(self, topics: tuple[str, ...]) -> frozenset[str]:
        """The provisions that belong to the topics asked about (computed once per choice of topics)."""
        found = self._playing.get(topics)
        if found is None:
            wanted = set(topics)
            found = self._playing[topics] = frozenset(
                rule_id for rule_id, own in self.topics_of.items() if (own & wanted if wanted else not own))
        return found

    def specificity(self, met: Iterable[str]) -> float:
        """How particular the met answers are: a field few provisions read counts most."""
        return sum(1 / len(self.used[path]) for path in met
                   if not path.startswith(ENTERPRISE + ".") and path in self.used)

    def rank(self, item: Item, topics: tuple[str, ...], likely: bool) -> tuple[Any, ...]:
        """The sort key of a card's provision (see the module's docstring)."""
        kind = KIND.get(item.kind, KIND["service"])
        if item.kind == "financing" and "finance" in topics:
            kind = KIND["fast_track"]
        return (item.strength, kind, likely, -round(item.specificity, 9), item.inferred,
                self.order.get(item.id, len(self.order)))

    def likely(self, item: Item) -> bool:
        """Undetermined only for want of a department's classification."""
        return item.status == "undetermined" and bool(item.missing) and set(item.missing) <= self.confirmable

    # --- arranging -----------------------------------------------------------------------------
    def arrange(self, items: list[Item], topics: Iterable[str]) -> Arrangement:
        """The items arranged for the topics in play (one pass sorts them into what each part needs)."""
        topics = tuple(topics)
        in_play = self.playing(topics)
        rank = 1 if "finance" in topics else 0
        groups: dict[str, list[tuple[tuple[Any, ...], Item]]] = {}
        undetermined: list[Item] = []
        near: list[str] = []
        not_eligible: list[str] = []
        district: list[str] = []
        other: list[str] = []
        given: set[str] = set()  # benefits that apply or likely apply
        committed: list[str] = []
        for item in items:
            status = item.status
            if item.id not in in_play:
                if status == "eligible":
                    (other if self.topics_of.get(item.id) else district).append(item.id)
                continue
            if item.strength == STRENGTH["commitment"]:
                committed.append(item.id)
            if status == "eligible" or item.likely:
                groups.setdefault(item.benefit, []).append((item.ranks[rank], item))
                given.add(item.benefit)
            elif status == "undetermined":
                undetermined.append(item)
            elif item.gap:
                near.append(item.id)
            else:
                not_eligible.append(item.id)
        cards: list[tuple[tuple[Any, ...], Card]] = []
        for members in groups.values():
            members.sort(key=lambda member: member[0])
            applying = [member for member in members if not member[1].likely]
            if applying:
                cards.append((applying[0][0], Card(tuple(member[1].id for member in applying))))
            else:
                key, best = members[0]
                cards.append((key, Card((best.id,), True, best.missing)))
        cards.sort(key=lambda card: card[0])
        open_items = sorted((item for item in undetermined if item.benefit not in given),
                            key=lambda item: (len(item.missing), self.order.get(item.id, len(self.order))))
        return Arrangement(
            topics=topics, cards=tuple(card for _, card in cards), district=tuple(district), other=tuple(other),
            near=tuple(near), open=tuple(item.id for item in open_items), not_eligible=tuple(not_eligible),
            settle=self._settle(open_items), committed_ids=frozenset(committed))

    def _settle(self, open_items: list[Item]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The owner's questions that settle the most open provisions (a department's classification is
        asked of the department, on the slip, not here)."""
        settles: dict[str, list[str]] = {}
        for item in open_items:
            for path in item.missing:
                if path not in self.confirmable:
                    settles.setdefault(path, []).append(item.id)
        ranked = sorted(settles.items(), key=lambda entry: -len(entry[1]))[:SETTLE_MAX]
        return tuple((path, tuple(ids)) for path, ids in ranked)


_ARRANGERS: dict[int, tuple[RuleBase, Arranger]] = {}


def arranger(rulebase: RuleBase) -> Arranger:
    """The Arranger of a rule base, built once."""
    kept = _ARRANGERS.get(id(rulebase))
    if kept is None or kept[0] is not rulebase:
        kept = _ARRANGERS[id(rulebase)] = (rulebase, Arranger(rulebase))
    return kept[1]


def arrange_assessment(assessment: Assessment, rulebase: RuleBase, topics: Iterable[str] | None = None
                       ) -> Arrangement:
    """An assessment arranged for the topics (none given: those whose questions were answered)."""
    played = topics_in_play(topics or (), assessment.answers, rulebase.questions)
    chosen = arranger(rulebase)
    return chosen.arrange(chosen.items_of(assessment), played)


def answer_heading(arrangement: Arrangement, lang: Lang) -> str:
    """The answer in one line: "您可以享受9项，其中4项有承诺时限"."""
    return _heading(arrangement.eligible, arrangement.committed, arrangement.likely, lang)


@lru_cache(maxsize=256)
def _heading(n: int, k: int, m: int, lang: Lang) -> str:
    text = message("answer_heading", lang, n=n) if n else message("answer_heading_none", lang)
    text += message("answer_heading_committed", lang, n=k) if k else ""
    return text + (message("answer_heading_likely", lang, n=m) if m else "")
