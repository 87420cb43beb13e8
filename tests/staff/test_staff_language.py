"""The login and admin pages speak one language at a time: no Chinese UI text on ?lang=en, no English on zh.

Data the staff typed (partner and staff names, a key's prefix) and the language switch itself (marked with
its own lang attribute) are not UI text and are left out of the check."""

import html
import re
from html.parser import HTMLParser

import httpx

from tests.staff.conftest import PASSWORD, csrf_from, login

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ZH_ALLOWED = {"API", "UTC"}  # "API密钥": the term the partners use; "UTC+8" after every time shown
SHOWN_ATTRIBUTES = ("placeholder", "data-confirm", "aria-label", "title", "alt")
PARTNER = "Rong Partner"


class UiText(HTMLParser):
    """The text a person reads or hears on a page, outside <code> and outside elements marked with a lang."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its text left out?
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = (bool(self.stack) and self.stack[-1]) or tag in ("code", "script", "style") or (
            "lang" in values and tag != "html")
        if not skipped:
            self.texts += [values[name] or "" for name in SHOWN_ATTRIBUTES if name in values]
        if tag not in ("input", "meta", "link", "br", "img"):
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("input", "meta", "link", "br", "img") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.texts.append(data)


def ui_text(page: str, data: tuple[str, ...]) -> str:
    parser = UiText()
    parser.feed(page)
    text = " ".join(parser.texts)
    for value in data:
        text = text.replace(value, " ")
    return text


def assert_one_language(page: str, lang: str, data: tuple[str, ...]) -> None:
    text = ui_text(page, data)
    if lang == "en":
        assert not CJK.findall(text), f"Chinese on an English page: {CJK.findall(text)} in {text!r}"
    else:
        english = [word for word in LATIN_WORD.findall(text) if word not in ZH_ALLOWED]
        assert not english, f"English on a Chinese page: {english} in {text!r}"


def test_login_page_is_in_one_language(client: httpx.Client) -> None:
    for lang, failed in (("zh", "登录名或密码不正确"), ("en", "Wrong name or password")):
        page = client.get("/staff/login", params={"lang": lang} if lang == "en" else {}).text
        assert_one_language(page, lang, ())
        token = csrf_from(page)
        suffix = "?lang=en" if lang == "en" else ""
        refused = client.post(f"/staff/login{suffix}", data={"name": "wang", "password": "wrong password!",
                                                             "csrf_token": token})
        assert refused.status_code == 401 and failed in refused.text
        assert_one_language(refused.text, lang, ())


def test_anonymous_english_visitor_gets_the_english_login(client: httpx.Client) -> None:
    response = client.get("/staff/admin/keys?lang=en", follow_redirects=True)
    assert "Staff login" in response.text and "登录" not in ui_text(response.text, ())
    token = csrf_from(response.text)
    form = re.search(r'<form method="post" action="([^"]+)"', response.text)
    target = re.search(r'name="next" value="([^"]+)"', response.text)
    assert form is not None and form.group(1) == "/staff/login?lang=en" and target is not None
    back = client.post(form.group(1), data={"name": "chief", "password": PASSWORD, "csrf_token": token,
                                            "next": html.unescape(target.group(1))})
    assert back.url.path == "/staff/admin/keys" and "Partner API keys" in back.text


def test_keys_and_accounts_pages_are_in_one_language(client: httpx.Client) -> None:
    login(client, "chief")
    token = csrf_from(client.get("/staff/admin/keys").text)
    created = client.post("/staff/admin/keys?lang=en", data={"name": PARTNER, "csrf_token": token})
    assert "New key for Rong Partner (shown only once)" in created.text
    prefix = re.search(r"<code>([^<]+)…</code>", created.text)
    assert prefix is not None
    data = (PARTNER, prefix.group(1), "chief", "wang")
    assert_one_language(created.text, "en", data)
    for lang in ("zh", "en"):
        keys = client.get("/staff/admin/keys", params={"lang": lang} if lang == "en" else {}).text
        assert_one_language(keys, lang, data)
        confirm = re.search(r'data-confirm="([^"]+)"', keys)
        assert confirm is not None and PARTNER in confirm.group(1)
        assert ("Revoke the key" in confirm.group(1)) == (lang == "en")
        accounts = client.get("/staff/admin/accounts", params={"lang": lang} if lang == "en" else {}).text
        assert_one_language(accounts, lang, data)
    revoke = re.search(r'action="(/staff/admin/keys/\d+/revoke\?lang=en)"', keys)
    assert revoke is not None
    revoked = client.post(revoke.group(1), data={"csrf_token": csrf_from(keys)}, follow_redirects=False)
    assert revoked.status_code == 303 and revoked.headers["location"] == "/staff/admin/keys?lang=en"
