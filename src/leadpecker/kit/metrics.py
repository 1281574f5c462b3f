"""The Prometheus metrics of every leadpecker process, all defined here (prometheus_client).

They live in prometheus_client's process-wide registry, as that library intends: the HTTP
middleware (``http/observe.py``), the rate limit, the enrichment worker and the importers
count into the objects below, and ``GET /metrics`` (``exposition``) reads them.

Several processes, one set of numbers. ``serve --workers N`` runs N processes behind one port
and a scrape reaches one of them; each process's own counters would jump between scrapes. So
serve puts them in prometheus_client's multi-process mode: every process keeps its values in
files of one directory (``PROMETHEUS_MULTIPROC_DIR``, the library's own variable, read when
prometheus_client is imported) and a scrape sums the files of all of them, those of exited
processes included, so counters never go back. serve makes a temporary directory for that
and removes it when it stops (``processes_share_metrics``). An operator who sets
``PROMETHEUS_MULTIPROC_DIR`` for every leadpecker command of a host (an existing directory)
also gets the counts of the imports and standalone workers run there in serve's ``/metrics``;
without it those commands' counts end with their process (an import prints its own summary).

Gauges are read when scraped (``exposition``), none from the files: the queue depth from the
database (true whichever process or host queued or worked).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

# Checked before prometheus_client is imported: with the variable set to no directory the
# library fails with a trace at the first counter below.
_MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
if (_shared := os.environ.get(_MULTIPROCESS_DIR)) is not None and not os.path.isdir(_shared):
    raise SystemExit(
        f"error: {_MULTIPROCESS_DIR}={_shared!r} is not a directory (every leadpecker process of "
        "this host keeps its metrics there): create it or unset the variable"
    )

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily  # noqa: E402

__all__ = ["CONTENT_TYPE_LATEST"]

HTTP_REQUESTS = Counter(
    "leadpecker_http_requests",
    "HTTP requests answered, by route template (unmatched: no route), method and status.",
    ["route", "method", "status"],
)
# From 1 ms: a search by email answers in 2–5 ms; up to 30 s: a 20,000-prospect load.
HTTP_DURATION = Histogram(
    "leadpecker_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ENRICHMENT_ITEMS = Counter(
    "leadpecker_enrichment_items",
    "Enrichment items finished, by outcome: enriched, not_enriched (no match or nothing to "
    "fill), gave_up (claimed more than LEADPECKER_WORKER_MAX_ATTEMPTS times).",
    ["outcome"],
)
# Thousandths of a credit, as the database keeps them: every increment is an integer, which a
# double counts exactly (to 9·10¹⁵), where 0.001-credit steps would drift. Divide by 1000.
CREDITS_CHARGED = Counter(
    "leadpecker_credits_charged_millis",
    "Credits charged for enrichments, in thousandths of a credit (1.5 credits = 1500).",
)
RATE_LIMIT_REFUSALS = Counter(
    "leadpecker_rate_limit_refusals",
    "Requests refused by the per-key rate limit, by API version (v1: 409, v2: 429).",
    ["api"],
)
IMPORT_ROWS = Counter(
    "leadpecker_import_rows",
    "Rows of import files, by kind (prospects, campaigns, enrolments, events, leads) and outcome "
    "(inserted, updated, skipped, rejected).",
    ["kind", "outcome"],
)


def count_enrichment(enriched: int, not_enriched: int, gave_up: int, charged_millis: int) -> None:
    """A finished (committed) claim's items and the credits they were charged."""
    for outcome, count in (("enriched", enriched), ("not_enriched", not_enriched), ("gave_up", gave_up)):
        if count:
            ENRICHMENT_ITEMS.labels(outcome).inc(count)
    if charged_millis:
        CREDITS_CHARGED.inc(charged_millis)


def count_import(kind: str, *, inserted: int, updated: int, skipped: int, rejected: int) -> None:
    for outcome, rows in (
        ("inserted", inserted),
        ("updated", updated),
        ("skipped", skipped),
        ("rejected", rejected),
    ):
        IMPORT_ROWS.labels(kind, outcome).inc(rows)


class _ReadNow:
    """Gauges read at scrape time (not kept in any process's files)."""

    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> list[GaugeMetricFamily]:
        return self.families


def exposition(queue_depth: int, rate_limit_degraded: bool | None = None) -> bytes:
    """Every counter and histogram (of all processes, in multi-process mode) and the gauges
    read now, in Prometheus's text format. ``rate_limit_degraded``: whether this process's rate
    limiter has fallen back from Redis (None: no such limiter, no gauge)."""
    if _MULTIPROCESS_DIR in os.environ:
        # The process-wide registry would add this process's values a second time.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    gauges = [
        GaugeMetricFamily("leadpecker_enrichment_queue_depth", "Enrichment items pending.", queue_depth)
    ]
    if rate_limit_degraded is not None:
        gauges.append(
            GaugeMetricFamily(
                "leadpecker_rate_limit_degraded",
                "1 while the answering process's rate limit has fallen back from Redis.",
                int(rate_limit_degraded),
            )
        )
    read_now = CollectorRegistry()
    read_now.register(_ReadNow(gauges))
    return counted + generate_latest(read_now)


@contextmanager
def processes_share_metrics() -> Iterator[None]:
    """For ``serve --workers N``: unless the operator chose a directory, a temporary one for the
    processes started inside (they read the variable when they start), removed afterwards."""
    if _MULTIPROCESS_DIR in os.environ:
        yield
        return
    directory = tempfile.mkdtemp(prefix="leadpecker-metrics-")
    os.environ[_MULTIPROCESS_DIR] = directory
    try:
        yield
    finally:
        del os.environ[_MULTIPROCESS_DIR]
        shutil.rmtree(directory, ignore_errors=True)
