"""What the window's forms read: a stored profile as form answers, a day as clerks type it."""

import re
import unicodedata
from datetime import date
from typing import Any

# 2026-12-03, 2026/12/3, 2026.12.3, 2026年12月3日, 20261203 (full-width digits are read too).
_DAY = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))$")


def form_values(profile: dict[str, Any]) -> dict[str, str]:
    """A profile as form values (SECTION.FIELD -> string), to refill the form after an error."""
    values = {}
    for section, fields in profile.items():
        if isinstance(fields, dict):
            for field, value in fields.items():
                values[f"{section}.{field}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return values


def parse_day(text: str) -> date:
    """A day as people type it (2026-12-03, 2026/12/3, 2026年12月3日, 20261203); ValueError otherwise.

    The date fields are text fields with a hint in the page's language: a browser's date picker
    speaks the browser's language, not the page's."""
    found = _DAY.match(unicodedata.normalize("NFKC", text).strip())
    if not found:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = found.group(1), found.group(2) or found.group(4), found.group(3) or found.group(5)
    return date(int(year), int(month), int(day))
