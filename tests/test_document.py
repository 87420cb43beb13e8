"""The API's full document names its texts by reference; joined with them it is the expanded document."""

import json
from datetime import date

import pytest

from advisor.assess import Advisor
from advisor.catalog_texts import catalog_texts
from advisor.document import resolve
from advisor.present import Presenter
from advisor.synth import ProfileFactory


def _bodies(presenter: Presenter) -> tuple[dict, dict]:
    """GET /api/v1/provisions (both languages) and GET /api/v1/questions as the routes serve them."""
    texts = catalog_texts(presenter)
    return dict(texts.provisions), dict(texts.questions)


@pytest.mark.parametrize("as_of", [date(2020, 12, 1), date(2026, 11, 28)])
def test_the_full_document_resolves_to_the_expanded_one(advisor: Advisor, presenter: Presenter,
                                                         as_of: date) -> None:
    provisions, questions = _bodies(presenter)
    for raw in ProfileFactory(advisor.rulebase, seed=11).profiles(150):
        assessment = advisor.assess_data(raw, as_of)
        for lang in ("zh", "en"):
            expanded = json.loads(json.dumps(presenter.assessment_dict(assessment, lang)))
            assert json.loads(presenter.expanded_json(assessment, lang)) == expanded
            full = json.loads(presenter.assessment_json(assessment, lang))
            assert resolve(full, provisions[lang], questions) == expanded, raw


def test_every_reference_names_something_in_its_document(advisor: Advisor, presenter: Presenter) -> None:
    for raw in ProfileFactory(advisor.rulebase, seed=12).profiles(50):
        full = json.loads(presenter.assessment_json(advisor.assess_data(raw), "zh"))
        checks = full["checks"]
        named = {finding["conditions"] for finding in full["findings"]}
        named |= {ident for finding in full["findings"] for ident in finding["failing"]}
        named |= {item for node in checks.values() for item in node.get("items", [])}
        assert named <= set(checks)
        # nothing in `checks` that no finding reaches: the document holds each condition it uses, once
        reached, stack = set(), [finding["conditions"] for finding in full["findings"]]
        while stack:
            ident = stack.pop()
            if ident not in reached:
                reached.add(ident)
                stack.extend(checks[ident].get("items", []))
        assert reached == set(checks)
