"""``leadpecker serve``: bring the schema up to date, then serve the API."""

from __future__ import annotations

import typer
import uvicorn

from leadpecker.app import create_app
from leadpecker.kit.migrate import upgrade_to_head
from leadpecker.settings import get_settings


def register_serve(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option(None, help="Interface to listen on (default 127.0.0.1)."),
        port: int = typer.Option(None, help="Port to listen on (default 8000)."),
        demo: bool = typer.Option(False, help="Load the demo account and data first if absent."),
    ) -> None:
        """Serve the API (migrating the database first)."""
        settings = get_settings()
        host = host or settings.host
        port = port or settings.port
        upgrade_to_head(settings.database_url)
        if demo:
            from leadpecker.demo.cli import ensure_demo

            ensure_demo(host=host, port=port)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
