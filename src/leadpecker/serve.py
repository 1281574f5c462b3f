"""``leadpecker serve``: bring the schema up to date, then serve the API."""

from __future__ import annotations

import os

import typer
import uvicorn

from leadpecker.app import create_app
from leadpecker.http.slow_clients import guarded_protocol
from leadpecker.kit import allocator, metrics
from leadpecker.kit.listen import ensure_can_listen
from leadpecker.kit.migrate import prepare_database
from leadpecker.kit.process import tune_process
from leadpecker.settings import get_settings


def register_serve(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option(None, help="Interface to listen on (default 127.0.0.1)."),
        port: int = typer.Option(None, min=1, max=65_535, help="Port to listen on (default 8000)."),
        demo: bool = typer.Option(False, help="Load the demo account and data first if absent."),
        workers: int = typer.Option(
            1, min=1, help="API processes sharing the port (more than one needs LEADPECKER_REDIS_URL)."
        ),
    ) -> None:
        """Serve the API (migrating the database first)."""
        settings = get_settings()
        host = host or settings.host
        port = port or settings.port
        if workers > 1 and settings.rate_limit_enabled and not settings.redis_url:
            # Each process would keep its own queue per key: the limit would silently
            # multiply by the number of processes.
            raise typer.BadParameter(
                "more than one process shares the per-key rate limit through Redis: set "
                "LEADPECKER_REDIS_URL (or LEADPECKER_RATE_LIMIT_ENABLED=false)",
                param_hint="--workers",
            )
        ensure_can_listen(host, port)
        if demo:
            from leadpecker.demo.cli import ensure_demo

            ensure_demo(host=host, port=port)  # which prepares the database first, as every command
        else:
            prepare_database(settings)
        # uvicorn logs through what configure_logging set up (log_config=None), and its access
        # line, which prints each path with its query string, is off: http/observe.py logs one
        # that names the route's template instead.
        if workers == 1:
            api = create_app(settings)
            tune_process()
            uvicorn.run(
                api,
                host=host,
                port=port,
                log_config=None,
                access_log=False,
                http=guarded_protocol(settings),
            )
        else:
            # Each process builds its own app (and database pool) from the same environment,
            # and its allocator reads its settings from it when the process starts; each tunes
            # itself once its app is built (create_serving_process_app).
            os.environ.update(allocator.ENVIRONMENT)
            with metrics.processes_share_metrics():
                uvicorn.run(
                    "leadpecker.app:create_serving_process_app",
                    factory=True,
                    workers=workers,
                    host=host,
                    port=port,
                    log_config=None,
                    access_log=False,
                    http=guarded_protocol(settings),
                )
