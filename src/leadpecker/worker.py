"""The enrichment worker wired from the settings: which sources it asks, and how it runs.

Used by ``serve`` (the embedded worker, app.py) and by ``leadpecker worker``. Wiring, beside
serve.py: choosing the sources is the one place that knows both the pipeline (enrichment/,
which knows sources only through ``EnrichmentSource``) and the sources that implement it (the
lead database, leads/source.py).
"""

from __future__ import annotations

import asyncio
import signal

import typer

from leadpecker.enrichment.sources import EnrichmentSource
from leadpecker.enrichment.worker import EnrichmentWorker, WorkerConfig
from leadpecker.kit.cli_support import run_with_db
from leadpecker.kit.db import Database
from leadpecker.kit.process import tune_process
from leadpecker.leads.source import LeadDatabaseSource
from leadpecker.settings import Settings, get_settings


def build_sources(db: Database, settings: Settings) -> list[EnrichmentSource]:
    """The enrichment sources, strongest first. Add a source here to plug it in."""
    return [LeadDatabaseSource(db, threshold=settings.match_threshold)]


def build_worker(db: Database, settings: Settings) -> EnrichmentWorker:
    config = WorkerConfig(
        batch_size=settings.worker_batch_size,
        lease_seconds=settings.worker_lease_seconds,
        poll_seconds=settings.worker_poll_seconds,
        max_attempts=settings.worker_max_attempts,
        overwrite=settings.enrichment_overwrite,
    )
    return EnrichmentWorker(db, build_sources(db, settings), config)


def register_worker(app: typer.Typer) -> None:
    @app.command()
    def worker() -> None:
        """Run an enrichment worker against the configured database until SIGINT/SIGTERM.
        Run as many as you like, beside `serve` or instead of its embedded worker
        (LEADPECKER_WORKER_EMBEDDED=false)."""

        async def work(db: Database) -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            worker = build_worker(db, get_settings())
            tune_process()
            await worker.run(stop)

        run_with_db(work)
