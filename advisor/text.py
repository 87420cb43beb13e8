"""Bilingual text: every user-facing string carries Chinese first, English too."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Text(BaseModel):
    """A string in Chinese and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.zh if lang == "zh" else self.en



_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9])|(?<=[0-9])\s+(?=[\u4e00-\u9fff])")


def tidy_cjk(text: str) -> str:
    """The plan's text without the spaces its PDF left between Chinese characters ("在税 务" -> "在税务")."""
    return _CJK_GAP.sub("", text)
