"""In real Chromium: a routine window consultation (pages and clicks counted), the same stepped form
as the self-check, the record that prints as the slip on at most two A4 pages, re-assessment with
history, axe-core on the staff pages, screenshots."""

from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser import (
    VIEWPORTS,
    launch,
    needs_chromium,
    pdf_pages,
    screenshot,
    serious_violations,
    small_tap_targets,
)
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


def logged_in(browser, server_url: str, name: str = "wang", viewport: str = "desktop"):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto("/staff/consultations")
    assert "/staff/login" in page.url  # anonymous: sent to the login page
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/consultations")
    return page


class Counter:
    """Clicks made and pages loaded, as a routine consultation is timed at the window."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page, self.clicks, self.pages = page, 0, 0
        page.on("framenavigated", lambda frame: self._loaded(frame))

    def _loaded(self, frame) -> None:  # type: ignore[no-untyped-def]
        if frame == self.page.main_frame:
            self.pages += 1

    def click(self, locator) -> None:  # type: ignore[no-untyped-def]
        self.clicks += 1
        locator.click()


def test_a_routine_consultation_takes_three_pages_and_few_clicks(browser, server_url: str,
                                                                  database: str) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(browser, server_url)
    walk_in = WALK_INS[0]
    selfcheck_link = f"{server_url}/results?{walk_in.query()}"
    count = Counter(page)
    count.click(page.get_by_role("link", name="新建咨询"))
    page.get_by_label("自查结果链接").fill(selfcheck_link)
    count.click(page.get_by_role("button", name="导入"))
    page.wait_for_url("**/new/review?**")
    assert "1,200平方米" in page.locator("main").inner_text()
    page.get_by_label("申请人/企业名称").fill("成都浏览器测试仓储有限公司")
    count.click(page.get_by_role("button", name="评估并保存"))
    page.wait_for_url("**/staff/consultations/*")
    slip = page.locator("article.slip")
    assert slip.locator(f'[data-rule="{walk_in.expected_first}"]').count() == 1
    assert "经办人：wang" in slip.inner_text() and "成都浏览器测试仓储有限公司" in slip.inner_text()
    assert page.get_by_role("button", name="打印意见书").is_visible()
    count.clicks += 1  # the print button is the last click
    assert count.pages <= 3 and count.clicks <= 10, (count.pages, count.clicks)
    screenshot(page, "staff-record-zh-desktop")


def test_typed_answers_go_through_the_same_steps_and_read_as_people_do(browser, server_url: str,
                                                                       database: str) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(browser, server_url)
    page.get_by_role("link", name="新建咨询").click()
    page.get_by_label("建设或投资项目").check()
    page.get_by_role("button", name="开始回答").click()
    assert page.locator("#progress").inner_text() == "第1步，共4步"  # the topic's steps first (issue 19)
    page.get_by_label("项目投资主体", exact=True).select_option("enterprise")
    page.get_by_label("项目类型", exact=True).select_option("warehouse")
    page.get_by_role("group", name="项目或用水用气地点在青羊区吗？").get_by_label("是", exact=True).check()
    page.get_by_role("group", name="审批部门给出的风险分类是低风险（含简易低风险）吗？").get_by_label(
        "是", exact=True).check()
    page.get_by_label("总建筑面积", exact=True).fill("1，200")
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name="继续").click()
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y43")
    page.get_by_label("企业规模", exact=True).select_option("small")
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name="评估并保存").click()
    page.wait_for_url("**/staff/consultations/*")
    answers = page.locator("section.review").inner_text()
    assert "1,200平方米" in answers and "小型" in answers and "是" in answers
    assert "True" not in answers and "small" not in answers
    first = page.url
    # More answers later: a new record, the earlier one kept and listed as history.
    page.get_by_role("link", name="补充回答并重新评估").click()
    page.get_by_role("link", name="更改 总建筑面积").click()
    page.get_by_role("group", name="建成后自己使用或出租，而不是出售吗？").get_by_label("是", exact=True).check()
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name="评估并保存").click()
    page.wait_for_url("**/staff/consultations/*")
    assert page.url != first
    history = page.locator("#r-history").locator("..")
    assert first.rsplit("/", 1)[1] in history.inner_text()
    page.get_by_role("link", name="English").click()
    assert "Consultation #" in page.locator("h1").inner_text() and "咨询记录" not in page.locator("h1").inner_text()
    screenshot(page, "staff-record-en-desktop")


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
def test_each_walk_in_slip_prints_on_at_most_two_a4_pages(browser, server_url: str, database: str,
                                                          walk_in) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(browser, server_url)
    page.goto("/staff/consultations/new/import?" + urlencode({"source": f"/results?{walk_in.query()}"}))
    page.get_by_label("申请人/企业名称").fill(f"{walk_in.name} 测试企业")
    page.get_by_role("button", name="评估并保存").click()
    page.wait_for_url("**/staff/consultations/*")
    page.goto(page.url + "/slip")
    slip = page.locator("article.slip")
    text = slip.inner_text()
    for part in ("编号", "评估日期", "申请人", "材料清单", "待确认的问题", "96963", "规则库版本", "不是行政决定",
                 "经办人", "盖章", "2020-11-23"):
        assert part in text, part
    assert slip.locator(f'[data-rule="{walk_in.expected_first}"]').count() == 1
    assert "在税 务" not in text and slip.locator("blockquote").count() == 0
    screenshot(page, f"staff-slip-{walk_in.name}-zh-desktop")
    assert pdf_pages(page) <= 2


# Screenshot name → page; the record and its slip are added once saved (their URL holds the record number).
STAFF_PAGES = {"staff-list": "/staff/consultations", "staff-new": "/staff/consultations/new",
               "staff-step-2": "/staff/consultations/new/check?topic=project&step=2",
               "staff-review": f"/staff/consultations/new/review?{WALK_INS[0].query()}", "staff-stats": "/staff/stats",
               "staff-keys": "/staff/admin/keys", "staff-accounts": "/staff/admin/accounts",
               "staff-audit": "/staff/admin/audit"}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_staff_pages_pass_axe_with_large_tap_targets(browser, server_url: str, database: str,
                                                     viewport: str) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(browser, server_url, "chief", viewport)
    page.goto("/staff/consultations/new/import?" + urlencode({"source": f"/results?{WALK_INS[0].query()}"}))
    page.get_by_role("button", name="评估并保存").click()
    page.wait_for_url("**/staff/consultations/*")
    record = urlsplit(page.url).path
    pages = {**STAFF_PAGES, "staff-record": record, "staff-record-slip": record + "/slip"}
    anonymous = browser.new_context(base_url=server_url, viewport=VIEWPORTS[viewport]).new_page()
    problems = []
    for lang in ("zh", "en"):
        anonymous.goto("/staff/login" + ("?lang=en" if lang == "en" else ""))
        screenshot(anonymous, f"staff-login-{lang}-{viewport}")
        problems += [f"/staff/login {lang}: {v}" for v in serious_violations(anonymous)]
        if viewport == "mobile":
            problems += [f"/staff/login {lang}: small tap target {t}" for t in small_tap_targets(anonymous)]
        for name, url in pages.items():
            page.goto(url + ("&" if "?" in url else "?") + "lang=en" if lang == "en" else url)
            screenshot(page, f"{name}-{lang}-{viewport}")
            problems += [f"{url} {lang}: {v}" for v in serious_violations(page)]
            if viewport == "mobile":
                problems += [f"{url} {lang}: small tap target {t}" for t in small_tap_targets(page)]
    anonymous.context.close()
    assert not problems, "\n".join(problems)
    if viewport == "mobile":  # the accounts table stacks: a role reads on one line, not a character a line
        page.goto("/staff/admin/accounts")
        for cell in page.locator("tr.account td[data-label]").all():
            assert cell.bounding_box()["height"] < 40, cell.inner_text()  # type: ignore[index]
