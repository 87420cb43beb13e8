"""Shared pieces of the storage tests: an engine at head and an assessed consultation."""

from typing import Any

from advisor.assess import Advisor
from advisor.present import Presenter

WAREHOUSE: dict[str, Any] = {
    "enterprise": {"in_qingyang": True, "size": "small", "ownership": "private", "credit_code": "91350100M000100Y43"},
    "project": {"in_qingyang": True, "has_project": True, "funding": "enterprise", "type": "warehouse",
                "low_risk": True, "floor_area_m2": 1200, "small_scale": True},
}


def snapshots(advisor: Advisor, presenter: Presenter, profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The assessment document of `profile` in both languages."""
    assessment = advisor.assess_data(profile)
    return {lang: presenter.assessment_dict(assessment, lang) for lang in ("zh", "en")}
