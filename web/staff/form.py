"""The consultation form: the profile questions from the catalog plus the applicant's details."""

from typing import Any

from starlette.datastructures import FormData

from advisor.questions import QuestionCatalog, load_questions


def form_sections(catalog: QuestionCatalog | None = None) -> list[dict[str, Any]]:
    """The sections and questions as the template draws them (name = SECTION.FIELD)."""
    catalog = catalog or load_questions()
    return [{"id": section.id, "label": section.label, "fields": section.fields} for section in catalog.sections]


def profile_from_form(form: FormData, catalog: QuestionCatalog | None = None) -> dict[str, Any]:
    """The raw profile from a posted form; a blank answer is left out (unknown, never "no").

    Values stay strings: the Profile model converts and validates them and names each bad field.
    """
    catalog = catalog or load_questions()
    profile: dict[str, dict[str, Any]] = {}
    for path, question in catalog.by_path.items():
        raw = form.get(path)
        if not isinstance(raw, str) or not raw.strip():
            continue
        value: Any = raw.strip()
        if question.type == "bool":
            value = {"true": True, "false": False}.get(value, value)
        profile.setdefault(question.section, {})[question.id] = value
    return profile


def form_values(profile: dict[str, Any]) -> dict[str, str]:
    """A profile as form values (SECTION.FIELD -> string), to refill the form after an error."""
    values = {}
    for section, fields in profile.items():
        if isinstance(fields, dict):
            for field, value in fields.items():
                values[f"{section}.{field}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return values
