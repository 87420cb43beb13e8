"""The pages over HTTP without a browser: the stepped form without JavaScript, the answer first,
the checklist, saved links, JSON download, plan browser."""

import re
from urllib.parse import urlencode

import httpx
import pytest

from tests.walkins import WALK_INS

pytestmark = pytest.mark.anyio
WAREHOUSE_QUERY = ("topic=project&project.in_qingyang=true&project.has_project=true&project.funding=enterprise"
                   "&project.type=warehouse"
                   "&project.low_risk=true&project.floor_area_m2=1%2C200")


def rules_in(html: str, css_class: str) -> list[str]:
    """The data-rule ids of the elements with this class (and maybe others), in page order."""
    return re.findall(rf'<li class="{css_class}[^"]*" data-rule="([^"]+)"', html)


async def test_one_topic_a_step_with_progress_and_answers_carried(client: httpx.AsyncClient) -> None:
    # The ticked topic first, the enterprise's basics last: only what the topic's provisions read.
    first = (await client.get("/check", params={"topic": "ip", "step": "1"})).text
    assert "第1步，共3步" in first and 'id="s-ip"' in first and 'id="s-enterprise"' not in first
    assert 'value="" checked' not in first.split('id="s-ip"')[1].split("ip.invention_patents")[0]  # boxes
    second = (await client.get("/check", params={"topic": "ip", "step": "2", "ip.invention_patents": "3"})).text
    assert "第2步，共3步" in second and 'id="s-enterprise"' in second
    assert 'value="" checked' in second  # an unanswered yes/no question starts as "not sure"
    assert '<input type="hidden" name="ip.invention_patents" value="3">' in second
    assert 'href="/check?topic=ip&amp;ip.invention_patents=3&amp;step=1"' in second  # back, answers kept
    assert 'action="/review"' in second
    assert "enterprise.size" not in second and "enterprise.revenue_10k_yuan" not in second


async def test_check_your_answers_reads_as_people_do_with_change_links(client: httpx.AsyncClient) -> None:
    page = (await client.get(f"/review?{WAREHOUSE_QUERY}&enterprise.size=small")).text
    assert "核对您的回答" in page
    assert "1,200平方米" in page and "小型" in page and ">是<" in page
    assert "True" not in page and ">small<" not in page
    assert re.search(r'href="/check\?[^"]*at=project.floor_area_m2[^"]*return=review[^"]*#f-project-floor_area_m2"',
                     page)


async def test_numbers_as_chinese_users_type_them(client: httpx.AsyncClient) -> None:
    base = WAREHOUSE_QUERY.replace("&project.floor_area_m2=1%2C200", "")
    for typed in ("１２００", "1，200", "1200平方米", "1200㎡", "1,200 m2"):
        page = (await client.get(f"/results?{base}&{urlencode({'project.floor_area_m2': typed})}")).text
        assert "joint-acceptance-small-industrial" in rules_in(page, "answer-line")[:3], typed


async def test_an_answer_that_makes_follow_ups_moot_with_answers_behind_it_is_a_warning(
        client: httpx.AsyncClient) -> None:
    query = WAREHOUSE_QUERY + "&project.key_level=none&project.height_m=120"
    for url in (f"/review?{query}", f"/results?{query}"):
        page = (await client.get(url)).text
        assert 'class="warning conflict"' in page and "重点项目级别" in page and "建筑高度" in page


async def test_follow_up_questions_open_with_the_answer_that_opens_them(client: httpx.AsyncClient) -> None:
    page = (await client.get("/check", params={"topic": "project", "step": "1"})).text
    height = page.split('id="f-project-height_m"')[0].rsplit('<div class="field', 1)[1]
    slot = re.search(r"follow follow-(\d+)", height)
    assert slot, height
    provincial = re.search(r'<option value="provincial"[^>]*class="([^"]+)"', page)
    assert provincial and f"opens-{slot.group(1)}" in provincial.group(1).split()
    none = re.search(r'<option value="none"[^>]*>', page)
    assert none and "opens-" not in none.group(0)


async def test_changing_topics_keeps_every_answer(client: httpx.AsyncClient) -> None:
    step = (await client.get(f"/check?{WAREHOUSE_QUERY}&step=2")).text
    change = re.search(r'<a class="back" href="(/\?[^"]+)">更改事项</a>', step)
    assert change
    start = (await client.get(change.group(1).replace("&amp;", "&"))).text
    assert '<input type="hidden" name="project.floor_area_m2" value="1,200">' in start
    assert 'value="project"\n      checked' in start or re.search(r'value="project"\s+checked', start)


async def test_answer_these_questions_page_shows_only_those(client: httpx.AsyncClient) -> None:
    results = (await client.get(f"/results?{WAREHOUSE_QUERY}")).text
    link = re.search(r'href="(/check\?[^"]+)" class="button primary" id="settle-link">回答这(\d)个问题', results)
    assert link
    page = (await client.get(link.group(1).replace("&amp;", "&"))).text
    assert f"回答这{link.group(2)}个问题" in page
    assert page.count('class="field') == int(link.group(2))
    assert '<input type="hidden" name="project.floor_area_m2" value="1,200">' in page


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
async def test_the_answer_comes_first_for_the_example_walk_ins(client: httpx.AsyncClient, walk_in) -> None:
    page = (await client.get(f"/results?{walk_in.query()}")).text
    lines = rules_in(page, "answer-line")
    assert lines[0] == walk_in.expected_first
    assert set(walk_in.first_three) <= set(lines[:3])
    assert not walk_in.first_three_any or set(walk_in.first_three_any) & set(lines[:3])
    answer = page.split('id="g-answer"')[1].split("</section>")[0]
    assert "全区企业均可享受的服务" not in answer
    assert 'data-rule="hotline-96963-24h"' not in answer.split('id="more-eligible"')[0]
    assert "2020-11-23起施行" in page and "96963" in page.split('class="plan-line"')[1][:400]


async def test_the_checklist_holds_only_materials_of_what_applies(client: httpx.AsyncClient) -> None:
    page = (await client.get(f"/results?{WALK_INS[0].query()}")).text
    checklist = page.split('id="g-checklist"')[1].split("</section>")[0]
    sure = checklist.partition("如确认符合，还需")[0]
    assert "申请表" in sure and sure.count("申请表") == 1
    for foreign_matter in ("专利", "护照", "商标", "五方责任主体"):  # not asked about, or not met
        assert foreign_matter not in checklist
    assert checklist.count("以承办部门的清单为准") == 1  # said once, not per line


async def test_a_malformed_credit_code_is_a_warning_not_an_error(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/results?{WAREHOUSE_QUERY}&enterprise.credit_code=1234")
    assert response.status_code == 200
    assert "不影响评估结果" in response.text


async def test_the_results_link_reproduces_the_results(client: httpx.AsyncClient) -> None:
    first = (await client.get(f"/results?{WAREHOUSE_QUERY}")).text
    assert 'data-rule="joint-acceptance-small-industrial"' in first.split('id="g-open"')[0]
    again = (await client.get(f"/results?{WAREHOUSE_QUERY}")).text
    assert again == first
    english = (await client.get(f"/results?{WAREHOUSE_QUERY}&lang=en")).text
    assert "What applies to you" in english and 'lang="en"' in english


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
    assert '<input type="hidden" name="project.type" value="warehouse">' in page


async def test_a_step_past_a_wrong_answer_shows_it_at_its_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", params={"topic": "project", "project.floor_area_m2": "abc"})
    assert response.status_code == 200  # the review page only lists; the step holding it complains
    step = await client.get("/check", params={"topic": "project", "step": "3", "project.floor_area_m2": "abc"})
    assert step.status_code == 422 and "第1步" in step.text and "应为数字" in step.text


async def test_plan_browser_shows_articles_and_their_rules(client: httpx.AsyncClient) -> None:
    page = (await client.get("/provisions")).text
    assert "（四）" in page and 'id="rule-joint-acceptance-small-industrial"' in page


async def test_pages_load_nothing_from_other_hosts(client: httpx.AsyncClient) -> None:
    for url in ("/", "/check?topic=project", f"/review?{WAREHOUSE_QUERY}", f"/results?{WAREHOUSE_QUERY}",
                f"/results?view=print&{WAREHOUSE_QUERY}", "/provisions"):
        page = (await client.get(url)).text
        assert "http://" not in page and "https://" not in page, url


async def test_the_printed_slip_carries_a_qr_code_of_the_link_for_the_window(client: httpx.AsyncClient) -> None:
    slip = (await client.get(f"/results?view=print&{WAREHOUSE_QUERY}")).text
    assert '<svg role="img" aria-label="自查结果二维码"' in slip and "到窗口办理时出示" in slip


async def test_pages_are_compressed_when_the_browser_accepts_gzip(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/results?{WAREHOUSE_QUERY}", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) * 4 < len(response.text.encode())


@pytest.mark.parametrize("walk_in", WALK_INS, ids=lambda w: w.name)
async def test_english_pages_use_half_width_punctuation_and_article_numbers(client: httpx.AsyncClient,
                                                                            walk_in) -> None:
    for url in (f"/results?lang=en&{walk_in.query()}", f"/results?view=print&lang=en&{walk_in.query()}",
                f"/review?lang=en&{walk_in.query()}"):
        html = (await client.get(url)).text
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<blockquote.*?</blockquote>", "", html, flags=re.S))
        assert not re.search(r"[：（）；、。，]", text), re.search(r".{0,40}[：（）；、。，].{0,20}", text)
    assert "Article " in html or "Article " in (await client.get(f"/results?lang=en&{walk_in.query()}")).text


async def test_owner_pages_carry_no_developer_words_above_the_footer(client: httpx.AsyncClient) -> None:
    for query in (WALK_INS[0].query(), WALK_INS[0].query() + "&lang=en"):
        page = (await client.get(f"/results?{query}")).text
        main, _, footer = page.partition('<footer class="dev')
        for word in ("可信度", "规则库版本", "下载JSON", "接口文档", "confidence", "Rule-base version",
                     "Download JSON", "API docs", "Med/High"):
            assert word not in main, word
        assert "/results.json?" in footer and "/docs" in footer


async def test_a_near_miss_of_a_ticked_topic_is_shown_open_before_the_open_questions(
        client: httpx.AsyncClient) -> None:
    query = WAREHOUSE_QUERY.replace("1%2C200", "1800") + "&project.self_held=false"
    page = (await client.get(f"/results?{query}")).text
    near = page.split('id="g-near"')[1].split("</section>")[0]
    assert 'data-rule="joint-acceptance-small-industrial"' in near and "需减少300平方米即可符合" in near
    assert "<details" not in near.split('data-rule="joint-acceptance-small-industrial"')[0]
    assert page.index('id="g-near"') < page.index('id="g-open"') < page.index('id="g-checklist"')


async def test_badges_follow_the_nature_of_each_measure(client: httpx.AsyncClient) -> None:
    query = WALK_INS[0].query()
    page = (await client.get(f"/results?{query}")).text
    natures = {f["id"]: f for f in (await client.get(f"/results.json?{query}")).json()["findings"]}
    lines = re.findall(r'<li data-rule="([^"]+)"><strong>[^<]*</strong>(.*?)</li>', page, re.S)
    lines += re.findall(r'<li class="answer-line" data-rule="([^"]+)">(.*?)</summary>', page, re.S)
    assert len(lines) > 10
    seen = set()
    for rule, rest in lines:
        finding = natures[rule]
        assert ("nature-commitment" in rest) == (finding["nature"] == "commitment" and bool(finding["time_limit"]))
        if finding["nature"] == "target":
            assert "方案目标" in rest
        seen.add(finding["nature"])
    assert {"commitment", "target"} <= seen


async def test_a_passed_target_says_its_date_has_passed(client: httpx.AsyncClient) -> None:
    # A company being founded in Qingyang meets the plan's end-2020 half-day target: offered, and marked as passed.
    query = "topic=company&enterprise.in_qingyang=true&registration.starting_company=true"
    findings = {f["id"]: f for f in (await client.get(f"/results.json?{query}")).json()["findings"]}
    assert findings["startup-half-working-day"]["status"] == "eligible"
    page = (await client.get(f"/results?{query}")).text
    line = page.split('id="r-startup-half-working-day"')[1].split("</article>")[0]
    assert "方案所定目标期限已过，现行做法以承办部门为准" in line
