"""The one settings object. Nothing else in leadpecker reads the environment.

The settings refuse a database URL leadpecker cannot use: which URLs it can is the database
dialects' rule (``kit.dialects.async_database_url``), the one thing of kit/ the settings use."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leadpecker.kit.dialects import async_database_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADPECKER_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///leadpecker.db",
        description="sqlite:///path or postgresql://user@host/db; the async driver is chosen for you.",
    )

    @field_validator("database_url")
    @classmethod
    def _usable_database_url(cls, url: str) -> str:
        """Refused here, so that the message names LEADPECKER_DATABASE_URL like any setting's."""
        async_database_url(url)
        return url

    redis_url: str | None = Field(
        default=None,
        description="When set, the per-key rate limit is shared through Redis by every API process.",
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_installed(cls, url: str | None) -> str | None:
        """Redis is an extra (most deployments never need it): said at start-up, naming the
        setting, rather than as a failure of the first request."""
        if url and importlib.util.find_spec("redis") is None:
            raise ValueError("needs the redis package: pip install 'leadpecker[redis]'")
        return url

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65_535)

    rate_limit_enabled: bool = True
    rate_limit_concurrency: int = Field(default=1, ge=1, description="Requests processed at once per key.")
    rate_limit_queue: int = Field(default=6, ge=0, description="Requests that may wait per key.")
    rate_limit_wait_seconds: float = Field(default=15.0, gt=0, description="How long one may wait.")

    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    max_prospects_per_add: int = 20_000

    worker_embedded: bool = Field(
        default=True, description="Run an enrichment worker inside `leadpecker serve`."
    )
    # 1,000: on SQLite with the search triggers a claim then costs ~15 % less CPU per item than
    # at 200 (fewer commits, each flushing the full-text tables), and holds the write lock for
    # ~0.5 s at the end of a claim (a queue request waits that long at worst).
    worker_batch_size: int = Field(default=1_000, ge=1, le=5_000, description="Items claimed at once.")
    worker_lease_seconds: float = Field(
        default=10.0, gt=0, description="A claim not finished in this time goes back to the queue."
    )
    worker_poll_seconds: float = Field(default=0.05, gt=0, description="Idle workers look this often.")
    worker_max_attempts: int = Field(default=5, ge=1, description="Claims before an item gives up.")
    match_threshold: float = Field(
        default=0.8,
        ge=0.5,
        le=1.0,
        description="Confidence a lead needs to be taken as the prospect (see docs/matching.md).",
    )
    enrichment_overwrite: bool = Field(
        default=False,
        description="Let enrichment replace non-empty prospect fields (default: fill empty only).",
    )

    # Webhooks (docs/webhooks.md).
    webhook_dispatcher_embedded: bool = Field(
        default=True, description="Deliver webhooks from inside `leadpecker serve`."
    )
    webhook_batch_window_seconds: float = Field(
        default=1.0,
        ge=0,
        description="Events of one type for one URL within this time go as one array (at most 100).",
    )
    webhook_poll_seconds: float = Field(default=0.2, gt=0, description="An idle dispatcher looks this often.")
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A receiver that has not answered in this time has failed."
    )
    webhook_connections: int = Field(
        default=8, ge=1, description="Deliveries in flight at once, across every receiver."
    )
    webhook_retry_base_seconds: float = Field(
        default=1.0, gt=0, description="The first retry's delay; each failure in a row doubles it."
    )
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0, description="The longest delay.")
    webhook_max_failures: int = Field(
        default=10, ge=1, description="Failed attempts in a row that end a subscription."
    )
    webhook_refuse_private_targets: bool = Field(
        default=False,
        description="Refuse target URLs on loopback, private and link-local addresses (for a "
        "deployment that faces the internet).",
    )
    webhook_retention_days: float = Field(
        default=7.0, gt=0, description="Delivered events and attempts are kept this long."
    )

    db_pool_size: int = 10
    sqlite_busy_timeout_ms: int = 30_000
    sqlite_statistics_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How often serve analyzes SQLite tables whose statistics are missing or out "
        "of date (0: never).",
    )
    # 15 s: as long as the rate limit lets a request wait for its turn. The longest legitimate
    # wait measured is a 20,000-prospect add_prospects_list holding SQLite's write lock: 7-12 s
    # on a 2-core machine at load average 14; on PostgreSQL the same add is ~20 statements of
    # 1,000 rows (17-18 s in all), each far below the limit.
    db_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How long an API request waits for the database at any one step (a pooled or "
        "new connection, SQLite's write lock, one PostgreSQL statement) before it answers 503; "
        "the operator's commands (imports, migrations) are not limited.",
    )

    # Slow and hostile clients (http/slow_clients.py, http/bodies.py). A request head is a
    # request line and headers: real clients send well under 8 KiB.
    max_header_bytes: int = Field(default=32 * 1024, ge=1024, description="Larger request heads get 431.")
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A request head not received whole in this time gets 408."
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A body not received in this time, plus 1 s per 1,000 bytes received, gets 408.",
    )

    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as readable text, or one JSON object per line."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Level of leadpecker's and uvicorn's own loggers."
    )

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _in_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
