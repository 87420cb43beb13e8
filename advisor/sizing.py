"""Enterprise size by the national standard (工信部联企业〔2011〕300号), from sector, employees, revenue
and total assets.

The standard is a public source outside the plan: the size it gives is shown beside the declared one,
with a warning when they differ, and never decides (the declared size does). Its lines are data in
catalog/sme_standard.yaml.
"""

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .datafile import load_model
from .paths import CATALOG_DIR

Measure = Literal["employees", "revenue", "assets"]
Size = Literal["large", "medium", "small", "micro"]
# The profile field holding each measure.
MEASURE_FIELDS: dict[str, str] = {"employees": "enterprise.employees", "revenue": "enterprise.revenue_10k_yuan",
                                  "assets": "enterprise.assets_10k_yuan"}
SECTOR_FIELD = "enterprise.size_sector"


class Sector(BaseModel):
    """One sector's lines: SME below `sme_below` in either measure; medium or small at or above both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    zh: str
    en: str
    measures: tuple[Measure, ...]
    sme_below: dict[Measure, float]
    medium: dict[Measure, float]
    small: dict[Measure, float]


class Standard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    sectors: tuple[Sector, ...]


@cache
def load_standard() -> Standard:
    """The standard's lines (cached)."""
    return load_model(CATALOG_DIR / "sme_standard.yaml", Standard)


def classify(sector: Sector, values: dict[str, float]) -> Size:
    """The size the standard gives for the sector's measures (all present in `values`)."""
    mine = {measure: values[measure] for measure in sector.measures}
    if not any(mine[m] < sector.sme_below[m] for m in sector.measures):
        return "large"
    if all(mine[m] >= sector.medium[m] for m in sector.measures):
        return "medium"
    if all(mine[m] >= sector.small[m] for m in sector.measures):
        return "small"
    return "micro"


def size_by_standard(answers: dict[str, Any]) -> Size | None:
    """The standard's size for flat answers, or None when the sector or one of its measures is unanswered."""
    sector_id = answers.get(SECTOR_FIELD)
    if sector_id is None:
        return None
    sector = next(s for s in load_standard().sectors if s.id == sector_id)
    values = {measure: answers.get(MEASURE_FIELDS[measure]) for measure in sector.measures}
    if any(value is None for value in values.values()):
        return None
    return classify(sector, values)  # type: ignore[arg-type]
