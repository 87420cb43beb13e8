"""What goes wrong with a registry file as a whole, and how much of the input an error may echo.

An error message quotes at most ECHO_CHARS characters of any one input value and names at most
ECHO_ITEMS items (columns, values), then says how many more: a 53 MB header of unknown columns
gets a one-line answer, not a copy of itself.
"""

from collections.abc import Iterable

ECHO_CHARS = 40
ECHO_ITEMS = 10


class BatchInputError(ValueError):
    """The registry file cannot be screened at all (unreadable, duplicate columns, over a limit)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh or en

    def message(self, lang: str) -> str:
        """The reason in the user's language (zh or en)."""
        return self.zh if lang == "zh" else str(self)


def echo(value: object) -> str:
    """An input value as an error message quotes it: repr-quoted, cut to ECHO_CHARS characters."""
    text = str(value)
    if len(text) > ECHO_CHARS:
        text = text[:ECHO_CHARS] + "…"
    return repr(text.encode("utf-8", "replace").decode("utf-8"))  # a lone surrogate must not break the message


def echo_list(values: Iterable[object], lang: str) -> str:
    """Up to ECHO_ITEMS values, echoed and joined, then 'and N more'."""
    items = list(values)
    shown = ", ".join(echo(item) for item in items[:ECHO_ITEMS])
    rest = len(items) - ECHO_ITEMS
    if rest > 0:
        shown += f" 等另外{rest:,}个" if lang == "zh" else f" and {rest:,} more"
    return shown
