"""The window clerk's walk of issue 19 in real Chromium, at 390 and 1280 px, in Chinese and English: a
walk-in's self-check imported and saved; the record, its list line and its printed slip say "可以享受 (N)"
with the same N as the walk-in's screen, the slip's A4 pages never hold a line or two, axe-core finds
nothing serious."""

from urllib.parse import urlencode

import httpx
import pytest

from tests.browser import VIEWPORTS, launch, needs_chromium, pdf_page_lines, screenshot, serious_violations
from tests.staff.conftest import PASSWORD
from tests.walkins import WALK_INS

pytestmark = needs_chromium


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_clerks_record_and_slip_count_what_the_walk_in_saw(browser, server_url: str, database: str,
                                                              lang: str, viewport: str) -> None:  # type: ignore[no-untyped-def]
    walk_in = WALK_INS[0]
    seen = httpx.get(f"{server_url}/results.json?{walk_in.query()}").json()["answer"]["eligible"]
    context = browser.new_context(base_url=server_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto("/staff/login")
    page.fill("input[name=name]", "wang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/consultations")
    suffix = "&lang=en" if lang == "en" else ""
    page.goto("/staff/consultations/new/import?" + urlencode({"source": f"/results?{walk_in.query()}"}) + suffix)
    page.locator("#a-applicant_name").fill("成都浏览器测试仓储有限公司")
    page.locator("form[action='/staff/consultations'] button[type=submit]").click()
    page.wait_for_url("**/staff/consultations/*")
    record = page.url.split("?")[0]
    problems = [f"record: {v}" for v in serious_violations(page)]
    assert int(page.locator("#s-eligible").get_attribute("data-eligible")) == seen
    assert page.locator("#s-eligible + ol > li").count() == seen
    screenshot(page, f"walk-clerk-{lang}-{viewport}-record")
    page.goto(record + "/slip" + ("?lang=en" if lang == "en" else ""))
    slip = page.locator("article.slip")
    assert int(slip.locator("#s-eligible").get_attribute("data-eligible")) == seen
    problems += [f"slip: {v}" for v in serious_violations(page)]
    screenshot(page, f"walk-clerk-{lang}-{viewport}-slip")
    lines = pdf_page_lines(page)
    assert len(lines) <= 2 and min(lines) > 3, lines
    page.goto("/staff/consultations" + ("?lang=en" if lang == "en" else ""))
    row = page.locator("tr", has=page.locator(f'a[href^="/staff/consultations/{record.rsplit("/", 1)[1]}"]'))
    assert f"{seen} /" in row.inner_text()  # the list's 可享受 column counts the same
    context.close()
    assert not problems, "\n".join(problems)
