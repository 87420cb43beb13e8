"""Cell values as they are typed in China, converted to the profile's types.

- Numbers: 1200, 1,200, 1，200, full-width １２００, 1200㎡ / 1200平方米 / 30米 / 3栋 (the unit is
  dropped), 1.2万 (= 12000), 0.5亿. A number of more than MAX_DIGITS characters is refused.
- Yes / no: 是 / 否, 有 / 无, √ / ×, 对 / 不是, true / false, yes / no, y / n, 1 / 0.
- Enums: the value (small), the Chinese label (小型) or the English label (Small).
A value that does not fit gives a Problem naming what is allowed (Chinese labels for enums);
the profile model then checks ranges (e.g. an area below 0).
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..questions import Question
from .errors import echo

MAX_DIGITS = 15  # longer "numbers" are refused before int() or Decimal() sees them (no field needs more)
MAX_TEXT = 200  # a profile cell longer than this is not a value of any field

# Excel writes TRUE / FALSE into CSV; Python writes True / False: both found before any normalising.
_TRUE = {"true", "t", "yes", "y", "1", "是", "有", "对", "是的", "√", "✓", "✔", "☑", "TRUE", "True"}
_FALSE = {"false", "f", "no", "n", "0", "否", "无", "不是", "没有", "×", "✗", "✘", "☐", "FALSE", "False"}
_UNIT = re.compile(r"(平方米|平米|m2|m²|米|m|栋|幢|座|件|个|项|毫米|mm|人|元)$")
_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}

Problem = tuple[str, str]  # (zh, en)


def _plain(text: str) -> str:
    """NFKC (full-width digits and commas to ASCII, ㎡ to m2), no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class Unfit:
    """A cell that cannot be a value of its field: why, in Chinese and English."""

    __slots__ = ("problem",)

    def __init__(self, zh: str, en: str) -> None:
        self.problem: Problem = (zh, en)


def to_bool(text: str) -> bool | Unfit:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    low = _plain(text).lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return Unfit(f"应为“是”或“否”（也可填 有/无、√/×、1/0），实际为 {echo(text)}",
                 f"must be yes or no (also 是/否, 有/无, √/×, 1/0), got {echo(text)}")


def to_number(text: str, integer: bool) -> int | float | Unfit:
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:
        return int(text)  # the common case, without the spellings below
    plain = _plain(text).lower().replace(",", "")
    if plain.startswith("dn"):
        plain = plain[2:]
    plain = _UNIT.sub("", plain)
    scale = Decimal(1)
    if plain[-1:] in _SCALE:
        scale, plain = _SCALE[plain[-1]], plain[:-1]
    if len(plain) > MAX_DIGITS:
        return Unfit(f"数字过长（超过{MAX_DIGITS}位）", f"the number is too long (over {MAX_DIGITS} characters)")
    try:
        value = Decimal(plain) * scale
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        kind_zh, kind_en = ("整数", "a whole number") if integer else ("数字", "a number")
        return Unfit(f"应为{kind_zh}，实际为 {echo(text)}", f"must be {kind_en}, got {echo(text)}")
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # an integer field says "must be a whole number" (the profile model)


class EnumLabels:
    """An enum field's accepted spellings, and the error that lists its Chinese labels."""

    __slots__ = ("by_text", "en", "zh")

    def __init__(self, question: Question) -> None:
        self.by_text: dict[str, str] = {}
        for option in question.options:
            for spelling in (option.value, option.zh, option.en):
                self.by_text[_plain(spelling).lower()] = option.value
        self.zh = "、".join(option.zh for option in question.options)
        self.en = ", ".join(f"{option.en} ({option.value})" for option in question.options)

    def convert(self, text: str) -> str | Unfit:
        value = self.by_text.get(text) or self.by_text.get(_plain(text).lower())
        if value is not None:
            return value
        return Unfit(f"不是可选的值 {echo(text)}，可选：{self.zh}", f"{echo(text)} is not one of: {self.en}")


def convert(question: Question, enum: EnumLabels | None, value: Any) -> Any:
    """A cell as its field's type, or Unfit. Non-text cells (XLSX, JSON) pass to the profile model."""
    if value.__class__ is not str:
        return value
    text = value.strip()
    if len(text) > MAX_TEXT:
        return Unfit(f"内容过长（超过{MAX_TEXT}字）", f"the value is too long (over {MAX_TEXT} characters)")
    kind = question.type
    if kind == "bool":
        return to_bool(text)
    if kind in ("integer", "number"):
        return to_number(text, kind == "integer")
    if enum is not None:
        return enum.convert(text)
    return text
