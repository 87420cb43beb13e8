"""The walkthrough in a real headless Chromium against `advisor serve`, in Chinese and English."""

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not installed; "
                                "`make test` installs it through scripts/system-deps")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


def test_newcomer_checks_a_warehouse_and_prints_the_slip(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("建设或投资项目").check()
    page.get_by_role("button", name="下一步：填写情况").click()
    page.wait_for_url("**/check?**")
    page.get_by_role("group", name="企业注册或经营地在青羊区吗？").get_by_label("是", exact=True).check()
    page.get_by_role("group", name="项目建设地点在青羊区吗？").get_by_label("是", exact=True).check()
    page.get_by_label("项目投资主体", exact=True).select_option("enterprise")
    page.get_by_label("项目类型", exact=True).select_option("warehouse")
    page.get_by_role("group", name="审批部门给出的风险分类是低风险（含简易低风险）吗？", exact=True).get_by_label(
        "是", exact=True).check()
    page.get_by_label("总建筑面积", exact=True).fill("1200")
    page.get_by_role("button", name="查看结果").click()
    page.wait_for_url("**/results?**")

    eligible = page.locator("section.group.eligible")
    card = eligible.locator('[data-rule="joint-acceptance-small-industrial"]')
    assert card.is_visible()
    assert "1500平方米以下的低风险社会投资小型仓库" in card.locator("blockquote").inner_text()
    assert "方案第（四）条" in card.inner_text()

    page.get_by_role("link", name="English").click()
    card = page.locator('section.group.eligible [data-rule="joint-acceptance-small-industrial"]')
    assert "acceptance and registration together" in card.locator("h3").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="Print the advice slip").click()
    page.wait_for_url("**view=print**")
    assert page.locator(".slip-head").is_visible()
    assert page.locator("section.group.undetermined").is_hidden()
    assert "not an administrative decision" in page.locator(".disclaimer").inner_text()
    assert page.locator(".checklist li").count() >= 1
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()


def test_a_wrong_value_is_shown_at_its_field_and_other_answers_are_kept(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/check?topic=project")
    page.get_by_label("项目类型", exact=True).select_option("warehouse")
    page.get_by_label("总建筑面积", exact=True).fill("abc")
    page.get_by_role("button", name="查看结果").click()
    summary = page.locator(".error-summary")
    assert "总建筑面积" in summary.inner_text() or "建筑面积" in summary.inner_text()
    field = page.locator("#f-project-floor_area_m2")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "abc"
    assert page.locator("#f-project-floor_area_m2-error").inner_text() == "应为数字"
    assert page.get_by_label("项目类型", exact=True).input_value() == "warehouse"
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#f-project-floor_area_m2"


def test_settle_link_marks_the_questions_to_answer(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/results?topic=project&project.type=warehouse&lang=en")
    link = page.locator("#settle-link")
    assert link.inner_text().startswith("Answer these")
    link.click()
    assert page.locator(".field.asked").count() >= 1
    assert page.locator(".field.asked .badge").first.inner_text() == "Please answer"
