"""What the router says about a path, for the answers Starlette gets wrong."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Match
from starlette.types import Scope

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(app: Starlette, scope: Scope) -> str:
    """The ``Allow`` header of a 405: every method some route serves at the path. Starlette
    names only the methods of the first route that matched the path, and a path served by
    several routers has one route per method (``/rest/v1/prospects``: GET search, DELETE).
    Each method is tried against the router as a request would be (routes of included routers
    are nested in ways of FastAPI's own)."""
    return ", ".join(
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in app.router.routes)
    )
