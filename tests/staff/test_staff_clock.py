"""The three times a clerk sees for one record (the list, 此前的咨询 on a later record, the slip) and the
dates the window fills in are the district's, at hours where the machine's UTC date is another day."""

import re
from datetime import date, datetime

import httpx

from advisor import clock
from tests.staff.conftest import login
from tests.staff.test_staff_consultations import _record


def test_a_record_shows_one_local_time_everywhere(client: httpx.Client, moment: tuple[datetime, date],
                                                  process_zone: str) -> None:
    when, district_day = moment
    shown = when.astimezone(clock.DISTRICT).strftime("%Y-%m-%d %H:%M") + " UTC+8"
    login(client, "wang")
    with clock.frozen(when):
        review = client.get("/staff/consultations/new/review", params={"lang": "zh"}).text
        assert re.search(rf'name="as_of"[^>]*value="{district_day.isoformat()}"', review)
        first = _record(client)
        second = _record(client)
        listing = client.get("/staff/consultations").text
        record = client.get(f"/staff/consultations/{second}").text
        slip = client.get(f"/staff/consultations/{first}/slip").text
        stats = client.get("/staff/stats").text
    row = re.search(rf'href="/staff/consultations/{first}[^"]*">#{first}.*?</tr>', listing, re.S)
    assert row and shown in row.group(0)
    history = re.search(rf'<li><a href="/staff/consultations/{first}[^"]*">#{first}</a>([^<]*)', record)
    assert history and shown in history.group(1)
    assert f"{shown} · " in slip and f"{district_day.isoformat()}" in slip
    # The statistics count the two on the district's week.
    monday = date.fromordinal(district_day.toordinal() - district_day.weekday())
    assert monday.isoformat() in stats
