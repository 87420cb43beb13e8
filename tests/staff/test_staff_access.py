"""Access control: anonymous visitors go to the login page, staff cannot reach admin pages,
a form without its CSRF token is refused, and a failed login never says whether the name exists."""

import httpx
import pytest

from tests.staff.conftest import csrf_from, login

STAFF_PAGES = ["/staff/consultations", "/staff/consultations/new", "/staff/consultations/1",
               "/staff/consultations/1/slip", "/staff/stats"]
ADMIN_PAGES = ["/staff/export.csv", "/staff/admin/keys", "/staff/admin/audit"]
ADMIN_POSTS = ["/staff/consultations/1/delete", "/staff/admin/keys", "/staff/admin/keys/1/revoke"]


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES)
def test_anonymous_visitor_is_sent_to_login(client: httpx.Client, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=")
    assert "consultation" not in response.text.lower() or "login" in response.text.lower()


@pytest.mark.parametrize("path", [*ADMIN_POSTS, "/staff/consultations"])
def test_anonymous_posts_are_refused(client: httpx.Client, path: str) -> None:
    token = csrf_from(client.get("/staff/login").text)
    response = client.post(path, data={"csrf_token": token, "name": "x"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_member_is_refused_admin_pages(client: httpx.Client, path: str) -> None:
    login(client, "wang")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_staff_member_is_refused_admin_actions(client: httpx.Client, path: str) -> None:
    login(client, "wang")
    token = csrf_from(client.get("/staff/consultations").text)
    assert client.post(path, data={"csrf_token": token, "name": "x"}).status_code == 403


def test_admin_reaches_admin_pages(client: httpx.Client) -> None:
    login(client, "chief")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_form_post_without_csrf_token_is_refused(client: httpx.Client) -> None:
    client.get("/staff/login")  # the browser has the CSRF cookie, but the form lacks the token
    response = client.post("/staff/login", data={"name": "wang", "password": "a long enough secret"},
                           follow_redirects=False)
    assert response.status_code == 403
    login(client, "chief")
    response = client.post("/staff/admin/keys", data={"name": "蓉易享", "csrf_token": "forged"})
    assert response.status_code == 403


def test_wrong_password_and_unknown_name_look_the_same(client: httpx.Client) -> None:
    pages = []
    for name in ("wang", "nobody-here"):
        token = csrf_from(client.get("/staff/login").text)
        response = client.post("/staff/login", data={"name": name, "password": "wrong password!",
                                                     "csrf_token": token})
        assert response.status_code == 401
        pages.append(response.text.replace(token, "TOKEN"))
    assert pages[0] == pages[1]
    assert "登录名或密码不正确" in pages[0]
    assert "qy_staff" not in client.cookies


def test_session_cookie_flags_and_logout_ends_the_session(client: httpx.Client) -> None:
    token = csrf_from(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"name": "wang", "password": "a long enough secret",
                                                 "csrf_token": token}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # plain http in tests
    stolen = client.cookies.get("qy_staff")
    page = client.get("/staff/consultations")
    assert page.status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_from(page.text)})
    client.cookies.set("qy_staff", stolen, path="/staff")  # a copy of the old cookie no longer works
    assert client.get("/staff/consultations", follow_redirects=False).status_code == 303


def test_tampered_session_cookie_is_rejected(client: httpx.Client) -> None:
    login(client, "wang")
    value = client.cookies.get("qy_staff")
    assert value
    client.cookies.set("qy_staff", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/staff")
    assert client.get("/staff/consultations", follow_redirects=False).status_code == 303


def test_login_does_not_redirect_off_site(client: httpx.Client) -> None:
    token = csrf_from(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"name": "wang", "password": "a long enough secret",
                                                 "csrf_token": token, "next": "https://evil.example/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/staff/consultations"
