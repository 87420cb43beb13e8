"""The API carries the plan's currency as fields, in every view."""

import httpx
import pytest

from web.api.models import AssessmentDocument, CompactAssessmentDocument, ExpandedAssessmentDocument

from .conftest import expand

pytestmark = pytest.mark.anyio
START_UP = {"enterprise": {"in_qingyang": True}, "registration": {"starting_company": True}}


async def test_every_view_carries_the_plan_and_each_findings_nature(client: httpx.AsyncClient) -> None:
    for view, model in (("full", AssessmentDocument), ("expanded", ExpandedAssessmentDocument),
                        ("compact", CompactAssessmentDocument)):
        response = await client.post("/api/v1/assessments",
                                     json={"profile": START_UP, "as_of": "2026-11-28", "view": view, "lang": "en"})
        assert response.status_code == 200, response.text
        document = response.json()
        model.model_validate(document)
        if view == "full":  # the provision's nature and scope are the catalog's, by id
            document = await expand(client, document)
        plan = document["plan"]
        assert plan["id"] == "青委办字〔2020〕55号" and plan["in_force_from"] == "2020-11-23"
        assert plan["age_years"] == 6 and "Later business-environment plans" in plan["notice"]["en"]
        start = next(f for f in document["findings"] if f["id"] == "startup-half-working-day")
        assert start["nature"] == "target" and start["target_by"] == "2020-12-31" and start["target_passed"] is True
        assert start["scope"] == "enterprise_in_qingyang"


async def test_in_december_2020_the_target_is_live(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/assessments", json={"profile": START_UP, "as_of": "2020-12-01"})
    start = next(f for f in response.json()["findings"] if f["id"] == "startup-half-working-day")
    assert start["target_passed"] is False and start["nature_text"] == "方案目标（2020年底前）"
