"""The operations dashboard and the API documentation, served by ODM itself.

Every file a page loads comes from this app: the dashboard's HTML, CSS and JavaScript
modules, its charting library (uPlot, vendored with its licence), and Swagger UI for `/docs`
(from the pinned `swagger-ui-bundle-v2` package), so both work on a network without internet.
The pages hold no data: they read the v1 API with the caller's key, like any other client.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER = Path(swagger_ui_bundle.swagger_ui_path)
# Pages and assets only: no data, so no caller is needed to load them. A strict policy keeps
# every request on this server, so a page cannot leak a key to, or load code from, elsewhere.
DOCS_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = DOCS_HEADERS | {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}


async def show_dashboard() -> FileResponse:
    """The operations dashboard (a single page: overview, divisions, wells)."""
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)


async def show_api_docs() -> HTMLResponse:
    """Swagger UI over /openapi.json, its scripts and styles served from this app."""
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="ODM: API documentation",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
    )
    page.headers.update(DOCS_HEADERS)  # its inline start-up script rules out a CSP here
    return page


def install_web(app: FastAPI) -> None:
    """Serve the dashboard at `/` and the API documentation at `/docs`, all from local files.

    The app must be built with `docs_url=None` and `redoc_url=None` (FastAPI's own pages load
    Swagger UI and ReDoc from a CDN)."""
    app.add_api_route("/", show_dashboard, include_in_schema=False)
    app.add_api_route("/docs", show_api_docs, include_in_schema=False)
    app.mount("/docs/assets", StaticFiles(directory=SWAGGER), name="swagger-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="dashboard-assets")
