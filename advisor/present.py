"""Presentation of an assessment in one language, from the rule base and catalog: three JSON views.

The full document (assessment_json: the profile's part, each condition once, the catalog's texts by
reference; its shape in advisor/document.py), the expanded one (assessment_dict / expanded_json: every
finding self-contained, what the pages, slips and CLI read) and the compact one (compact_json: statuses
only). The API's models (web/api/models.py) document all three.
"""

from collections.abc import Callable, Iterable
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

from .arrange import Arrangement, answer_heading, arranger, topics_in_play
from .catalog import Basis, Catalog, Office
from .checklist import build_checklist
from .currency import nature_text, plan_dict, target_passed
from .explainer import Check
from .findings import Assessment, Finding, Inferred, any_none, kept_renderings, rendering_key
from .messages import message
from .questions import Question
from .rulebase import STATUSES, Rule, RuleBase
from .text import Lang

# A finding keeps its JSON for this many (view, language, date) at most: a date is nearly always today.
MAX_RENDERINGS = 8
# The full document's conditions kept rendered by the presenter, at most (some 300 bytes each).
MAX_NODES = 20_000
# Where the provisions' texts the full document refers to are served (advisor/document.py).
PROVISIONS_PATH = "/api/v1/provisions"
QUESTIONS_PATH = "/api/v1/questions"
_STATUS = attrgetter("status")



def format_number(value: float) -> str:
    """1200.0 -> '1,200'; 0.5 -> '0.5'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(question: Question | None, value: Any, lang: Lang) -> str:
    """A field value as the user reads it: yes/no, an option's label, a number with its unit."""
    if value is None:
        return message("value_none", lang)
    if isinstance(value, bool):
        return message("value_yes" if value else "value_no", lang)
    if isinstance(value, tuple | list):
        return message("value_list_sep", lang).join(format_value(question, item, lang) for item in value)
    if question is not None and question.type == "enum":
        option = question.option(str(value))
        return option.label.get(lang) if option else str(value)
    if isinstance(value, int | float):
        unit = question.unit.get(lang) if question and question.unit else ""
        return message("value_number_unit", lang, number=format_number(value), unit=unit).strip()
    return str(value)


class Presenter:
    """Renders assessments of one rule base in one language."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self.catalog: Catalog = rulebase.catalog
        self.questions = rulebase.questions.by_path
        # The parts of a finding that do not depend on the profile, and condition texts, are
        # rendered once per language: an assessment then only renders what the profile changed.
        self._static: dict[tuple[str, Lang, Any], dict[str, Any]] = {}
        self._texts: dict[tuple[int, Lang], str] = {}
        self._refs: dict[tuple[str, Lang], dict[str, Any]] = {}
        self._static_json: dict[tuple[str, Lang, Any], bytes] = {}
        # Unanswered field tests are shared Check objects (explainer.py): their JSON never changes.
        self._unknown: dict[tuple[int, Lang], tuple[Check, dict[str, Any]]] = {}
        self._nodes: dict[tuple[Any, ...], bytes] = {}

    # --- conditions -------------------------------------------------------------------------
    def check_text(self, check: Check, lang: Lang) -> str:
        """One line saying what a test requires and what the enterprise answered."""
        if check.kind == "concept":
            concept = self.rulebase.concepts[check.subject]
            title = concept.spec.title.get(lang)
            return message("check_not_concept" if check.required is False else "check_concept", lang, title=title)
        if check.kind in ("all", "any"):
            return message(f"check_{check.kind}", lang)
        question = self.questions[check.subject]
        label = question.label.get(lang)
        if check.op == "answered":
            return message("check_answered" if check.required else "check_unanswered", lang, label=label)
        required = format_value(question, check.required, lang)
        if question.type == "bool":
            wanted = bool(check.required) != (check.op == "neq")
            return message("check_bool", lang, label=label, want=message("value_yes" if wanted else "value_no", lang))
        return message("check_test", lang, label=label, op=message(f"op_{check.op}", lang), required=required)

    def gap_text(self, check: Check, lang: Lang) -> str | None:
        """The smallest change that would pass a failed numeric test, or None."""
        if check.gap is None:
            return None
        question = self.questions[check.subject]
        amount = format_value(question, check.gap.amount, lang)
        return message(f"gap_{check.gap.direction}{'_strict' if check.gap.strict else ''}", lang, amount=amount)

    def _text(self, check: Check, lang: Lang) -> str:
        # Keyed by what the text depends on (not the actual value), so it is rendered once.
        key = (hash((check.kind, check.subject, check.op, check.required)), lang)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self.check_text(check, lang)
        return text

    def check_dict(self, check: Check, lang: Lang, memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """A condition tree as JSON: each test with the enterprise's value, its result and any gap.

        `memo` shares the rendering of checks used by several findings (a concept's tree).
        """
        if check.kind == "field" and check.result is None:
            key = (id(check), lang)
            cached = self._unknown.get(key)
            if cached is None or cached[0] is not check:
                cached = self._unknown[key] = (check, self._check_dict(check, lang, memo))
            return cached[1]
        if memo is None:
            return self._check_dict(check, lang, memo)
        out = memo.get(id(check))
        if out is None:
            out = memo[id(check)] = self._check_dict(check, lang, memo)
        return out

    def _check_dict(self, check: Check, lang: Lang, memo: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
        return self._node_dict(check, lang, lambda item: self.check_dict(item, lang, memo))

    def _node_dict(self, check: Check, lang: Lang, item: Callable[[Check], Any]) -> dict[str, Any]:
        """One condition as JSON, its items given by `item`: nested trees, or ids into the full document's
        `checks`."""
        out: dict[str, Any] = {"kind": check.kind, "result": _result(check.result),
                               "text": self._text(check, lang)}
        if check.kind == "field":
            question = self.questions[check.subject]
            out.update(field=check.subject, op=check.op, required=_jsonable(check.required),
                       value=_jsonable(check.actual), value_text=format_value(question, check.actual, lang))
            gap = self.gap_text(check, lang)
            if gap:
                out["gap"] = {"direction": check.gap.direction, "amount": check.gap.amount,  # type: ignore[union-attr]
                              "strict": check.gap.strict, "text": gap}  # type: ignore[union-attr]
        elif check.kind == "concept":
            concept = self.rulebase.concepts[check.subject]
            out.update(concept=check.subject, basis=concept.spec.basis.get(lang), items=[item(check.items[0])])
            out["source"] = self.concept_source(check.subject, lang)
        else:
            out["items"] = [item(each) for each in check.items]
        return out

    def _node_json(self, check: Check, lang: Lang) -> bytes:
        """One entry of the full document's `checks`, '"id":{...}' with its items by id. Kept by what it
        depends on (its condition, result and, for a test, the enterprise's value), so a condition met
        again under a finding the memo has not seen is not rendered again."""
        actual = check.actual
        key = ((check.node, check.result, lang, type(actual), actual) if check.kind == "field"
               else (check.node, check.result, lang))
        try:
            cached = self._nodes.get(key)
        except TypeError:  # a value that cannot be a key (none in this rule base): rendered, not kept
            key, cached = None, None
        if cached is None:
            cached = b'"%d":%b' % (check.node, orjson.dumps(self._node_dict(check, lang, _node_id)))
            if key is not None:
                if len(self._nodes) >= MAX_NODES:  # new numbers keep coming: start again
                    self._nodes.clear()
                self._nodes[key] = cached
        return cached

    def concept_source(self, concept_id: str, lang: Lang) -> dict[str, Any]:
        """Where a concept comes from: the plan's article and quote, or a public source."""
        spec = self.rulebase.concepts[concept_id].spec
        if spec.source:
            return self.source_dict(spec.source, lang)
        return {"kind": "plan", "article": spec.article, "quote": spec.quote}

    # --- catalog items ----------------------------------------------------------------------
    def basis_dict(self, basis: Basis, lang: Lang) -> dict[str, Any]:
        """Where a material or office comes from, as the user is told."""
        if basis.kind == "plan":
            return {"kind": "plan", "article": basis.article,
                    "text": message("basis_plan_text", lang, article=basis.article)}
        if basis.kind == "public":
            return self.source_dict(basis.source or "", lang)
        return {"kind": "common", "text": message("basis_common_text", lang)}

    def source_dict(self, source_id: str, lang: Lang) -> dict[str, Any]:
        """A public source with its confidence."""
        source = self.catalog.sources[source_id]
        return {"kind": "public", "id": source.id, "title": source.title, "title_en": source.title_en,
                "date": source.date,
                "confidence": source.confidence, "says": source.says.get(lang),
                "not_a_qingyang_rule": source.not_a_qingyang_rule,
                "text": message("basis_public_text", lang, confidence=source.confidence,
                                title=source.title_en if lang == "en" and source.title_en else source.title)}

    def office_dict(self, office_id: str, lang: Lang) -> dict[str, Any]:
        office = self.catalog.offices[office_id]
        found = {"id": office.id, "kind": office.kind, "name": office.name.get(lang),
                 "how": office.how.get(lang) if office.how else None, "basis": self.basis_dict(office.basis, lang)}
        if office.contact:  # only where a public page gives them (catalog/offices.yaml); else 96963
            found["contact"] = self.contact_dict(office, lang)
        return found

    def contact_dict(self, office: Office, lang: Lang) -> dict[str, Any]:
        """An office's address, hours and phone with the public page they come from."""
        contact = office.contact
        assert contact is not None
        source = self.catalog.sources[contact.source]
        return {"address": contact.address.get(lang) if contact.address else None,
                "hours": contact.hours.get(lang) if contact.hours else None, "phone": contact.phone,
                "source": {"id": source.id, "title": source.title, "title_en": source.title_en, "url": source.url,
                           "date": source.date}}

    def material_dict(self, material_id: str, lang: Lang) -> dict[str, Any]:
        material = self.catalog.materials[material_id]
        return {"id": material.id, "name": material.name.get(lang),
                "note": material.note.get(lang) if material.note else None,
                "basis": self.basis_dict(material.basis, lang)}

    def time_limit_dict(self, rule: Rule, lang: Lang) -> dict[str, Any] | None:
        """A rule's committed time limit, with the earlier one where the plan gives both."""
        limit = rule.spec.time_limit
        if limit is None:
            return None
        unit = message(f"unit_{limit.unit}", lang)
        text = message("limit_district_average" if limit.district_average else "limit_committed", lang,
                       n=format_number(limit.committed), unit=unit)
        if limit.before:
            text += message("limit_before", lang, before=format_number(limit.before), unit=unit)
        return {"committed": limit.committed, "before": limit.before, "unit": limit.unit,
                "district_average": limit.district_average, "text": text,
                "note": limit.note.get(lang) if limit.note else None}

    # --- findings and assessments ----------------------------------------------------------
    def finding_dict(self, finding: Finding, lang: Lang, as_of: date,
                     memo: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
        """One finding as JSON, with everything needed to show and act on it."""
        out = dict(self.rule_dict(finding.rule, lang))
        out.update(self._finding_dynamic(finding, lang, memo, as_of))
        return out

    def _finding_dynamic(self, finding: Finding, lang: Lang, memo: dict[int, dict[str, Any]] | None,
                         as_of: date) -> dict[str, Any]:
        """The parts of a finding that depend on the profile and the date."""
        return {
            "target_passed": target_passed(finding.rule, as_of),
            "nature_text": nature_text(finding.rule, as_of, lang),
            "status": finding.status,
            "status_text": message(f"status_label_{finding.status}", lang),
            "conditions": self.check_dict(finding.check, lang, memo),
            "missing": [self.question_ref(path, lang) for path in finding.missing],
            "failing": [self.failing_dict(check, lang) for check in finding.failing],
        }

    def _rule_static_json(self, finding: Finding, lang: Lang) -> bytes:
        """The static part of a finding encoded once: '{"id":...,"notes":[...]' without the closing brace."""
        key = (finding.rule.id, lang, finding.rule.spec.time_limit)
        cached = self._static_json.get(key)
        if cached is None:
            cached = self._static_json[key] = orjson.dumps(self.rule_dict(finding.rule, lang))[:-1]
        return cached

    def rule_dict(self, rule: Rule, lang: Lang) -> dict[str, Any]:
        """What a rule gives, where it stands in the plan and how to apply: the same for every profile
        (rendered once per language and time limit, which a parameter may change on a date; do not modify
        the returned dict)."""
        key = (rule.id, lang, rule.spec.time_limit)
        cached = self._static.get(key)
        if cached is not None:
            return cached
        spec = rule.spec
        article = self.catalog.articles[spec.article]
        out: dict[str, Any] = {
            "id": spec.id,
            "article": spec.article,
            "article_title": article.title.get(lang),
            "title": spec.title.get(lang),
            "title_zh": spec.title.zh,
            "title_en": spec.title.en,
            "kind": spec.kind,
            "nature": spec.nature,
            "target_by": spec.target_by.isoformat() if spec.target_by else None,
            "scope": spec.scope_name,
            "reviewed": spec.reviewed.isoformat() if spec.reviewed else None,
            "benefit": spec.benefit.get(lang),
            "time_limit": self.time_limit_dict(rule, lang),
            "quote": spec.quote,
            "handled_by": [self.office_dict(office, lang) for office in spec.handled_by],
            "channels": [self.office_dict(office, lang) for office in spec.channels],
            "materials": [self.material_dict(material, lang) for material in spec.materials],
            "public_facts": [self.source_dict(source, lang) for source in spec.public_facts],
            "notes": [note.get(lang) for note in spec.notes],
        }
        self._static[key] = out
        return out

    def failing_dict(self, check: Check, lang: Lang) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self._text(check, lang)}
        if check.kind == "field":
            out.update(field=check.subject, value=_jsonable(check.actual),
                       value_text=format_value(self.questions[check.subject], check.actual, lang),
                       required=_jsonable(check.required))
            gap = self.gap_text(check, lang)
            if gap:
                out["gap"] = {"direction": check.gap.direction, "amount": check.gap.amount,  # type: ignore[union-attr]
                              "strict": check.gap.strict, "text": gap}  # type: ignore[union-attr]
        else:
            out["concept"] = check.subject
        return out

    def question_ref(self, path: str, lang: Lang) -> dict[str, Any]:
        """A question as a finding refers to it: field path, label, help and the plan's term."""
        ref = self._refs.get((path, lang))
        if ref is None:
            question = self.questions[path]
            ref = self._refs[(path, lang)] = {"field": path, "label": question.label.get(lang),
                                              "help": question.help.get(lang) if question.help else None,
                                              "term": question.term}
        return ref

    def arrangement(self, assessment: Assessment, topics: Iterable[str] | None = None) -> Arrangement:
        """The findings arranged for the topics asked about (none: those whose questions were answered)."""
        chosen = arranger(self.rulebase)
        return chosen.arrange(chosen.items_of(assessment),
                              topics_in_play(topics or (), assessment.answers, self.rulebase.questions))

    def answer_dict(self, answer: Arrangement, lang: Lang) -> dict[str, Any]:
        """The document's `answer`: what applies for the topics, ranked; what "可以享受 (N)" counts."""
        return dict(answer.as_dict(), text=answer_heading(answer, lang))

    def assessment_dict(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None = None
                        ) -> dict[str, Any]:
        """The whole assessment with every finding self-contained (its provision's texts, its condition tree,
        its questions spelt out): what the pages, slips, records and `advisor assess --format json` read,
        and the API's expanded view. The API's full document (assessment_json) resolves to it
        (advisor.document.resolve; a test checks it on generated enterprises)."""
        memo: dict[int, dict[str, Any]] = {}
        document = self._document_head(assessment, lang, topics, "expanded")
        document["findings"] = [self.finding_dict(finding, lang, assessment.as_of, memo)
                                for finding in assessment.findings]
        return document

    def expanded_json(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None = None) -> bytes:
        """assessment_dict() encoded as UTF-8 JSON (the API's expanded view), the same document once parsed.

        Each finding's static part (texts, quote, offices, materials) is encoded once per rule and
        language, so a request only encodes what the profile changed.
        """
        memo: dict[int, dict[str, Any]] = {}
        as_of = assessment.as_of
        findings = b",".join(self._expanded_finding(finding, lang, as_of, memo) for finding in assessment.findings)
        head = self._document_head(assessment, lang, topics, "expanded")
        return orjson.dumps(head)[:-1] + b',"findings":[' + findings + b"]}"

    def _expanded_finding(self, finding: Finding, lang: Lang, as_of: date,
                          memo: dict[int, dict[str, Any]]) -> bytes:
        """One self-contained finding's JSON, rendered once for each language and date (findings are
        remembered and met again: memo.py)."""
        key = rendering_key("expanded", lang, as_of)
        rendered = finding.renderings.get(key)
        if rendered is None:
            rendered = (self._rule_static_json(finding, lang) + b","
                        + orjson.dumps(self._finding_dynamic(finding, lang, memo, as_of))[1:])
            _keep(finding, key, rendered)
        return rendered  # type: ignore[no-any-return]

    # --- the API's full document: the profile's part, the provisions' texts by reference -------------
    def assessment_json(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None = None) -> bytes:
        """The API's full document as UTF-8 JSON (its shape: advisor/document.py). What depends on the
        profile and the date, with its texts; each evaluated condition once in `checks`, referred to by
        id; the catalog's texts (provisions at GET /api/v1/provisions, questions at GET /api/v1/questions)
        referred to by id.

        The API's hot path: a finding's JSON and its conditions' are rendered once for each language and
        date (findings are remembered and met again: memo.py), so a request joins them and encodes the head.
        """
        as_of = assessment.as_of
        key = rendering_key("full", lang, as_of)
        rendered = kept_renderings(assessment.findings, key)
        if any_none(rendered):
            rendered = [kept or self._referenced_finding(finding, lang, as_of)
                        for kept, finding in zip(rendered, assessment.findings, strict=True)]
        checks: dict[int, bytes] = {}
        for _, nodes in rendered:
            checks.update(nodes)
        head = self._document_head(assessment, lang, topics, "full")
        head["texts"] = {"provisions": f"{PROVISIONS_PATH}?lang={lang}", "questions": QUESTIONS_PATH,
                         "rulebase_version": assessment.rulebase_version}
        head["status_texts"] = {status: message(f"status_label_{status}", lang) for status in STATUSES}
        return (orjson.dumps(head)[:-1] + b',"findings":[' + b",".join([finding for finding, _ in rendered])
                + b'],"checks":{' + b",".join(checks.values()) + b"}}")

    def _referenced_finding(self, finding: Finding, lang: Lang, as_of: date) -> tuple[bytes, dict[int, bytes]]:
        """One finding of the full document and the JSON of each condition under it, rendered once for
        each language and date (kept like the expanded view's)."""
        key = rendering_key("full", lang, as_of)
        rendered = finding.renderings.get(key)
        if rendered is None:
            nodes: dict[int, bytes] = {}
            stack = [finding.check]
            while stack:
                check = stack.pop()
                if check.node not in nodes:
                    nodes[check.node] = self._node_json(check, lang)
                    stack.extend(check.items)
            out: dict[str, Any] = {
                "id": finding.rule.id,
                "status": finding.status,
                "nature_text": nature_text(finding.rule, as_of, lang),
                "target_passed": target_passed(finding.rule, as_of),
                "conditions": _node_id(finding.check),
                "missing": finding.missing,
                "failing": [_node_id(check) for check in finding.failing],
            }
            limit = self.time_limit_dict(finding.rule, lang)
            if limit is not None:  # only commitments have one
                out["time_limit"] = limit
            rendered = (orjson.dumps(out), nodes)
            _keep(finding, key, rendered)
        return rendered  # type: ignore[no-any-return]

    def _compact_finding(self, finding: Finding, as_of: date) -> bytes:
        """One finding of the compact view as JSON (kept like _expanded_finding)."""
        key = rendering_key("compact", None, as_of)
        rendered = finding.renderings.get(key)
        if rendered is None:
            rendered = orjson.dumps(_compact(finding, target_passed(finding.rule, as_of)))
            _keep(finding, key, rendered)
        return rendered

    def _document_head(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None,
                       view: str) -> dict[str, Any]:
        """Everything of the full or expanded document but the findings (the full one refers to the
        questions to settle by field)."""
        counts = _counts(assessment)
        answer = self.arrangement(assessment, topics)
        settle = assessment.questions_to_settle()
        return {
            "rulebase_version": assessment.rulebase_version,
            "plan": plan_dict(assessment.as_of),
            "as_of": assessment.as_of.isoformat(),
            "lang": lang,
            "view": view,
            "counts": counts,
            "answer": self.answer_dict(answer, lang),
            "questions_to_settle": [
                dict(self.question_ref(path, lang), settles=rules) if view == "expanded"
                else {"field": path, "settles": rules}
                for path, rules in settle
            ],
            "checklist": [
                dict(self.material_dict(item.material, lang), needed_by=list(item.needed_by), when=item.when,
                     alternatives=[self.material_dict(other, lang) for other in item.alternatives])
                for item in build_checklist(self.rulebase.rules, self.catalog, answer)
            ],
            "inferred": [self.inferred_dict(item, lang) for item in assessment.inferred],
            "size_by_standard": self.size_dict(assessment.size_by_standard, lang),
            "warnings": [warning.as_dict(lang) for warning in assessment.warnings],
            "disclaimer": message("disclaimer", lang),
        }

    def size_dict(self, size: str | None, lang: Lang) -> dict[str, Any] | None:
        """The national standard's size for the answers, shown beside the declared one, never deciding."""
        if size is None:
            return None
        text = format_value(self.questions["enterprise.size"], size, lang)
        return {"size": size, "size_text": text, "decides": False,
                "text": message("size_by_standard", lang, size=text),
                "source": self.source_dict("sme-classification-2011", lang)}

    def inferred_dict(self, item: Inferred, lang: Lang) -> dict[str, Any]:
        """A question the other answers settle, shown as "由您的回答推知" and never asked."""
        concept = self.rulebase.concepts[item.concept].spec
        return dict(self.question_ref(item.field, lang), value=item.value,
                    value_text=format_value(self.questions[item.field], item.value, lang),
                    concept=item.concept, basis=concept.basis.get(lang),
                    text=message("inferred_label", lang))

    def compact_json(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None = None) -> bytes:
        """The assessment without texts, for systems that cache the provisions and questions (UTF-8 JSON).

        Each finding gives its status, the questions that would settle it and the failed tests with
        the enterprise's value and the smallest change; the texts (title, quote, offices, materials)
        of a provision are at /api/v1/provisions/{id} and of a question at /api/v1/questions.
        """
        as_of = assessment.as_of
        key = rendering_key("compact", None, as_of)
        rendered = kept_renderings(assessment.findings, key)
        if any_none(rendered):
            rendered = [kept or self._compact_finding(finding, as_of)
                        for kept, finding in zip(rendered, assessment.findings, strict=True)]
        findings = b",".join(rendered)
        counts = _counts(assessment)
        answer = self.arrangement(assessment, topics)
        head = {
            "rulebase_version": assessment.rulebase_version,
            "plan": plan_dict(as_of),
            "as_of": as_of.isoformat(),
            "lang": lang,
            "view": "compact",
            "counts": counts,
            "answer": self.answer_dict(answer, lang),
            "questions_to_settle": [{"field": path, "settles": rules}
                                    for path, rules in assessment.questions_to_settle()],
            "checklist": [{"material": item.material, "needed_by": list(item.needed_by), "when": item.when}
                          for item in build_checklist(self.rulebase.rules, self.catalog, answer)],
            "inferred": [{"field": item.field, "value": item.value} for item in assessment.inferred],
            "size_by_standard": assessment.size_by_standard,
            "warnings": [warning.as_dict(lang) for warning in assessment.warnings],
            "disclaimer": message("disclaimer", lang),
        }
        return orjson.dumps(head)[:-1] + b',"findings":[' + findings + b"]}"

    def compact_dict(self, assessment: Assessment, lang: Lang, topics: Iterable[str] | None = None
                     ) -> dict[str, Any]:
        """compact_json() as a dict."""
        return orjson.loads(self.compact_json(assessment, lang, topics))  # type: ignore[no-any-return]


def _counts(assessment: Assessment) -> dict[str, int]:
    statuses = list(map(_STATUS, assessment.findings))
    return {status: statuses.count(status) for status in STATUSES}


def _keep(finding: Finding, key: str, rendered: Any) -> None:
    if len(finding.renderings) >= MAX_RENDERINGS:
        finding.renderings.clear()
    finding.renderings[key] = rendered


def _compact(finding: Finding, passed: bool) -> dict[str, Any]:
    spec = finding.rule.spec
    out: dict[str, Any] = {"id": finding.rule.id, "status": finding.status, "article": spec.article,
                           "nature": spec.nature, "target_by": spec.target_by.isoformat() if spec.target_by else None,
                           "target_passed": passed, "scope": spec.scope_name}
    if finding.missing:
        out["missing"] = list(finding.missing)
    if finding.failing:
        out["failing"] = [_failing_compact(check) for check in finding.failing]
    return out


def _failing_compact(check: Check) -> dict[str, Any]:
    if check.kind != "field":
        return {"concept": check.subject}
    out: dict[str, Any] = {"field": check.subject, "op": check.op, "required": _jsonable(check.required),
                           "value": check.actual}
    if check.gap is not None:
        out["gap"] = {"direction": check.gap.direction, "amount": check.gap.amount, "strict": check.gap.strict}
    return out


def _node_id(check: Check) -> str:
    return str(check.node)


def _result(value: bool | None) -> str:
    return "met" if value else ("unknown" if value is None else "failed")


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
