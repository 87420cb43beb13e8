"""The self-check in a real headless Chromium against `advisor serve`: keyboard only, without
JavaScript, the results' height, the printed slip's pages, axe-core and tap targets, screenshots."""

from collections.abc import Iterator

import pytest

from tests.browser import (
    VIEWPORTS,
    launch,
    needs_chromium,
    pdf_page_lines,
    screenshot,
    serious_violations,
    small_tap_targets,
)
from tests.walkins import WALK_INS

pytestmark = needs_chromium
WAREHOUSE = WALK_INS[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    yield page
    context.close()


def tab_to(page, css: str) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element matches `css`, as a keyboard user would."""
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("css => !!document.activeElement && document.activeElement.matches(css)", css):
            return
    raise AssertionError(f"Tab never reached {css}")


def arrow_to(page, value: str) -> None:  # type: ignore[no-untyped-def]
    """Press ArrowDown on the focused radio group or select until it holds `value`."""
    for _ in range(20):
        if page.evaluate("() => document.activeElement.value") == value and page.evaluate(
                "() => document.activeElement.type !== 'radio' || document.activeElement.checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value}")


def answer_lines(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("li.answer-line").evaluate_all("els => els.map(e => e.dataset.rule)")


def test_keyboard_only_walk_through_the_steps_reaches_the_results(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    tab_to(page, "input[name=topic][value=project]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check?**")
    assert page.locator("#progress").inner_text() == "第1步，共4步"
    for name, value in (("project.in_qingyang", "true"), ("project.funding", "enterprise"),
                        ("project.type", "warehouse"), ("project.low_risk", "true")):
        tab_to(page, f"[name='{name}']")
        arrow_to(page, value)
    tab_to(page, "input[name='project.floor_area_m2']")
    page.keyboard.type("1200平方米")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**step=2**")
    assert page.locator("#progress").inner_text() == "第2步，共4步"
    tab_to(page, "input[name=none]")  # the tick-all-that-apply question: "none of these"
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**step=3**")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review?**")
    assert "1,200平方米" in page.locator("main").inner_text()
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/results?**")
    assert "joint-acceptance-small-industrial" in answer_lines(page)[:3]


def test_without_javascript_the_same_steps_give_the_same_results(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    results = {}
    for javascript in (True, False):
        context = browser.new_context(base_url=live_server, java_script_enabled=javascript)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("建设或投资项目").check()
        page.get_by_role("button", name="开始回答").click()
        page.get_by_label("项目投资主体", exact=True).select_option("enterprise")
        page.get_by_label("项目类型", exact=True).select_option("warehouse")
        page.get_by_role("group", name="项目或用水用气地点在青羊区吗？").get_by_label("是", exact=True).check()
        page.get_by_role("group", name="审批部门给出的风险分类是低风险（含简易低风险）吗？").get_by_label(
            "是", exact=True).check()
        page.get_by_label("总建筑面积", exact=True).fill("１２００㎡")
        while "/check" in page.url:
            with page.expect_navigation():
                page.get_by_role("button", name="继续").click()
        page.get_by_role("button", name="查看结果").click()
        page.wait_for_url("**/results?**")
        results[javascript] = answer_lines(page)
        context.close()
    assert results[True] == results[False] and "joint-acceptance-small-industrial" in results[True][:3]


def test_a_follow_up_appears_only_once_its_opener_is_chosen(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/check?topic=project&step=1")
    height = page.get_by_label("建筑高度", exact=True)
    assert height.is_hidden()
    page.get_by_label("重点项目级别", exact=True).select_option("municipal")
    assert height.is_visible()
    page.get_by_label("重点项目级别", exact=True).select_option("none")
    assert height.is_hidden()


def test_changing_topics_keeps_the_answers(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/check?{WAREHOUSE.query()}&step=1")
    page.get_by_role("link", name="更改事项").click()
    page.get_by_label("融资").check()
    page.get_by_role("button", name="开始回答").click()
    assert page.get_by_label("总建筑面积", exact=True).input_value() == "1200"
    assert "第1步，共5步" in page.locator("#progress").inner_text()


def test_the_warehouse_results_fit_in_2500_px_before_opening_anything(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/results?{WAREHOUSE.query()}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2500, height
    assert page.locator("details[open]").count() == 0
    card = page.locator('li.answer-line[data-rule="joint-acceptance-small-industrial"]')
    card.locator("summary").click()
    assert "1500平方米以下的低风险社会投资小型仓库" in card.locator("blockquote").inner_text()


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
def test_each_walk_in_prints_on_at_most_two_a4_pages(page, walk_in) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/results?{walk_in.query()}")
    assert answer_lines(page)[0] == walk_in.expected_first
    page.get_by_role("link", name="打印建议单").click()
    page.wait_for_url("**view=print**")
    slip = page.locator("article.slip")
    assert slip.locator(f'[data-rule="{walk_in.expected_first}"]').count() == 1
    assert slip.locator("blockquote, .conds").count() == 0  # quotes and condition trees stay on the screen
    text = slip.inner_text()
    assert "材料清单" in text and "96963" in text and "不是行政决定" in text and "2020-11-23" in text
    screenshot(page, f"public-slip-{walk_in.name}-zh-desktop")
    lines = pdf_page_lines(page)
    assert len(lines) <= 2 and min(lines) > 3, lines


PAGES = {
    "start": "/",
    "step-1": f"/check?{WAREHOUSE.query()}&step=1",
    "step-2": f"/check?{WAREHOUSE.query()}&step=2",
    "step-startup": "/check?topic=company&step=1",
    "review": f"/review?{WAREHOUSE.query()}",
    "results": f"/results?{WAREHOUSE.query()}",
    "ask": f"/check?{WAREHOUSE.query()}&ask=project.key_level&ask=project.district_major",
    "error": "/results?topic=project&project.floor_area_m2=abc",
    "provisions": "/provisions",
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_passes_axe_with_large_tap_targets(browser, live_server: str, lang: str,
                                                      viewport: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    problems = []
    for name, url in PAGES.items():
        page.goto(url + ("&lang=en" if "?" in url else "?lang=en") if lang == "en" else url)
        screenshot(page, f"public-{name}-{lang}-{viewport}")
        problems += [f"{name}: {v}" for v in serious_violations(page)]
        if viewport == "mobile" and name != "provisions":
            problems += [f"{name}: small tap target {t}" for t in small_tap_targets(page)]
    context.close()
    assert not problems, "\n".join(problems)


def test_the_focus_ring_stands_out_on_white(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    tab_to(page, "input[name=topic]")
    colour = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    width = page.evaluate("() => parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    red, green, blue = (int(part) for part in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3])

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    assert width >= 2 and 1.05 / (luminance + 0.05) >= 3, colour
