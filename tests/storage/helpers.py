"""Shared pieces of the storage tests: an engine at head and an assessed consultation."""

from typing import Any

from advisor.assess import Advisor
from advisor.catalog_texts import advice
from advisor.document import Advice
from advisor.present import Presenter

WAREHOUSE: dict[str, Any] = {
    "enterprise": {"in_qingyang": True, "size": "small", "ownership": "private", "credit_code": "91350100M000100Y43"},
    "project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                "low_risk": True, "floor_area_m2": 1200, "small_scale": True},
}


def snapshots(advisor: Advisor, presenter: Presenter, profile: dict[str, Any]) -> Advice:
    """The advice on `profile` as a consultation keeps it: full documents in both languages, and texts."""
    return advice(presenter, advisor.assess_data(profile))
