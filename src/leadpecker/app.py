"""The ASGI application: routers, error envelopes, middleware and lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from leadpecker import __version__
from leadpecker.accounts.dependencies import current_account
from leadpecker.accounts.endpoints import router as identity_router
from leadpecker.activity.endpoints import router as activity_router
from leadpecker.blacklist.endpoints import router as blacklist_router
from leadpecker.campaigns.endpoints import router as campaigns_router
from leadpecker.enrichment import service as enrichment
from leadpecker.enrichment.endpoints import router as enrichment_router
from leadpecker.followups.endpoints import router as followups_router
from leadpecker.http.bodies import (
    PayloadTooLarge,
    RequestBodyMiddleware,
    RequestTimeout,
    unread_body_response,
)
from leadpecker.http.dependencies import DatabaseDep
from leadpecker.http.docs import install_docs
from leadpecker.http.envelopes import (
    error_response,
    is_v1,
    method_not_allowed_response,
    not_found_response,
)
from leadpecker.http.failures import UnexpectedFailureMiddleware
from leadpecker.http.health import router as health_router
from leadpecker.http.observe import ObservingMiddleware, RoutedScopeMiddleware
from leadpecker.http.openapi import tailor_openapi
from leadpecker.http.ratelimit import RateLimitMiddleware, build_rate_limiter
from leadpecker.http.routes import allowed_methods
from leadpecker.http.validation import decoded_before_dependencies, to_bad_request
from leadpecker.kit import metrics
from leadpecker.kit.db import Database
from leadpecker.kit.errors import BadRequest, LeadpeckerError
from leadpecker.kit.json import JsonResponse
from leadpecker.kit.logs import configure_logging
from leadpecker.kit.migrate import head_revisions
from leadpecker.kit.process import tune_process
from leadpecker.kit.statistics import keep_statistics_fresh
from leadpecker.models import Base
from leadpecker.prospects.endpoints import router as prospects_router
from leadpecker.search.endpoints import router as search_router
from leadpecker.search.service import ProspectSearch
from leadpecker.settings import Settings, get_settings
from leadpecker.webhooks.dispatcher import build_dispatcher
from leadpecker.webhooks.endpoints import v1_router as webhooks_v1_router
from leadpecker.webhooks.endpoints import v2_router as webhooks_v2_router
from leadpecker.worker import build_worker

DESCRIPTION = """
A self-hosted, wire-compatible stand-in for the Woodpecker.co prospect API.

Authenticate with `x-api-key: <key>` (legacy HTTP Basic forms are accepted too). Errors come in
the envelope of the API version: v1 `{"status": {"status": "ERROR", "code", "msg"}}`, v2
`{"title", "status", "details", "timestamp", "extra"}`.
"""


def create_serving_process_app() -> FastAPI:
    """The app of one of ``serve --workers N``'s processes, logging and tuned as serve's."""
    settings = get_settings()
    configure_logging(settings)
    app = create_app(settings)
    tune_process()
    return app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings, timeout_seconds=settings.db_timeout_seconds)
        # The search keeps its caches (search/caches.py) for the life of the application.
        app.state.search = ProspectSearch(app.state.db)
        # Queuing sets this so an idle embedded worker starts at once instead of at its next poll.
        app.state.work_available = asyncio.Event()
        stop = asyncio.Event()
        background = []
        if settings.worker_embedded:
            worker = build_worker(app.state.db, settings)
            background.append(asyncio.create_task(worker.run(stop, app.state.work_available)))
        if settings.webhook_dispatcher_embedded:
            # Several serving processes (serve --workers N) each run one: leases share the work.
            dispatcher = build_dispatcher(app.state.db, settings)
            background.append(asyncio.create_task(dispatcher.run(stop)))
        if not app.state.db.dialect.analyzes_on_its_own and settings.sqlite_statistics_seconds > 0:
            tables = [table.name for table in Base.metadata.sorted_tables]
            background.append(
                asyncio.create_task(
                    keep_statistics_fresh(app.state.db, tables, stop, settings.sqlite_statistics_seconds)
                )
            )
        try:
            yield
        finally:
            stop.set()
            for task in background:
                await task
            await app.state.db.dispose()
            if limiter is not None:
                await limiter.close()

    app = FastAPI(
        title="leadpecker",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=JsonResponse,
        lifespan=lifespan,
        docs_url=None,  # install_docs: pages that work offline
        redoc_url=None,
        # No redirect to the path with(out) a trailing slash: Starlette's reflects the Host
        # header, and no Woodpecker client sends one; such a path is unknown (404).
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.include_router(prospects_router)
    app.include_router(search_router)
    app.include_router(campaigns_router)
    app.include_router(followups_router)
    app.include_router(activity_router)
    app.include_router(enrichment_router)
    app.include_router(identity_router)
    app.include_router(blacklist_router)
    app.include_router(webhooks_v1_router)
    app.include_router(webhooks_v2_router)

    app.include_router(health_router)

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics", response_class=Response)
    async def prometheus_metrics(db: DatabaseDep) -> Response:
        depth = await enrichment.queue_depth(db)
        degraded = limiter.degraded if limiter is not None else None
        return Response(
            metrics.exposition(depth, rate_limit_degraded=degraded), media_type=metrics.CONTENT_TYPE_LATEST
        )

    install_docs(app)
    tailor_openapi(app)
    _install_error_handlers(app)
    limiter = build_rate_limiter(settings)
    app.state.rate_limiter = limiter  # /readyz reads its state
    app.state.migration_heads = head_revisions(settings.database_url)
    app.add_middleware(RoutedScopeMiddleware)  # innermost: it sees the scope the router fills
    if limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(
        RequestBodyMiddleware,
        max_body_bytes=settings.max_body_bytes,
        body_timeout=settings.body_timeout_seconds,
    )
    app.add_middleware(UnexpectedFailureMiddleware)  # it answers for all the others …
    app.add_middleware(ObservingMiddleware)  # … and this one times, logs and counts its answers too
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LeadpeckerError)
    async def domain_error(request: Request, exc: LeadpeckerError) -> Response:
        return error_response(request.url.path, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        path = request.url.path
        if decoded_before_dependencies(exc):
            # FastAPI decodes a JSON body before the endpoint's dependencies run, so without
            # this a caller with no valid key would learn that its body is malformed; the key
            # is checked first everywhere else (a body of the wrong shape answers 401 too).
            try:
                await current_account(request, request.app.state.db)
            except LeadpeckerError as refused:
                return error_response(path, refused)
        return error_response(path, to_bad_request(exc, v1=is_v1(path)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        path = request.url.path
        if exc.status_code == 404:
            return not_found_response(path)
        if exc.status_code == 405:
            return method_not_allowed_response(
                path, request.method, allowed_methods(request.app, request.scope)
            )
        if exc.status_code == 413:
            return unread_body_response(path, PayloadTooLarge(str(exc.detail)))
        if exc.status_code == 408:
            return unread_body_response(path, RequestTimeout(str(exc.detail)))
        if exc.status_code == 400:
            # FastAPI's only 400 of its own: a body it could not decode (not UTF-8, nested too
            # deeply, a number too long), before the dependencies ran: the key comes first, as
            # for any other malformed body (validation_error).
            try:
                await current_account(request, request.app.state.db)
            except LeadpeckerError as refused:
                return error_response(path, refused)
            return error_response(
                path,
                BadRequest("body: not readable as JSON (not UTF-8, nested too deeply, or a number too long)"),
            )
        return error_response(path, LeadpeckerError(str(exc.detail), status_code=exc.status_code))
