"""An office's address, hours and phone come only from a public page recorded with its address and date
(catalog/sources.yaml): the loader refuses any other, the cards and the print view show them with that
page, and an office without one points to 96963 as before."""

from urllib.parse import urlencode

import httpx
import pytest
from pydantic import ValidationError

from advisor.catalog import Office, OfficeContact, check_contact
from advisor.present import Presenter
from advisor.rulebase import RuleBase
from advisor.text import Text
from tests.offices import CONTACT_PAGE, with_contact
from tests.walkins import WALK_INS


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _office(rulebase: RuleBase, source: str) -> Office:
    return rulebase.catalog.offices["service-centre"].model_copy(update={"contact": OfficeContact(
        phone="028-00000000", source=source)})


def test_a_contact_comes_from_a_public_page_with_its_address_and_date(rulebase: RuleBase) -> None:
    sources = {CONTACT_PAGE.id: CONTACT_PAGE}
    check_contact(_office(rulebase, CONTACT_PAGE.id), sources)
    with pytest.raises(ValueError, match="unknown source"):
        check_contact(_office(rulebase, "nowhere"), sources)
    for missing in ("url", "date"):
        vague = CONTACT_PAGE.model_copy(update={missing: None})
        with pytest.raises(ValueError, match="needs the page's url and date"):
            check_contact(_office(rulebase, CONTACT_PAGE.id), {CONTACT_PAGE.id: vague})
    with pytest.raises(ValidationError, match="an address, hours or a phone"):
        OfficeContact(source=CONTACT_PAGE.id)
    assert OfficeContact(address=Text(zh="地址", en="address"), source="x").hours is None


@pytest.mark.anyio
async def test_cards_and_print_view_show_a_sourced_contact_and_otherwise_96963(rulebase: RuleBase) -> None:
    from web.app import create_app

    app = create_app()
    query = urlencode([*[("topic", topic) for topic in WALK_INS[0].topics], *WALK_INS[0].answers()])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        plain = (await client.get(f"/results?{query}")).text
        assert "office-contact" not in plain and "96963" in plain
        app.state.presenter = Presenter(with_contact(rulebase, "dept-housing-construction"))
        page = (await client.get(f"/results?{query}")).text
        printed = (await client.get(f"/results?{query}&view=print")).text
        english = (await client.get(f"/results?{query}&lang=en")).text
    card = page.split('id="r-joint-acceptance-small-industrial"')[1].split("</article>")[0]
    for part in ("地址：青羊区测试路1号", "办公时间：工作日9:00-17:00", "电话：028-00000000",
                 "来源：测试用公开页面（2026-12-01）"):
        assert part in card, part
    line = printed.split('data-rule="joint-acceptance-small-industrial"')[1].split("</li>")[0]
    assert "地址：青羊区测试路1号" in line and "电话：028-00000000" in line
    assert "Address: 1 Test Road, Qingyang" in english and "Hours: Weekdays 9:00-17:00" in english
    assert "96963" in page  # other offices, and the window section, keep the hotline
