"""A consultation at the window: record it, find it, print its slip (unchanged after the rules
change), export, see it in the statistics, delete it (admins only, audited)."""

import csv
import io
import re

import httpx
from sqlmodel import Session, select

from advisor.assess import Advisor
from advisor.catalog_texts import advice
from advisor.document import Advice, CatalogTexts
from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.storage import AuditEvent, Consultation, StaffUser, get_engine
from advisor.storage.consultations import record_consultation
from tests.staff.conftest import csrf_from, login
from tests.storage.helpers import WAREHOUSE

FORM = {
    "applicant_name": "成都某仓储有限公司", "enterprise.credit_code": "91350100M000100Y43", "contact": "028-12345678",
    "lang": "zh", "enterprise.in_qingyang": "true", "enterprise.size": "small", "enterprise.ownership": "private",
    "project.in_qingyang": "true", "project.has_project": "true", "project.funding": "enterprise",
    "project.type": "warehouse",
    "project.low_risk": "true", "project.floor_area_m2": "1200", "project.small_scale": "true",
}


def _record(client: httpx.Client, **changes: str) -> int:
    token = csrf_from(client.get("/staff/consultations/new").text)
    response = client.post("/staff/consultations", data={**FORM, **changes, "csrf_token": token})
    assert response.status_code == 200, response.text
    found = re.search(r"/staff/consultations/(\d+)$", str(response.url))
    assert found, response.url
    return int(found.group(1))


def test_record_find_and_print_the_slip(client: httpx.Client) -> None:
    login(client, "wang")
    number = _record(client)
    listing = client.get("/staff/consultations", params={"credit_code": "91350100M000100Y43"}).text
    assert f"/staff/consultations/{number}" in listing and "成都某仓储有限公司" in listing
    assert f"/staff/consultations/{number}" not in client.get("/staff/consultations",
                                                              params={"applicant": "另一家"}).text
    slip = client.get(f"/staff/consultations/{number}/slip").text
    assert "政策咨询意见书" in slip and "验收登记同步办理" in slip and "经办人" in slip and "wang" in slip
    english = client.get(f"/staff/consultations/{number}/slip", params={"lang": "en"}).text
    assert "Advice slip" in english and "Eligible" in english
    with Session(get_engine()) as session:
        stored = session.get(Consultation, number)
        assert stored is not None and stored.profile["project"]["floor_area_m2"] == 1200
        assert stored.staff_name == "wang" and stored.eligible >= 1


def test_slip_prints_as_advised_after_the_rules_change(client: httpx.Client, rulebase: RuleBase,
                                                      advisor: Advisor, presenter: Presenter) -> None:
    login(client, "wang")
    number = _record(client)
    before = client.get(f"/staff/consultations/{number}/slip").content
    # The rules change: the provision this enterprise was advised on is worded differently in a new
    # rule-base version, and a new consultation is advised with it (into the same advice_text table).
    rule = rulebase.rules["joint-acceptance-small-industrial"]
    revised = {"zh": "修订后的办理方式（新版规则）", "en": "revised handling (new rules)"}
    given = advice(presenter, advisor.assess_data(WAREHOUSE))
    documents = {lang: dict(doc, rulebase_version="NEW-RULES-2") for lang, doc in given.documents.items()}
    provisions = {lang: {**body, "provisions": [dict(item, title=revised[lang]) if item["id"] == rule.id else item
                                                for item in body["provisions"]]}
                  for lang, body in given.texts.provisions.items()}  # the slip shows each provision by its title
    docs = Advice(documents, CatalogTexts(provisions, given.texts.questions))
    with Session(get_engine(), expire_on_commit=False) as session:
        staff = session.exec(select(StaffUser).where(StaffUser.name == "wang")).one()
        newer = record_consultation(session, staff, WAREHOUSE, docs, "zh")
        session.commit()
    assert "修订后的办理方式" in client.get(f"/staff/consultations/{newer.id}/slip").text
    after = client.get(f"/staff/consultations/{number}/slip").content
    assert after == before  # byte for byte: the old record still prints the advice it was given
    assert "修订后的办理方式" not in after.decode() and rule.spec.title.zh in after.decode()


def test_bad_answers_are_named_and_nothing_is_stored(client: httpx.Client) -> None:
    login(client, "wang")
    token = csrf_from(client.get("/staff/consultations/new").text)
    response = client.post("/staff/consultations", data={**FORM, "project.floor_area_m2": "lots",
                                                         "enterprise.credit_code": "123", "csrf_token": token})
    assert response.status_code == 422
    assert "应为18位" in response.text
    with Session(get_engine()) as session:
        assert session.exec(select(Consultation)).all() == []


def test_export_and_delete_are_admin_only_and_audited(client: httpx.Client) -> None:
    login(client, "wang")
    number = _record(client, contact="=HYPERLINK(1)")
    client.post("/staff/logout", data={"csrf_token": csrf_from(client.get("/staff/consultations").text)})
    login(client, "chief")
    export = client.get("/staff/export.csv", params={"applicant": "仓储"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert [row["id"] for row in rows] == [str(number)]
    assert rows[0]["contact"] == "'=HYPERLINK(1)"  # never a live formula in a spreadsheet
    token = csrf_from(client.get(f"/staff/consultations/{number}").text)
    assert client.post(f"/staff/consultations/{number}/delete", data={"csrf_token": token}).status_code == 200
    assert client.get(f"/staff/consultations/{number}").status_code == 404
    with Session(get_engine()) as session:
        events = {event.action: event for event in session.exec(select(AuditEvent))}
    assert {"login", "logout", "export", "delete"} <= set(events)
    assert events["delete"].actor_name == "chief" and str(number) in events["delete"].detail
    assert "仓储" not in events["export"].detail  # filter values are applicant data: not logged
    log_zh = client.get("/staff/admin/audit").text
    assert "导出咨询记录" in log_zh and "删除咨询记录" in log_zh and ">export<" not in log_zh
    assert "Consultations exported" in client.get("/staff/admin/audit", params={"lang": "en"}).text


def test_statistics_show_provisions_gaps_and_weeks(client: httpx.Client) -> None:
    login(client, "wang")
    _record(client)
    _record(client, **{"project.floor_area_m2": "", "project.small_scale": ""})
    page = client.get("/staff/stats").text
    assert page.count('<figure class="bars"') == 2
    assert "验收登记同步办理" in page
    provisions = page.split('id="provisions"')[1].split("</table>")[0]
    assert re.search(r"<td>\d+</td>", provisions)
    missing = page.split('id="missing"')[1].split("</table>")[0]
    # Both consultations left the same questions open: the top one counts 2 consultations.
    first_row = missing.split("<tbody>")[1].split("</tr>")[0]
    assert re.search(r"<td>[^<]+</td><td>2</td>", first_row)
    weeks = page.split("<h2>每周咨询量</h2>")[1].split("</figure>")[0]
    assert re.search(r'<span class="bar-label">\d{4}-\d{2}-\d{2}</span>.*<text [^>]*class="bar-total">2</text>', weeks,
                     re.S)
