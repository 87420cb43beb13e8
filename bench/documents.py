"""The size of the warehouse's assessment document in each view and language, raw and gzipped."""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from advisor.assess import Advisor
from advisor.present import Presenter

WAREHOUSE = Path(__file__).resolve().parents[1] / "examples" / "warehouse-1200.json"


@dataclass(frozen=True)
class DocumentSize:
    """One view of the warehouse's document in one language: bytes as sent and gzipped (level 6)."""

    view: str
    lang: str
    size: int
    gzipped: int


def measure() -> list[DocumentSize]:
    """The full, expanded and compact documents of examples/warehouse-1200.json, zh and en."""
    advisor = Advisor()
    presenter = Presenter(advisor.rulebase)
    assessment = advisor.assess_data(json.loads(WAREHOUSE.read_text(encoding="utf-8")))
    renders = {"full": presenter.assessment_json, "expanded": presenter.expanded_json,
               "compact": presenter.compact_json}
    return [DocumentSize(view, lang, len(body), len(gzip.compress(body)))
            for view, render in renders.items() for lang in ("zh", "en")
            for body in [render(assessment, lang)]]
