"""Advice a person can act on: the results document arranged answer-first for the topics asked about.

The arrangement itself (which provisions belong to the topics, their ranking, one card per benefit,
what applies if a department confirms) is advisor.arrange's; here it becomes what the templates
show: cards with their findings, the numbered next steps per office, the questions for departments.
"""

from dataclasses import dataclass, field
from typing import Any

from advisor.arrange import Arrangement, answer_heading, arranger, topics_in_play
from advisor.rulebase import RuleBase
from advisor.text import Lang

SUMMARY_MAX = 5  # cards on the first screen; the rest fold
OPEN_MAX = 10  # open provisions listed; a link shows the rest


@dataclass(slots=True)
class Confirm:
    """A classification a department makes, as a likely card shows it and the slip asks it."""

    field: str
    text: str  # 审批部门认定为简易低风险项目
    ask: str  # 本项目是否属于简易低风险项目？
    looks_at: str
    office: dict[str, Any] | None
    facts: list[dict[str, Any]]  # public comparables: shown with their source, never deciding


@dataclass(slots=True)
class CardView:
    """One card: the provisions giving one benefit (best first), or one that applies if confirmed."""

    findings: list[dict[str, Any]]
    likely: bool = False
    confirm: list[Confirm] = field(default_factory=list)

    @property
    def lead(self) -> dict[str, Any]:
        return self.findings[0]

    @property
    def id(self) -> str:
        return str(self.findings[0]["id"])


@dataclass(slots=True)
class Step:
    """One numbered next step: where to go, for which provisions, what to bring, what to ask."""

    office: dict[str, Any]
    findings: list[dict[str, Any]]
    materials: list[str]
    notes: list[str]
    asks: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Advice:
    """The findings arranged for reading: the answer first, the rest folded."""

    topics: list[str]
    heading: str  # 您可以享受9项，其中4项有承诺时限
    eligible: int  # what "可以享受 (N)" counts: the same on the screen, the slip, the record, the API
    undetermined: int
    not_met: int
    cards: list[CardView]  # what applies and what applies if confirmed, ranked
    district: list[dict[str, Any]]  # eligible services every enterprise of the district has
    other: list[dict[str, Any]]  # eligible, of topics not asked about
    near: list[dict[str, Any]]  # not eligible in a topic, with a smallest change
    open_topic: list[dict[str, Any]]  # undetermined, of the topics
    not_eligible: list[dict[str, Any]]  # the other not-eligible ones of the topics
    settle: list[dict[str, Any]]  # the owner's questions that settle the most open ones
    confirms: list[Confirm]  # the departments' classifications the likely cards wait for (for the slip)
    steps: list[Step] = field(default_factory=list)  # for the cards on the first screen

    @property
    def answer(self) -> list[CardView]:
        """The cards on the first screen."""
        return self.cards[:SUMMARY_MAX]

    @property
    def more(self) -> list[CardView]:
        return self.cards[SUMMARY_MAX:]

    @property
    def applying(self) -> list[CardView]:
        return [card for card in self.cards if not card.likely]

    @property
    def open_shown(self) -> list[dict[str, Any]]:
        return self.open_topic[:OPEN_MAX]


def arrange(document: dict[str, Any], rulebase: RuleBase, ticked: list[str], answers: dict[str, Any]) -> Advice:
    """The document's findings arranged answer-first for the topics in play: those ticked, else those the
    document was advised for (a stored consultation), else those whose questions were answered."""
    chosen = arranger(rulebase)
    advised = (document.get("answer") or {}).get("topics")
    topics = topics_in_play(ticked or advised or (), answers, rulebase.questions)
    arrangement = chosen.arrange(chosen.items_of_document(document), topics)
    return advice_of(document, arrangement, rulebase)


def advice_of(document: dict[str, Any], arrangement: Arrangement, rulebase: RuleBase) -> Advice:
    """An arrangement with the document's findings in place of rule ids."""
    lang: Lang = document["lang"]
    by_id = {finding["id"]: finding for finding in document["findings"]}
    settle_refs = {q["field"]: q for q in document["questions_to_settle"]}

    def found(ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [by_id[rule] for rule in ids if rule in by_id]

    cards: list[CardView] = []
    confirms: dict[str, Confirm] = {}
    for card in arrangement.cards:
        findings = found(card.provisions)
        if not findings:
            continue
        view = CardView(findings, card.likely)
        for path in card.confirm:
            confirm = confirms.get(path) or _confirm(path, rulebase, lang)
            if confirm is not None:
                confirms[path] = confirm
                view.confirm.append(confirm)
        cards.append(view)
    settle = []
    for path, ids in arrangement.settle:
        ref = settle_refs.get(path) or _question_ref(path, rulebase, lang)
        settle.append(dict(ref, settles=list(ids)))
    return Advice(
        topics=list(arrangement.topics), heading=answer_heading(arrangement, lang), eligible=arrangement.eligible,
        undetermined=arrangement.undetermined, not_met=arrangement.not_met, cards=cards,
        district=found(arrangement.district), other=found(arrangement.other), near=found(arrangement.near),
        open_topic=found(arrangement.open), not_eligible=found(arrangement.not_eligible), settle=settle,
        confirms=list(confirms.values()), steps=next_steps(cards[:SUMMARY_MAX]))


def _question_ref(path: str, rulebase: RuleBase, lang: Lang) -> dict[str, Any]:
    question = rulebase.questions.by_path[path]
    return {"field": path, "label": question.label.get(lang), "help": question.help.get(lang) if question.help
            else None, "term": question.term}


def _confirm(path: str, rulebase: RuleBase, lang: Lang) -> Confirm | None:
    question = rulebase.questions.by_path.get(path)
    if question is None or question.confirm is None:
        return None
    spec = question.confirm
    catalog = rulebase.catalog
    office = catalog.offices.get(spec.by)
    facts = [{"id": source.id, "title": source.title_en if lang == "en" and source.title_en else source.title,
              "date": source.date, "says": source.says.get(lang),
              "not_a_qingyang_rule": source.not_a_qingyang_rule}
             for source in (catalog.sources[name] for name in spec.facts)]
    return Confirm(path, spec.text.get(lang), spec.ask.get(lang), spec.looks_at.get(lang),
                   {"id": office.id, "name": office.name.get(lang)} if office else None, facts)


def primary_office(finding: dict[str, Any]) -> dict[str, Any] | None:
    """Where to go first for a provision: its handling department, else its channel."""
    offices = finding["handled_by"] or finding["channels"]
    return offices[0] if offices else None


def next_steps(cards: list[CardView]) -> list[Step]:
    """One step per office, in the order of the cards it handles: materials once each; the questions to
    ask it (a likely card's classification) and the first note of each provision."""
    steps: dict[str, Step] = {}
    for card in cards:
        finding = card.lead
        office = primary_office(finding)
        if office is None:
            continue
        step = steps.setdefault(office["id"], Step(office, [], [], []))
        step.findings.append(finding)
        if card.likely:
            step.asks.extend(confirm.ask for confirm in card.confirm if confirm.ask not in step.asks)
            continue
        for member in card.findings:
            for material in member["materials"]:
                if material["name"] not in step.materials:
                    step.materials.append(material["name"])
        step.notes.extend(note for note in finding["notes"][:1] if note not in step.notes)
    return list(steps.values())
