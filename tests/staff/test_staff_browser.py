"""In real Chromium: a staff member logs in, records a consultation, finds it in the list, opens the slip."""

from pathlib import Path

import pytest

from tests.staff.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium not installed: run make system-deps")


def test_staff_records_a_consultation_and_prints_the_slip(server_url: str, database: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.goto(f"{server_url}/staff/consultations")
            assert "/staff/login" in page.url  # anonymous: sent to the login page
            page.fill("input[name=name]", "wang")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/staff/consultations")
            page.click("text=新建咨询 New")
            page.fill("input[name=applicant_name]", "成都浏览器测试仓储有限公司")
            page.fill("input[name=credit_code]", "91350100M000100Y43")
            page.select_option("select[name='enterprise.in_qingyang']", "true")
            page.select_option("select[name='enterprise.size']", "small")
            page.select_option("select[name='project.in_qingyang']", "true")
            page.select_option("select[name='project.has_project']", "true")
            page.select_option("select[name='project.type']", "warehouse")
            page.select_option("select[name='project.low_risk']", "true")
            page.fill("input[name='project.floor_area_m2']", "1200")
            page.click("text=评估并保存 Assess and save")
            page.wait_for_url("**/staff/consultations/*")
            record_url = page.url
            page.click("text=咨询记录 Records")
            page.fill("input[name=applicant]", "浏览器测试")
            page.click("text=查询 Search")
            rows = page.locator("tr.consultation")
            assert rows.count() == 1
            assert "成都浏览器测试仓储有限公司" in rows.first.inner_text()
            rows.first.locator("text=意见书 Slip").click()
            page.wait_for_url("**/slip")
            assert page.url.startswith(record_url)
            slip = page.locator("article.slip")
            assert "政策咨询意见书" in slip.inner_text()
            assert slip.locator("li.finding").count() >= 1
        finally:
            browser.close()
