"""The window clerk's walk of issue 19, through the real server on SQLite and PostgreSQL: a record has
the applicant's name or 不留姓名, never neither; what the self-check warns the enterprise about is shown
at review and on the saved record; dates are typed as people type them and refused in the page's
language; the statistics count each provision over the consultations that ticked its topic."""

import csv
import html
import io
import re
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.storage import Consultation, ConsultationTopic, get_engine
from tests.offices import with_contact
from tests.staff.conftest import csrf_from, login
from tests.staff.test_staff_consultations import FORM

WRONG_CHECK = "91350100M000100Y44"  # well formed; GB 32100 gives 3 as its check character


@pytest.fixture
def window(server_on_both: str) -> httpx.Client:
    """A logged-in clerk (wang) on the real server, on SQLite then PostgreSQL."""
    with httpx.Client(base_url=server_on_both, follow_redirects=True, timeout=60) as client:
        login(client, "wang")
        yield client


def _save(client: httpx.Client, params: str = "", **changes: str) -> httpx.Response:
    token = csrf_from(client.get("/staff/consultations/new").text)
    data = {key: value for key, value in {**FORM, **changes}.items() if value is not None}
    return client.post(f"/staff/consultations{params}", data={**data, "csrf_token": token})


def _stored() -> list[Consultation]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Consultation).order_by(Consultation.id)))


def test_a_record_has_a_name_or_name_withheld_never_neither(window: httpx.Client) -> None:
    nameless = _save(window, applicant_name="")
    assert nameless.status_code == 422
    assert 'id="error-summary"' in nameless.text and 'href="#a-applicant_name"' in nameless.text
    assert "请填写申请人或企业名称，或勾选“不留姓名”" in nameless.text
    assert 'aria-invalid="true"' in nameless.text.split('id="a-applicant_name"')[1].split(">")[0]
    english = _save(window, "?lang=en", applicant_name=" ")
    assert english.status_code == 422 and 'or tick "Name not given"' in html.unescape(english.text)
    assert "请填写" not in english.text
    both = _save(window, name_withheld="1")
    assert both.status_code == 422 and "请二选一" in both.text
    assert _stored() == []  # nothing saved by any of the three

    # The answers and the contact typed so far come back with the error: nothing to type twice.
    assert 'value="028-12345678"' in nameless.text and 'name="project.floor_area_m2" value="1200"' in nameless.text

    saved = _save(window, applicant_name="", name_withheld="1", contact="")
    assert saved.status_code == 200 and re.search(r"/staff/consultations/\d+$", str(saved.url))
    [record] = _stored()
    assert record.name_withheld and record.applicant_name is None
    assert "申请人：不留姓名" in saved.text
    assert "申请人：不留姓名" in window.get(f"/staff/consultations/{record.id}/slip").text
    row = re.search(rf'#{record.id}<span.*?</tr>', window.get("/staff/consultations").text, re.S)
    assert row and '">不留姓名</td>' in row.group(0)
    assert "Name not given" in window.get("/staff/consultations", params={"lang": "en"}).text

    named = _save(window)
    assert named.status_code == 200 and "成都某仓储有限公司" in named.text
    assert [c.name_withheld for c in _stored()] == [True, False]
    # Re-assessing a record keeps its applicant's choice: the name, or 不留姓名 ticked.
    first, second = (c.id for c in _stored())
    again = window.get("/staff/consultations/new/review", params={"from_id": str(first)}).text
    assert re.search(r'id="a-name_withheld"[^>]*checked', again)
    again = window.get("/staff/consultations/new/review", params={"from_id": str(second)}).text
    assert 'value="成都某仓储有限公司"' in again and 'value="028-12345678"' in again


def test_the_name_comes_first_on_the_review_page(window: httpx.Client) -> None:
    page = window.get("/staff/consultations/new/review", params={"topic": "project", "project.has_project": "true"})
    form = page.text.split('<form method="post" action="/staff/consultations"')[1]
    fields = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert fields[:3] == ["a-applicant_name", "a-name_withheld", "a-contact"]
    assert form.index('id="a-applicant_name"') < form.index('id="r-')  # before every answer


def test_the_self_checks_warnings_are_shown_at_review_and_on_the_record(window: httpx.Client) -> None:
    # Three warnings: a check character that does not match, a "no" the other answers contradict (the
    # engine's inference), and a follow-up answered behind a gate that closes it (the form's).
    doubtful = {"enterprise.credit_code": WRONG_CHECK, "project.has_project": "false",
                "project.key_level": "none", "project.height_m": "30"}
    answers = {key: value for key, value in FORM.items() if "." in key} | doubtful
    query = urlencode([("topic", "project"), *answers.items()])
    public = window.get(f"/results?{query}").text
    checksum = re.search(r'<p class="warning">(校验码不符[^<]*)</p>', public)
    inferred = re.search(r'<p class="warning">(您的回答与其他回答推知的结果[^<]*)</p>', public)
    conflict = re.search(r'<p class="warning conflict">([^<]*)</p>', public)
    assert checksum and "应为3" in checksum.group(1)
    assert inferred and "有投资建设项目" in inferred.group(1)
    assert conflict and "“重点项目级别”" in conflict.group(1)
    shown = [checksum.group(1), inferred.group(1), conflict.group(1)]

    review = window.get(f"/staff/consultations/new/review?{query}").text
    check = review.split('id="check-title"')[1].split("</section>")[0]
    assert all(text in check for text in shown) and "统一社会信用代码" in check

    saved = _save(window, topic="project", **doubtful)
    assert saved.status_code == 200  # a check character that does not match warns, it does not refuse
    on_record = saved.text.split('id="check-title"')[1].split("</section>")[0]
    assert all(text in on_record for text in shown)
    number = re.search(r"/staff/consultations/(\d+)", str(saved.url)).group(1)  # type: ignore[union-attr]
    english = window.get(f"/staff/consultations/{number}", params={"lang": "en"}).text
    assert "the check character does not match (GB 32100 gives 3)" in english
    # A clean record has nothing to check.
    clean = _save(window)
    assert 'id="check-title"' not in clean.text


def test_dates_are_typed_as_people_type_them_and_refused_in_the_pages_language(window: httpx.Client) -> None:
    saved = _save(window, as_of="2026年12月1日")
    assert saved.status_code == 200 and "评估日期 2026-12-01" in saved.text
    assert [c.as_of.isoformat() for c in _stored()] == ["2026-12-01"]
    refused = _save(window, "?lang=en", as_of="1/12/2026")
    assert refused.status_code == 422 and "must be a date (year-month-day), e.g." in refused.text
    assert "应为日期" not in refused.text and 'type="date"' not in refused.text

    listing = window.get("/staff/consultations", params={"date_from": "2026/12/1"}).text
    assert 'name="date_from" aria-describedby="q-from-help"' in re.sub(r"\s+", " ", listing) or "q-from-help" in listing
    assert 'value="2026-12-01"' in listing and 'type="date"' not in listing
    zh = window.get("/staff/consultations", params={"date_to": "12月"}).text
    assert "到：应为日期（年-月-日），如" in zh and "must be" not in zh
    en = window.get("/staff/consultations", params={"date_to": "soon", "lang": "en"}).text
    assert "To: must be a date (year-month-day), e.g." in en and "应为" not in en
    assert 'value="soon"' in en  # what was typed stays in the box to be corrected


def test_statistics_count_a_provision_over_the_consultations_that_ticked_its_topic(
        window: httpx.Client, rulebase: RuleBase) -> None:
    assert _save(window, topic="project").status_code == 200
    for _ in range(2):  # two who asked only about financing and said nothing of a project
        asked = _save(window, **{key: None for key in FORM if key.startswith("project.")}, topic="finance")
        assert asked.status_code == 200, asked.text
    with Session(get_engine()) as session:
        topics = sorted(session.exec(select(ConsultationTopic.topic)).all())
    assert topics == ["finance", "finance", "project"]

    page = window.get("/staff/stats").text
    assert "每项政策只统计勾选了其所属事项的咨询" in page
    project_questions = {q.label.zh for q in rulebase.questions.by_path.values() if q.section == "project"}
    missing = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", page.split('id="missing"')[1].split("</table>")[0])
    assert missing
    # The two that never ticked the project topic left no project question unanswered: only the warehouse's
    # own open project questions can be counted, once each.
    assert all(int(count) == 1 for label, count in missing if label in project_questions), missing
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>",
                      page.split('id="provisions"')[1].split("</table>")[0])
    joint = [row for row in rows if "验收登记同步办理" in row[0]]
    assert joint and sum(int(n) for n in joint[0][1:]) == 1  # counted over the one project consultation

    finance = window.get("/staff/stats", params={"topic": "finance"}).text
    weeks = finance.split("<h2>每周咨询量</h2>")[1].split("</figure>")[0]
    assert re.search(r'class="bar-total">2</text>', weeks)  # the two consultations that ticked financing
    assert "验收登记同步办理" not in finance.split('id="provisions"')[1]
    assert '<option value="finance" selected>' in finance


def test_exports_say_which_records_have_no_name(server_on_both: str) -> None:
    with httpx.Client(base_url=server_on_both, follow_redirects=True, timeout=60) as client:
        login(client, "chief")
        assert _save(client, applicant_name="", name_withheld="1").status_code == 200
        rows = list(csv.DictReader(io.StringIO(client.get("/staff/export.csv").text.lstrip("\ufeff"))))
    assert [(row["applicant_name"], row["name_withheld"]) for row in rows] == [("", "yes")]


def test_the_record_shows_an_offices_sourced_contact_and_otherwise_96963(
        window: httpx.Client, app_on_both: tuple[str, FastAPI], rulebase: RuleBase) -> None:
    plain = _save(window)
    assert "office-contact" not in plain.text and "96963" in plain.text
    app = app_on_both[1]
    before = app.state.presenter
    app.state.presenter = Presenter(with_contact(rulebase, "dept-housing-construction"))
    try:
        saved = _save(window)
    finally:
        app.state.presenter = before
    slip = saved.text.split('class="slip"')[1]
    line = re.search(r'data-rule="joint-acceptance-small-industrial">.*?</li>', slip, re.S)
    assert line and "地址：青羊区测试路1号" in line.group(0) and "电话：028-00000000" in line.group(0)
    assert "来源：测试用公开页面（2026-12-01）" in line.group(0)
    assert "96963" in slip  # the hotline stays for every other office
