"""The web application: pages and JSON API over one shared Advisor per process.

`create_app` is a factory (uvicorn --factory, `advisor serve`): each worker process builds its
own Advisor once, at start, and every request reuses it.
"""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.settings import UPLOAD_PATH, Settings, read_settings
from advisor.storage import engine_for

from . import api, health, pages, staff
from .api.models import WAREHOUSE
from .caching import CatalogCache
from .docs import install_docs
from .metrics import router as metrics_router
from .middleware.bodylimit import BodyLimit
from .middleware.compression import IsalGZipMiddleware
from .middleware.layer import RequestLayer
from .middleware.ratelimit import ApiRateLimiter
from .openapi import TITLE, complete, operation_id
from .problems import install_handlers
from .staff.apikeys import flushing, install_key_registry
from .staff.security import Signer, secret_key

STATIC_DIR = Path(__file__).parent / "static"
# Bodies smaller than this go out as they are: compressing them would save too little to pay for itself.
GZIP_MINIMUM_BYTES = 1024

DESCRIPTION = """Eligibility advice for Qingyang District's business-environment plan 青委办字〔2020〕55号.

Send an enterprise profile, get every provision judged **eligible**, **undetermined** (with the
questions that would settle it) or **not eligible** (with the failing condition and the smallest
change), each with the plan's verbatim quote, where to apply and the materials.

Errors are `application/problem+json` (RFC 9457) with `errors: [{path, message}]`, one per bad
field, in the request's language (`lang` in the body, `?lang=`, or `Accept-Language`; zh by default).
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything built at start-up (the rule base, the engine, the caches) lives as long as the
    # process: moved out of the collector's way, worst-case pauses shrink (research notes).
    gc.freeze()
    await app.state.rate_limiter.check_storage()  # a shared storage that does not answer is said at start
    async with flushing(app):  # the API keys' request counts, written in batches
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app with its settings (from the environment by default)."""
    settings = settings or read_settings()
    app = FastAPI(title=TITLE, version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  lifespan=_lifespan, generate_unique_id_function=operation_id)
    app.state.settings = settings
    app.state.engine = engine_for(settings)  # the database of these settings, not of the environment
    app.state.signer = Signer(secret_key(settings))
    app.state.advisor = advisor = Advisor(memo_size=settings.memo_findings)
    app.state.presenter = Presenter(advisor.rulebase)
    app.state.catalog_cache = CatalogCache()
    install_key_registry(app, settings)
    app.state.rate_limiter = ApiRateLimiter(settings)

    install_handlers(app)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(staff.router)
    app.include_router(metrics_router)

    app.add_middleware(IsalGZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    # Outermost, one pass: request id, body limit, rate-limit, API and security headers, access line, metrics;
    # CORS inside it, so a preflight is logged and a 413 carries the CORS headers too (web/middleware/layer.py).
    cors = None
    if settings.cors_origins:
        cors = {"allow_origins": list(settings.cors_origins), "allow_methods": ["GET", "POST"],
                "allow_headers": ["*"], "expose_headers": ["X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining",
                                                           "RateLimit-Reset", "Retry-After"]}
    body_limit = BodyLimit(max_bytes=settings.max_body_bytes, upload_path=UPLOAD_PATH,
                           max_upload_bytes=settings.max_upload_bytes, timeout_seconds=settings.body_timeout_seconds)
    app.add_middleware(RequestLayer, rulebase_version=advisor.rulebase.version, body_limit=body_limit,
                       frame_ancestors=settings.frame_ancestors, cors=cors)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document (completed by web.openapi), with a worked example of an assessment computed by
    this rule base."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                         separate_input_output_schemas=False)
    complete(schema, app.state.presenter.rulebase.questions, app.state.settings.api_keys_required)
    document = orjson.loads(app.state.presenter.assessment_json(app.state.advisor.assess_data(WAREHOUSE), "en"))
    keep = [f for f in document["findings"] if f["id"] == "joint-acceptance-small-industrial"]
    keep += [f for f in document["findings"] if f["status"] == "undetermined"][:1]
    document["findings"] = keep
    document["checks"] = _reached(document["checks"], [finding["conditions"] for finding in keep])
    document["questions_to_settle"] = document["questions_to_settle"][:2]
    document["checklist"] = document["checklist"][:2]
    post = schema["paths"]["/api/v1/assessments"]["post"]
    post["responses"]["200"]["content"]["application/json"]["example"] = document
    app.openapi_schema = schema
    return schema


def _reached(checks: dict[str, Any], roots: list[str]) -> dict[str, Any]:
    """The conditions of `checks` reached from `roots`, in the document's order."""
    reached: set[str] = set()
    stack = list(roots)
    while stack:
        ident = stack.pop()
        if ident not in reached:
            reached.add(ident)
            stack.extend(checks[ident].get("items", []))
    return {ident: node for ident, node in checks.items() if ident in reached}
