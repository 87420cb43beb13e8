"""Admin pages: partner API keys (create, revoke, request counts), staff accounts (unlock,
deactivate, activate, reset a password; each audited) and the audit log."""

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from advisor.messages import message_both, translator
from advisor.storage import audit
from advisor.storage import staff as accounts
from advisor.storage.apikeys import create_key, list_keys, revoke_key
from advisor.storage.consultations import MAX_ID
from advisor.storage.fields import text_problem

from ..pages.render import page_lang
from .deps import AdminDep, DbDep, FormDep, render

router = APIRouter()


@router.get("/staff/admin/keys", include_in_schema=False)
def keys_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    request.app.state.api_keys.flush()  # this worker's counts so far; other workers' within their flush interval
    return render(request, "staff_keys.html", {"keys": list_keys(db), "new_key": None}, user=admin)


@router.post("/staff/admin/keys", include_in_schema=False)
def keys_create(request: Request, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    name = str(form.get("name") or "")
    problem = text_problem(name, 120)
    if problem:  # a NUL or an over-long name is a field error, never a database error
        lang = page_lang(request)
        message = problem[0 if lang == "zh" else 1]
        raise HTTPException(422, translator(lang)("field_problem", field="name", problem=message))
    client, key = create_key(db, name, admin)
    db.commit()
    # The key is shown on this one response and never again; only its hash is stored.
    return render(request, "staff_keys.html", {"keys": list_keys(db), "new_key": key, "new_name": client.name},
                  user=admin)


@router.post("/staff/admin/keys/{client_id}/revoke", include_in_schema=False)
def keys_revoke(request: Request, client_id: int, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    if not 0 < client_id <= MAX_ID or not revoke_key(db, client_id, admin):
        raise HTTPException(404, message_both("staff_no_key"))
    db.commit()
    request.app.state.api_keys.invalidate()  # refused here at once; on other workers and hosts within the cache time
    return RedirectResponse("/staff/admin/keys" + ("?lang=en" if page_lang(request) == "en" else ""),
                            status_code=303)


@router.get("/staff/admin/audit", include_in_schema=False)
def audit_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    return render(request, "staff_audit.html", {"events": audit.recent(db, 200)}, user=admin)


@router.get("/staff/admin/accounts", include_in_schema=False)
def accounts_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    return render(request, "staff_accounts.html", {"accounts": accounts.list_staff(db)}, user=admin)


_ACTIONS = ("unlock", "deactivate", "activate", "reset-password")


@router.post("/staff/admin/accounts/{action}", include_in_schema=False)
def accounts_change(request: Request, action: str, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    if action not in _ACTIONS:
        raise HTTPException(404, message_both("staff_no_action"))
    name = str(form.get("name") or "")
    try:
        if action == "unlock":
            accounts.unlock(db, name, admin)
        elif action == "reset-password":
            accounts.reset_password(db, name, str(form.get("password") or ""), admin)
        else:
            accounts.set_active(db, name, action == "activate", admin)
    except accounts.StaffError as error:
        db.rollback()
        return render(request, "staff_accounts.html", {"accounts": accounts.list_staff(db), "error": str(error)},
                      status=422, user=admin)
    db.commit()
    done = translator(page_lang(request))(f"done_{action}", name=name)
    return render(request, "staff_accounts.html", {"accounts": accounts.list_staff(db), "message": done},
                  user=admin)
