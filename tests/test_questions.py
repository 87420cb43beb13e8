"""Every question in catalog/questions.yaml is fully labelled in Chinese and English."""

import pytest

from advisor.questions import Question, load_questions

QUESTIONS = load_questions().by_path


def _filled(text: object) -> bool:
    return isinstance(text, str) and text.strip() != ""


def test_the_catalog_has_questions() -> None:
    assert QUESTIONS


@pytest.mark.parametrize("path", sorted(QUESTIONS))
def test_every_question_has_a_label_and_help_in_both_languages(path: str) -> None:
    question: Question = QUESTIONS[path]
    assert _filled(question.label.zh), f"{path}: empty zh label"
    assert _filled(question.label.en), f"{path}: empty en label"
    assert question.help is not None, f"{path}: no help text"
    assert _filled(question.help.zh), f"{path}: empty zh help"
    assert _filled(question.help.en), f"{path}: empty en help"


@pytest.mark.parametrize("path", sorted(p for p, q in QUESTIONS.items() if q.type in ("integer", "number")))
def test_every_number_question_has_a_unit_in_both_languages(path: str) -> None:
    unit = QUESTIONS[path].unit
    assert unit is not None, f"{path}: no unit"
    assert _filled(unit.zh) and _filled(unit.en), f"{path}: unit incomplete"


@pytest.mark.parametrize("path", sorted(p for p, q in QUESTIONS.items() if q.type == "enum"))
def test_every_enum_option_has_labels_in_both_languages(path: str) -> None:
    options = QUESTIONS[path].options
    assert options, f"{path}: enum without options"
    for option in options:
        assert _filled(option.zh), f"{path}={option.value}: empty zh label"
        assert _filled(option.en), f"{path}={option.value}: empty en label"
