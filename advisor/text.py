"""Bilingual text: every user-facing string carries Chinese first, English too."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

Lang = Literal["zh", "en"]


class Text(BaseModel):
    """A string in Chinese and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.zh if lang == "zh" else self.en

