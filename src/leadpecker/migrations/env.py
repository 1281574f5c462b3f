"""Alembic environment: runs migrations on the async engine of the configured database.

The migrations themselves (versions/) import nothing of leadpecker: each holds frozen copies of
what it needs, so that it does the same on every database whatever the code becomes. A new
one made with ``alembic revision --autogenerate`` gets leadpecker's column types written as
the SQLAlchemy types they store (``_frozen_type``), never imported from the live code."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import TypeDecorator

from leadpecker.kit.dialects import async_database_url
from leadpecker.models import Base

config = context.config
target_metadata = Base.metadata


def _frozen_type(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """A leadpecker column type (``UtcDateTime``) as the type its database column has."""
    if kind == "type" and isinstance(item, TypeDecorator) and type(item).__module__.startswith("leadpecker."):
        return f"sa.{item.impl!r}"
    return False  # Alembic's own rendering


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_frozen_type,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(async_database_url(config.get_main_option("sqlalchemy.url")))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("leadpecker migrations run online only")
asyncio.run(_run_online())
