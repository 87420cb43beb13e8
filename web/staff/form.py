"""A stored profile as the stepped form's answers, so a record can be re-assessed with more answers."""

from typing import Any


def form_values(profile: dict[str, Any]) -> dict[str, str]:
    """A profile as form values (SECTION.FIELD -> string), to refill the form after an error."""
    values = {}
    for section, fields in profile.items():
        if isinstance(fields, dict):
            for field, value in fields.items():
                values[f"{section}.{field}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return values
