"""Partner keys on /api/v1: refused without a valid key when API_KEYS_REQUIRED=true, counted per key."""

import re

import httpx

from tests.staff.conftest import csrf_from, login


def _create_key(client: httpx.Client) -> str:
    login(client, "chief")
    token = csrf_from(client.get("/staff/admin/keys").text)
    page = client.post("/staff/admin/keys", data={"name": "蓉易享", "csrf_token": token}).text
    found = re.search(r'<code id="new-key">([^<]+)</code>', page)
    assert found
    return found.group(1)


def test_keys_required_refuses_missing_unknown_and_revoked_keys(client: httpx.Client, server_url: str,
                                                                keys_required: None) -> None:
    key = _create_key(client)
    with httpx.Client(base_url=server_url) as partner:
        for headers in ({}, {"X-API-Key": "qyk_not-a-real-key"}):
            refused = partner.get("/api/v1/questions", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["status"] == 401
        assert partner.get("/api/v1/questions", headers={"X-API-Key": key}).status_code == 200
        assert partner.get("/api/v1/questions", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    keys_page = client.get("/staff/admin/keys").text
    assert re.search(r'<td class="count">2</td>', keys_page)
    assert key not in keys_page  # shown once, at creation, never again
    revoke = re.search(r'action="(/staff/admin/keys/\d+/revoke)"', keys_page)
    assert revoke
    client.post(revoke.group(1), data={"csrf_token": csrf_from(keys_page)})
    with httpx.Client(base_url=server_url) as partner:
        assert partner.get("/api/v1/questions", headers={"X-API-Key": key}).status_code == 401


def test_without_the_setting_the_api_stays_open(client: httpx.Client, server_url: str) -> None:
    with httpx.Client(base_url=server_url) as anyone:
        assert anyone.get("/api/v1/questions").status_code == 200
