"""Login and logout. Every failed login gets the same message, whether the name exists or not."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from advisor.storage import StaffUser, audit
from advisor.storage.staff import authenticate, rotate_nonce

from . import security
from .deps import DbDep, FormDep, optional_staff, render, set_cookie, signer

router = APIRouter()

# Keys of the message catalog (catalog/messages.yaml), shown in the page's language.
FAILED = "login_failed"
LOCKED = "login_locked"


def _safe_next(target: str | None) -> str:
    # Only our own staff pages: never an open redirect to another site.
    if target and target.startswith("/staff") and not target.startswith("//"):
        return target
    return "/staff/consultations"


@router.get("/staff", include_in_schema=False)
def staff_home() -> Response:
    return RedirectResponse("/staff/consultations", status_code=303)


@router.get("/staff/login", include_in_schema=False)
def login_page(request: Request, user: Annotated[StaffUser | None, Depends(optional_staff)],
               next: Annotated[str | None, Query()] = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "staff_login.html", {"next": _safe_next(next), "error": None})


@router.post("/staff/login", include_in_schema=False)
def login(request: Request, form: FormDep, db: DbDep) -> Response:
    name = str(form.get("name") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    address = request.client.host if request.client else None
    result = authenticate(db, name, password, address)
    if result.user is None:
        return render(request, "staff_login.html", {"next": target, "error": LOCKED if result.locked else FAILED},
                      status=401)
    assert result.user.id is not None
    response = RedirectResponse(target, status_code=303)
    token = signer(request).session_token(result.user.id, result.user.session_nonce)
    set_cookie(request, response, security.SESSION_COOKIE, token, max_age=security.SESSION_SECONDS)
    return response


@router.post("/staff/logout", include_in_schema=False)
def logout(request: Request, form: FormDep, db: DbDep,
           user: Annotated[StaffUser | None, Depends(optional_staff)]) -> Response:
    if user is not None:
        rotate_nonce(db, user)
        audit.record(db, "logout", user)
        db.commit()
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/staff")
    return response
