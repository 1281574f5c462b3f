"""The interactive API docs, Swagger UI at /docs and ReDoc at /redoc, that work offline.

FastAPI's own pages load both from a CDN and stay blank without internet, wrong for a
self-hosted service. These load, from /docs/assets, the copies that the ``fastapi-offline``
package ships: each of its releases bundles the Swagger UI 5 and ReDoc 2 of its day (1.7.7:
Swagger UI 5.32.6, ReDoc 2.5.3), so ``pip install -U fastapi-offline`` updates them. Its own
``FastAPIOffline`` factory is not used, as its pages cannot carry the policy below; the pages
come from FastAPI's documented self-hosting helpers.

Each page also carries a Content-Security-Policy that lets it fetch from the server alone:
ReDoc's side menu shows Redocly's logo from their CDN, and no ReDoc option turns that off;
blocked, the image hides itself. The policy confines fetches, it is not an XSS defence, so
FastAPI's inline start-up script is allowed as it is.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS_PACKAGE = ("fastapi_offline", "static")
ASSETS_PATH = "/docs/assets"
SERVER_ONLY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # FastAPI's start-up script is inline
        "style-src 'self' 'unsafe-inline'",  # both UIs style their components inline
        "img-src 'self' data:",  # Swagger UI's icons are data: URLs
        "worker-src 'self' blob:",  # ReDoc's search runs in a worker made from a blob
    )
)


def install_docs(app: FastAPI) -> None:
    """/docs, /redoc and their assets; create the app with ``docs_url=None, redoc_url=None``."""
    app.mount(ASSETS_PATH, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        return _confined(page)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )
        return _confined(page)


def _root(request: Request) -> str:
    """The prefix a proxy mounts the service under (``--root-path``), as FastAPI's pages use."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _confined(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = SERVER_ONLY
    return page
