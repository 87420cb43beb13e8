"""Admin pages: partner API keys (create, revoke, request counts) and the audit log."""

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from advisor.storage import audit
from advisor.storage.apikeys import create_key, list_keys, revoke_key

from .deps import AdminDep, DbDep, FormDep, render

router = APIRouter()


@router.get("/staff/admin/keys", include_in_schema=False)
def keys_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    request.app.state.api_keys.flush()  # this worker's counts so far; other workers' within their flush interval
    return render(request, "keys.html", {"keys": list_keys(db), "new_key": None}, user=admin)


@router.post("/staff/admin/keys", include_in_schema=False)
def keys_create(request: Request, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    client, key = create_key(db, str(form.get("name") or ""), admin)
    db.commit()
    # The key is shown on this one response and never again; only its hash is stored.
    return render(request, "keys.html", {"keys": list_keys(db), "new_key": key, "new_name": client.name},
                  user=admin)


@router.post("/staff/admin/keys/{client_id}/revoke", include_in_schema=False)
def keys_revoke(request: Request, client_id: int, form: FormDep, db: DbDep, admin: AdminDep) -> Response:
    if not revoke_key(db, client_id, admin):
        raise HTTPException(404, "没有这个有效密钥 / no such active key")
    db.commit()
    request.app.state.api_keys.invalidate()  # refused here at once; on other workers and hosts within the cache time
    return RedirectResponse("/staff/admin/keys", status_code=303)


@router.get("/staff/admin/audit", include_in_schema=False)
def audit_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    return render(request, "audit.html", {"events": audit.recent(db, 200)}, user=admin)
