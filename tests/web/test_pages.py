"""The pages over HTTP without a browser: the no-JavaScript flow, saved links, JSON download, plan browser."""

import httpx
import pytest

pytestmark = pytest.mark.anyio
WAREHOUSE_QUERY = ("topic=project&project.in_qingyang=true&project.funding=enterprise&project.type=warehouse"
                   "&project.low_risk=true&project.floor_area_m2=1%2C200")


async def test_topics_select_the_sections_of_the_form(client: httpx.AsyncClient) -> None:
    form = (await client.get("/check", params={"topic": "ip"})).text
    assert 'id="s-ip"' in form and 'id="s-enterprise"' in form
    assert 'id="s-project"' not in form
    assert 'value="" checked' in form  # an unanswered yes/no question starts as "not sure"


async def test_the_results_link_reproduces_the_results(client: httpx.AsyncClient) -> None:
    first = (await client.get(f"/results?{WAREHOUSE_QUERY}")).text
    assert 'data-rule="joint-acceptance-small-industrial"' in first.split('id="g-undetermined"')[0]
    again = (await client.get(f"/results?{WAREHOUSE_QUERY}")).text
    assert again == first
    english = (await client.get(f"/results?{WAREHOUSE_QUERY}&lang=en")).text
    assert "Eligible" in english and 'lang="en"' in english


async def test_json_download_is_the_api_document(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/results.json?{WAREHOUSE_QUERY}")
    assert response.headers["content-disposition"].startswith("attachment")
    statuses = {f["id"]: f["status"] for f in response.json()["findings"]}
    assert statuses["joint-acceptance-small-industrial"] == "eligible"


async def test_wrong_values_come_back_at_their_fields_in_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/results", params={"project.floor_area_m2": "abc", "project.type": "warehouse",
                                                    "lang": "en"})
    assert response.status_code == 422
    page = response.text
    assert 'href="#f-project-floor_area_m2"' in page
    assert '<p class="error-message" id="f-project-floor_area_m2-error">must be a number</p>' in page
    assert 'value="warehouse" selected' in page


async def test_plan_browser_shows_articles_and_their_rules(client: httpx.AsyncClient) -> None:
    page = (await client.get("/provisions")).text
    assert "（四）" in page and 'id="rule-joint-acceptance-small-industrial"' in page


async def test_pages_load_nothing_from_other_hosts(client: httpx.AsyncClient) -> None:
    for url in ("/", "/check?topic=project", f"/results?{WAREHOUSE_QUERY}", "/provisions"):
        page = (await client.get(url)).text
        assert "http://" not in page.replace('value="http://test/', "") and "https://" not in page
