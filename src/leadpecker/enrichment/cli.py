"""``leadpecker worker``: a standalone enrichment worker process."""

from __future__ import annotations

import asyncio
import logging
import signal

import typer

from leadpecker.cli import run_with_db
from leadpecker.enrichment.runner import build_worker
from leadpecker.kit.db import Database
from leadpecker.settings import get_settings


def register_worker(app: typer.Typer) -> None:
    @app.command()
    def worker() -> None:
        """Run an enrichment worker against the configured database until SIGINT/SIGTERM.
        Run as many as you like, beside `serve` or instead of its embedded worker
        (LEADPECKER_WORKER_EMBEDDED=false)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

        async def work(db: Database) -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            logging.getLogger("leadpecker.worker").info("enrichment worker started")
            await build_worker(db, get_settings()).run(stop)

        run_with_db(work)
