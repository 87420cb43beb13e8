"""The walks of issue 19 in a real headless Chromium, at 390 and 1280 px, in Chinese and English: a
warehouse owner, a start-up founder and a tech SME tick their topics, answer on each page only what it
shows (from examples/*.json), and read the answer. Counted: the questions shown before the answer, each
step page's height; checked: the first cards, the count on the screen and on the printed slip (A4 pages,
none holding one line), axe-core on every page, tap targets on the phone; screenshots of every page."""

from typing import Any

import httpx
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
from tests.walkins import WALK_INS, WalkIn

pytestmark = needs_chromium
WALKS = [w for w in WALK_INS if w.name in ("warehouse", "start-up", "ip-pledge")]
BUDGET = {"warehouse": 15, "start-up": 10, "ip-pledge": 20}
STEP_HEIGHT = 2500  # px at 390 px wide


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def visible_questions(page: Any) -> list[str]:
    """The questions the step shows now (a tick-all-that-apply group is one question)."""
    return page.eval_on_selector_all(
        "form.step .field", "els => els.filter(e => e.getClientRects().length > 0 && "
                            "getComputedStyle(e).display !== 'none').map(e => e.querySelector('input,select').name)")


def answer_page(page: Any, answers: dict[str, str]) -> None:
    """Answer what the page shows, as the example would (a follow-up once it opens)."""
    for group in page.locator("form.step .field.group").all():
        boxes = {box.get_attribute("name"): box for box in group.locator("input[type=checkbox]").all()}
        given = {name: answers[name] for name in boxes if name in answers}
        if any(value == "true" for value in given.values()):
            for name, value in given.items():
                if value == "true":
                    boxes[name].check()
        elif given:
            group.locator("input[name=none]").check()
    for _ in range(3):  # follow-ups open as their openers are answered
        for name in visible_questions(page):
            if name not in answers or name == "none":
                continue
            control = page.locator(f'form.step [name="{name}"]').first
            kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
            if kind == "radio":
                page.locator(f'form.step input[name="{name}"][value="{answers[name]}"]').check()
            elif kind == "select":
                control.select_option(answers[name])
            elif kind == "text" and not control.input_value():
                control.fill(answers[name])


def walk(page: Any, walk_in: WalkIn, lang: str, viewport: str) -> tuple[int, list[str]]:
    """From the start page to the answer; the questions shown on the way and the problems met."""
    answers = dict(walk_in.answers())
    problems: list[str] = []
    page.goto("/" + ("?lang=en" if lang == "en" else ""))
    screenshot(page, f"walk-{walk_in.name}-{lang}-{viewport}-start")
    problems += [f"start: {v}" for v in serious_violations(page)]
    for topic in walk_in.topics:
        page.locator(f"input[name=topic][value={topic}]").check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    shown, number = 0, 0
    while "/check" in page.url:
        number += 1
        name = f"walk-{walk_in.name}-{lang}-{viewport}-step{number}"
        height = page.evaluate("document.documentElement.scrollHeight")
        if viewport == "mobile" and height > STEP_HEIGHT:
            problems.append(f"step {number}: {height} px tall")
        answer_page(page, answers)
        shown += len(visible_questions(page))
        screenshot(page, name)
        problems += [f"step {number}: {v}" for v in serious_violations(page)]
        if viewport == "mobile":
            problems += [f"step {number}: small tap target {t}" for t in small_tap_targets(page)]
        with page.expect_navigation():
            page.locator("form.step button[type=submit]").click()
    assert "/review" in page.url, page.url
    screenshot(page, f"walk-{walk_in.name}-{lang}-{viewport}-review")
    problems += [f"review: {v}" for v in serious_violations(page)]
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    screenshot(page, f"walk-{walk_in.name}-{lang}-{viewport}-results")
    problems += [f"results: {v}" for v in serious_violations(page)]
    if viewport == "mobile":
        problems += [f"results: small tap target {t}" for t in small_tap_targets(page)]
    return shown, problems


def cards(page: Any) -> list[tuple[str, bool]]:
    """The answer's cards in order: (provision, likely)."""
    return page.locator("li.answer-line").evaluate_all(
        "els => els.map(e => [e.dataset.rule, e.classList.contains('likely')])")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("walk_in", WALKS, ids=lambda w: w.name)
def test_a_walk_in_reads_its_answer_first(browser: Any, live_server: str, walk_in: WalkIn, lang: str,
                                         viewport: str) -> None:
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    shown, problems = walk(page, walk_in, lang, viewport)
    assert shown <= BUDGET[walk_in.name], shown
    found = cards(page)
    first = [rule for rule, _ in found]
    assert set(walk_in.first_three) <= set(first[:3]), first[:3]
    assert not walk_in.first_three_any or set(walk_in.first_three_any) & set(first[:3]), first[:3]
    document = httpx.get(f"{live_server}/results.json?{page.url.split('?', 1)[1]}").json()
    by_id = {finding["id"]: finding for finding in document["findings"]}
    benefits = [by_id[rule]["benefit"] for rule in first[:5]]
    assert len(set(benefits)) == len(benefits)  # no two of the first five give the same benefit
    assert not by_id[first[0]]["target_passed"]  # never a passed target first
    heading = page.locator("#answer-heading")
    count = int(heading.get_attribute("data-eligible"))
    assert count == sum(1 for _, likely in found if not likely) == document["answer"]["eligible"]
    assert str(count) in heading.inner_text()
    main = page.locator("main").inner_text()
    for word in ("可信度", "规则库版本", "下载JSON", "接口文档", "confidence", "Rule-base", "Download JSON",
                 "year(s)"):
        assert word not in main, word
    if walk_in.name == "start-up":
        checklist = page.locator("section.checklist").inner_text()
        assert ("身份证件" in checklist) if lang == "zh" else ("ID card" in checklist)
    with page.expect_navigation():
        page.locator("#print-link").click()
    slip = page.locator("article.slip")
    assert int(slip.locator("#s-eligible").get_attribute("data-eligible")) == count
    assert slip.locator("#s-eligible + ol > li").count() == count
    screenshot(page, f"walk-{walk_in.name}-{lang}-{viewport}-slip")
    problems += [f"slip: {v}" for v in serious_violations(page)]
    lines = pdf_page_lines(page)
    assert len(lines) <= 2 and min(lines) > 3, lines  # at most two A4 pages, none holding a line or two
    context.close()
    assert not problems, "\n".join(problems)

