"""In real Chromium, an admin uploads a registry and a reform on the simulations page, follows the job and reads
the report with its charts, zh and en, desktop and mobile: axe-core, tap targets, screenshots."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from advisor.batch.synth import write_synthetic
from advisor.rulebase import RuleBase
from advisor.settings import Settings
from advisor.storage import get_engine, reset_engine, upgrade
from advisor.storage.staff import create_staff
from tests.browser import VIEWPORTS, launch, needs_chromium, screenshot, serious_violations, small_tap_targets
from tests.servers import serving

pytestmark = needs_chromium
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reforms"
PASSWORD = "a long enough secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'advisor.db'}")
        patch.setenv("SECRET_KEY", "test-secret-key-for-signing-cookies")
        reset_engine()
        upgrade()
        with Session(get_engine()) as session:
            create_staff(session, "chief", PASSWORD, "admin")
            session.commit()
        with serving(Settings(data_dir=folder, batch_workers=1, batch_heartbeat_seconds=0.5)) as (url, _):  # type: ignore[arg-type]
            yield url
        reset_engine()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def test_an_admin_runs_a_simulation_and_reads_the_report(browser, server: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         rulebase: RuleBase) -> None:
    registry = tmp_path / "registry.csv"
    write_synthetic(registry, 800, 2, rulebase)
    context = browser.new_context(base_url=server, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto("/staff/admin/simulations")
    page.fill("input[name=name]", "chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/admin/simulations")
    screenshot(page, "staff-simulations-zh-desktop")
    assert serious_violations(page) == []
    page.set_input_files("#sim-file", str(registry))
    page.set_input_files("#sim-reform", str(EXAMPLES / "joint-acceptance-2000.yaml"))
    page.click("button.primary")
    page.wait_for_url("**/staff/admin/simulations/*")
    deadline = time.monotonic() + 120
    while page.locator("div.report").count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator("h1").inner_text().startswith("改革测算：验收登记同步办理的面积上限")
    assert page.locator("div.report svg").count() == 2 and page.locator("div.report table").count() == 4
    screenshot(page, "staff-simulation-report-zh-desktop")
    assert serious_violations(page) == []
    report_url = page.url
    for lang, viewport in (("en", "desktop"), ("zh", "mobile"), ("en", "mobile")):
        mobile = context.new_page() if viewport == "desktop" else browser.new_context(
            base_url=server, viewport=VIEWPORTS[viewport], storage_state=context.storage_state()).new_page()
        mobile.goto(report_url + ("?lang=en" if lang == "en" else ""))
        screenshot(mobile, f"staff-simulation-report-{lang}-{viewport}")
        if viewport == "mobile":
            assert small_tap_targets(mobile) == []
            # the report fits the phone: nothing wider than the screen but the tables, which scroll
            assert mobile.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["mobile"]["width"] + 1
    page.goto("/staff/admin/simulations?lang=en")
    assert page.locator("table tbody tr").count() == 1 and "done" in page.locator("table tbody").inner_text()
    screenshot(page, "staff-simulations-en-desktop")
    phone = browser.new_context(base_url=server, viewport=VIEWPORTS["mobile"],
                                storage_state=context.storage_state()).new_page()
    phone.goto("/staff/admin/simulations")
    screenshot(phone, "staff-simulations-zh-mobile")
    assert small_tap_targets(phone) == [] and serious_violations(phone) == []
