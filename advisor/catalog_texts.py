"""The catalog as the API serves it — GET /api/v1/provisions and GET /api/v1/questions — and the texts a full
document refers to (advisor.document), kept with a consultation's advice (advisor.storage)."""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson

from .document import Advice, CatalogTexts
from .findings import Assessment
from .present import Presenter
from .questions import Question
from .rulebase import Rule, RuleBase, fields_used
from .text import LANGS, Lang


def provisions_body(presenter: Presenter, lang: Lang, article: str | None = None) -> dict[str, Any]:
    """Every provision (or those of one article) with what it gives, where it stands in the plan, how to
    apply, its theme and the profile fields its conditions read."""
    rulebase = presenter.rulebase
    fields = _fields_by_rule(rulebase)
    return {"rulebase_version": rulebase.version,
            "provisions": [provision_dict(presenter, rule, lang, fields.get(rule.id, []))
                           for rule in rulebase.rules.values() if article is None or rule.spec.article == article]}


def provision_dict(presenter: Presenter, rule: Rule, lang: Lang, fields: list[str] | None = None) -> dict[str, Any]:
    """One provision as the catalog shows it (`fields`: those its conditions read; default: found)."""
    if fields is None:
        fields = _fields_by_rule(presenter.rulebase).get(rule.id, [])
    return dict(presenter.rule_dict(rule, lang), theme=rule.theme, fields=fields)


def _fields_by_rule(rulebase: RuleBase) -> dict[str, list[str]]:
    by_rule: dict[str, list[str]] = {}
    for path, rules in fields_used(rulebase).items():
        for rule_id in rules:
            by_rule.setdefault(rule_id, []).append(path)
    return {rule_id: sorted(paths) for rule_id, paths in by_rule.items()}


def questions_body(rulebase: RuleBase) -> dict[str, Any]:
    """Every profile field with what a form needs in both languages, and the topics and sections."""
    catalog = rulebase.questions
    used = fields_used(rulebase)
    return {
        "topics": [{"id": t.id, "label": t.label.model_dump(), "sections": list(t.sections)} for t in catalog.topics],
        "sections": [{"id": s.id, "label": s.label.model_dump()} for s in catalog.sections],
        "questions": [_question_dict(q, used.get(q.path, set())) for s in catalog.sections for q in s.fields],
    }


def _question_dict(question: Question, affects: set[str]) -> dict[str, Any]:
    """A profile field with everything a form needs, in both languages."""
    return {
        "field": question.path, "section": question.section, "type": question.type,
        "label": question.label.model_dump(), "help": question.help.model_dump() if question.help else None,
        "unit": question.unit.model_dump() if question.unit else None, "term": question.term,
        "min": question.min, "max": question.max,
        "options": [option.model_dump() for option in question.options],
        "affects": sorted(affects),
    }



@lru_cache(maxsize=8)
def catalog_texts(presenter: Presenter) -> CatalogTexts:
    """The texts a presenter's full documents refer to, in both languages (built once a presenter)."""
    return CatalogTexts(provisions={lang: provisions_body(presenter, lang) for lang in LANGS},
                        questions=questions_body(presenter.rulebase))


def advice(presenter: Presenter, assessment: Assessment, topics: Iterable[str] | None = None) -> Advice:
    """The assessment's full documents in both languages with the texts they refer to, as a consultation
    keeps them (advisor.storage)."""
    return Advice({lang: orjson.loads(presenter.assessment_json(assessment, lang, topics)) for lang in LANGS},
                  catalog_texts(presenter))
