"""Dependencies of the staff pages: the database session, the logged-in user, CSRF, rendering."""

import logging
import math
import time
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from advisor.messages import message, message_both
from advisor.storage import StaffUser

from ..pages.render import render as render_page
from . import security

log = logging.getLogger("web.staff")
# A cookie signed under another key is worth telling the operator, once a minute at most: anyone can
# send such a cookie, and the log must not fill with them.
FOREIGN_WARNING_SECONDS = 60.0


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request, on the app's database."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]


def signer(request: Request) -> security.Signer:
    """The app's signer of cookies and form tokens (made from its settings' secret key)."""
    return request.app.state.signer  # type: ignore[no-any-return]


def _log_refused_cookie(request: Request, verdict: security.Verdict, own_key_id: str) -> None:
    state = request.app.state
    if verdict is security.Verdict.FOREIGN:
        if time.monotonic() - getattr(state, "foreign_cookie_warned_at", -math.inf) >= FOREIGN_WARNING_SECONDS:
            state.foreign_cookie_warned_at = time.monotonic()
            log.warning("a staff session cookie was signed under another secret key than this server's (key id "
                        "%s): signed by another host or worker? Set the same ADVISOR_SECRET_KEY on every host",
                        own_key_id)
    elif verdict is security.Verdict.ALTERED:
        log.info("an altered or damaged staff session cookie was refused")


def optional_staff(request: Request, db: DbDep) -> StaffUser | None:
    """The logged-in staff member, or None."""
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        return None
    cookies = signer(request)
    verdict, found = cookies.check_session(token)
    if found is None:
        _log_refused_cookie(request, verdict, cookies.key_id)
        return None
    user = db.get(StaffUser, found[0])
    if user is None or not user.active or user.session_nonce != found[1]:
        return None
    return user


def require_staff(request: Request, user: Annotated[StaffUser | None, Depends(optional_staff)]) -> StaffUser:
    """The logged-in staff member; an anonymous visitor is sent to the login page."""
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        lang = "&lang=en" if request.query_params.get("lang") == "en" else ""  # the login page in the same language
        raise HTTPException(303, "login required", headers={"Location": f"/staff/login?next={quote(target)}{lang}"})
    return user


def require_admin(user: Annotated[StaffUser, Depends(require_staff)]) -> StaffUser:
    """The logged-in admin; a staff member without the admin role is refused (403)."""
    if user.role != "admin":
        raise HTTPException(403, message_both("staff_admins_only"))
    return user


StaffDep = Annotated[StaffUser, Depends(require_staff)]
AdminDep = Annotated[StaffUser, Depends(require_admin)]


async def checked_form(request: Request) -> FormData:
    """The posted form, refused (403) unless its CSRF token matches the CSRF cookie and the session."""
    form = await request.form()
    token = form.get("csrf_token")
    if not signer(request).csrf_ok(request.cookies.get(security.CSRF_COOKIE), token if isinstance(token, str) else None,
                            request.cookies.get(security.SESSION_COOKIE)):
        raise HTTPException(403, f"{message('staff_form_expired', 'en')} / {message('staff_form_expired', 'zh')}")
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           user: StaffUser | None = None) -> Response:
    """A staff page in the public pages' templates, one language at a time (?lang=en); sets the CSRF cookie
    when the browser has none and puts its token in the context."""
    cookie = request.cookies.get(security.CSRF_COOKIE)
    fresh = cookie is None or not cookie.isascii()  # a mangled cookie is replaced, never an error
    cookie = security.new_csrf_cookie() if fresh else cookie
    session = request.cookies.get(security.SESSION_COOKIE)
    session = session if session and session.isascii() else None
    context = {"user": user, "csrf_token": signer(request).csrf_token(cookie, session), **context}
    response = render_page(request, name, status_code=status, **context)
    response.headers["Cache-Control"] = "no-store"  # records must not linger in shared caches
    if fresh:
        set_cookie(request, response, security.CSRF_COOKIE, cookie, max_age=None, samesite="strict")
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None,
               samesite: str = "lax") -> None:
    """An HttpOnly cookie for /staff, Secure when the page was served over HTTPS."""
    response.set_cookie(name, value, max_age=max_age, path="/staff", httponly=True,
                        samesite=samesite,  # type: ignore[arg-type]
                        secure=request.url.scheme == "https")
