"""Bring a database's schema up to date (``leadpecker serve`` does this before serving)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "leadpecker:migrations")
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade_to_head(database_url: str) -> None:
    """Runs Alembic (which drives its own event loop) in a worker thread when called from async."""
    command.upgrade(alembic_config(database_url), "head")


async def upgrade_to_head_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, database_url)


def head_revisions(database_url: str) -> set[str]:
    """The revisions this code's migrations end at (read from the migration scripts)."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def applied_revisions(connection: Connection) -> set[str]:
    """The revisions the database is at (Alembic's version table; empty before the first)."""
    return set(MigrationContext.configure(connection).get_current_heads())
