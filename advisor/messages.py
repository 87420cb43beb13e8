"""The one message catalog: every fixed string of the product, in Chinese and English.

catalog/messages.yaml holds the words; code names them by key: `message("disclaimer", lang)`,
`message_text("field_int")` for both languages at once, `translator(lang)` for templates (`t(key)`).
Texts about the plan itself (rules, questions, offices, materials, sources) live with the rule base
and the rest of the catalog. Placeholders are str.format fields; `en_one` is the English for n == 1;
an article id `a` (（四）) is also given as `n`, the number English readers use ("Article 4").
"""

from collections.abc import Callable
from functools import cache

from pydantic import BaseModel, ConfigDict, RootModel

from .catalog import article_number
from .datafile import load_model
from .paths import CATALOG_DIR
from .text import Lang, Text


class Message(BaseModel):
    """One string in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str
    en_one: str | None = None  # the English when n == 1 ("1 year", not "1 years")


class MessageCatalog(RootModel[dict[str, Message]]):
    """Every message by key."""


@cache
def load_messages() -> dict[str, Message]:
    """catalog/messages.yaml (cached)."""
    return load_model(CATALOG_DIR / "messages.yaml", MessageCatalog).root


def message(key: str, lang: Lang, **values: object) -> str:
    """The message in `lang`, its placeholders filled."""
    entry = load_messages()[key]
    text = entry.zh if lang == "zh" else (entry.en_one if entry.en_one and values.get("n") == 1 else entry.en)
    if "a" in values and "n" not in values:
        values["n"] = article_number(str(values["a"]))
    return text.format(**values) if values else text


def message_text(key: str, **values: object) -> Text:
    """The message in both languages (for what is stored or answered in either: a field's problem)."""
    return Text(zh=message(key, "zh", **values), en=message(key, "en", **values))


def message_both(key: str, **values: object) -> str:
    """Chinese and English together ("没有这条咨询记录 / no such consultation"): for answers that cannot
    know the reader's language (a command's prompt, a refusal before the page's language is known)."""
    return f"{message(key, 'zh', **values)} / {message(key, 'en', **values)}"


def translator(lang: Lang) -> Callable[..., str]:
    """t(key, **values): the message in `lang`, for templates."""

    def t(key: str, **values: object) -> str:
        return message(key, lang, **values)

    return t
