"""Interactive API docs at /docs that work on an isolated network.

FastAPI's default page loads Swagger UI from a CDN. The assets shipped in the `fastapi-offline`
package (PyPI) are served from /static-docs instead; without that package a small self-contained
page lists the endpoints from /openapi.json.
"""

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from .openapi import NAME_ZH


def swagger_assets() -> Path | None:
    """The folder with swagger-ui-bundle.js and swagger-ui.css, if the package is installed."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").exists() else None


_FALLBACK = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>API – 青羊惠企政策顾问</title>
<link rel="stylesheet" href="/static/style.css"></head><body><main class="page">
<h1>API reference</h1><p>The machine-readable description is at <a href="/openapi.json">/openapi.json</a>.</p>
<div id="ops"><noscript>Open /openapi.json for the endpoints.</noscript></div></main>
<script src="/static/docs.js"></script></body></html>"""


def install_docs(app: FastAPI) -> None:
    """Mount /docs: Swagger UI from local assets, or the minimal fallback page."""
    folder = swagger_assets()
    if folder is not None:
        app.mount("/static-docs", StaticFiles(directory=folder), name="static-docs")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if folder is None:
            return HTMLResponse(_FALLBACK)
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} – {NAME_ZH}",
                                   swagger_js_url="/static-docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static-docs/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")
