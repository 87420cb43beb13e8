"""A rule base whose catalog gives one office an address, hours and phone from a dated public page: the
shipped catalog has none (no public page was found), so the tests of how they are shown bring their own."""

from dataclasses import replace

from advisor.catalog import OfficeContact, Source
from advisor.rulebase import RuleBase
from advisor.text import Text

CONTACT_PAGE = Source(id="test-office-page", title="测试用公开页面", date="2026-12-01", confidence="High",
                      url="https://example.gov.cn/office", says=Text(zh="测试", en="test"))


def with_contact(rulebase: RuleBase, office_id: str) -> RuleBase:
    """The rule base with one office given an address, hours and phone from a dated public page."""
    catalog = rulebase.catalog
    office = catalog.offices[office_id].model_copy(update={"contact": OfficeContact(
        address=Text(zh="青羊区测试路1号", en="1 Test Road, Qingyang"), hours=Text(zh="工作日9:00-17:00",
                                                                            en="Weekdays 9:00-17:00"),
        phone="028-00000000", source=CONTACT_PAGE.id)})
    changed = catalog.model_copy(update={"offices": {**catalog.offices, office_id: office},
                                         "sources": {**catalog.sources, CONTACT_PAGE.id: CONTACT_PAGE}})
    return replace(rulebase, catalog=changed)
