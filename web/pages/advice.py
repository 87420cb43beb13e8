"""Advice a person can act on: the results document arranged answer-first for the ticked topics.

Pure functions over the assessment document (the API's JSON) and the rule base: which findings
belong to the user's topics, which are district-wide services every enterprise has, which of them
is most specific, the one or two questions that settle most, and the numbered next steps.
"""

from dataclasses import dataclass, field
from typing import Any

from advisor.questions import QuestionCatalog
from advisor.rulebase import RuleBase, fields_used

SUMMARY_MAX = 3  # lines in the answer at the top; the rest of the topic's eligible provisions fold
SETTLE_MAX = 2  # questions offered beside the answer
ALWAYS_SECTION = "enterprise"
KIND_RANK = {"fast_track": 0, "financing": 1, "subsidy": 1, "service": 2}
KIND_TOPIC = {"financing": "finance"}  # a kind the user asked for by ticking this topic


@dataclass(slots=True)
class Step:
    """One numbered next step: where to go, for which provisions, what to bring."""

    office: dict[str, Any]
    findings: list[dict[str, Any]]
    materials: list[str]
    notes: list[str]


@dataclass(slots=True)
class Advice:
    """The findings arranged for reading: the answer first, the rest folded."""

    topics: list[str]
    answer: list[dict[str, Any]]  # eligible, of the ticked topics, most specific first
    more_eligible: list[dict[str, Any]]  # eligible of the topics beyond the first lines, and others
    district: list[dict[str, Any]]  # eligible services every enterprise of the district has
    near: list[dict[str, Any]]  # not eligible in a ticked topic, with a smallest change
    open_topic: list[dict[str, Any]]  # undetermined, of the ticked topics
    open_other: list[dict[str, Any]]  # undetermined, other topics
    not_eligible: list[dict[str, Any]]  # the other not-eligible findings
    settle: list[dict[str, Any]]  # the questions that settle the most for the ticked topics
    steps: list[Step] = field(default_factory=list)


def rule_sections(rulebase: RuleBase) -> dict[str, set[str]]:
    """For each rule, the question sections whose answers can change it (through concepts too)."""
    sections: dict[str, set[str]] = {rule_id: set() for rule_id in rulebase.rules}
    for path, rules in fields_used(rulebase).items():
        for rule_id in rules:
            sections[rule_id].add(path.split(".", 1)[0])
    return sections


def topics_in_play(ticked: list[str], answers: dict[str, Any], catalog: QuestionCatalog) -> list[str]:
    """The ticked topics, or, when none is ticked, the topics whose questions were answered."""
    if ticked:
        return ticked
    answered = {path.split(".", 1)[0] for path in answers}
    return [topic.id for topic in catalog.topics if answered & set(topic.sections)]


def _met_fields(node: dict[str, Any]) -> set[str]:
    """The fields whose tests carried the condition: only along met paths (a met branch of an "any",
    never the met tests inside a branch that failed)."""
    if node["result"] != "met":
        return set()
    if node["kind"] == "field":
        return set() if node["op"] == "answered" else {node["field"]}
    out: set[str] = set()
    for item in node.get("items", ()):
        out |= _met_fields(item)
    return out


def _inferred(node: dict[str, Any]) -> int:
    """How many met paths rest on a question left unanswered (a fact inferred from other answers)."""
    if node["result"] != "met":
        return 0
    own = 1 if node["kind"] == "field" and node["op"] == "answered" else 0
    return own + sum(_inferred(item) for item in node.get("items", ()))


def specificity(finding: dict[str, Any], used: dict[str, set[str]]) -> float:
    """How particular the answers are that this provision met: a field few rules use counts most.

    A fast track met on the warehouse's floor area outranks a service met on "has a project".
    """
    return sum(1 / len(used[path]) for path in _met_fields(finding["conditions"])
               if not path.startswith(ALWAYS_SECTION + ".") and path in used)


def arrange(document: dict[str, Any], rulebase: RuleBase, ticked: list[str], answers: dict[str, Any]) -> Advice:
    """The document's findings arranged answer-first for the topics in play."""
    catalog = rulebase.questions
    topics = topics_in_play(ticked, answers, catalog)
    wanted = {section for topic in catalog.topics if topic.id in topics for section in topic.sections}
    sections = rule_sections(rulebase)
    used = fields_used(rulebase)
    order = {rule_id: index for index, rule_id in enumerate(rulebase.rules)}

    def in_topics(finding: dict[str, Any]) -> bool:
        return bool(sections.get(finding["id"], set()) & wanted)

    def district_wide(finding: dict[str, Any]) -> bool:
        return sections.get(finding["id"], set()) <= {ALWAYS_SECTION}

    def rank(finding: dict[str, Any]) -> tuple[int, float, int, int]:
        kind_rank = KIND_RANK.get(finding["kind"], 2)
        if KIND_TOPIC.get(finding["kind"]) in topics:
            kind_rank = 0
        # On a tie, a provision the answers meet in the plan's own words comes before one met by inference.
        return (kind_rank, -round(specificity(finding, used), 9), _inferred(finding["conditions"]),
                order.get(finding["id"], len(order)))

    by_status: dict[str, list[dict[str, Any]]] = {"eligible": [], "undetermined": [], "not_eligible": []}
    for finding in document["findings"]:
        by_status[finding["status"]].append(finding)
    eligible = sorted(by_status["eligible"], key=rank)
    topic_eligible = [f for f in eligible if in_topics(f)]
    district = [f for f in eligible if district_wide(f) and not in_topics(f)]
    others = [f for f in eligible if not in_topics(f) and not district_wide(f)]
    near = [f for f in by_status["not_eligible"] if in_topics(f) and any("gap" in x for x in f["failing"])]
    open_topic = sorted((f for f in by_status["undetermined"] if in_topics(f)),
                        key=lambda f: (len(f["missing"]), order.get(f["id"], len(order))))
    topic_ids = {f["id"] for f in open_topic}
    settle = [dict(q, settles=[r for r in q["settles"] if r in topic_ids]) for q in document["questions_to_settle"]]
    settle = sorted((q for q in settle if q["settles"]), key=lambda q: -len(q["settles"]))[:SETTLE_MAX]
    answer = topic_eligible[:SUMMARY_MAX]
    return Advice(
        topics=topics, answer=answer, more_eligible=topic_eligible[SUMMARY_MAX:] + others, district=district,
        near=near, open_topic=open_topic, open_other=[f for f in by_status["undetermined"] if not in_topics(f)],
        not_eligible=[f for f in by_status["not_eligible"] if f not in near], settle=settle,
        steps=next_steps(topic_eligible + others),
    )


def primary_office(finding: dict[str, Any]) -> dict[str, Any] | None:
    """Where to go first for a provision: its handling department, else its channel."""
    offices = finding["handled_by"] or finding["channels"]
    return offices[0] if offices else None


def next_steps(findings: list[dict[str, Any]]) -> list[Step]:
    """One step per office, in the order of the provisions it handles; materials once each."""
    steps: dict[str, Step] = {}
    for finding in findings:
        office = primary_office(finding)
        if office is None:
            continue
        step = steps.setdefault(office["id"], Step(office, [], [], []))
        step.findings.append(finding)
        for material in finding["materials"]:
            if material["name"] not in step.materials:
                step.materials.append(material["name"])
        step.notes.extend(note for note in finding["notes"][:1] if note not in step.notes)
    return list(steps.values())
