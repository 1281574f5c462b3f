"""Wiring a worker from settings: used by `serve` (embedded) and by `leadpecker worker`."""

from __future__ import annotations

from leadpecker.enrichment.sources import EnrichmentSource
from leadpecker.enrichment.worker import EnrichmentWorker, WorkerConfig
from leadpecker.kit.db import Database
from leadpecker.leads.source import LeadDatabaseSource
from leadpecker.settings import Settings


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
