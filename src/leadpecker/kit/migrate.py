"""Bring a database's schema up to date: every command does this first (``prepare_database``)."""

from __future__ import annotations

import asyncio
import logging
import sys

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from leadpecker.kit.cli_errors import shown_database_url
from leadpecker.kit.dialects import dialect_for_url
from leadpecker.settings import Settings

log = logging.getLogger("leadpecker")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "leadpecker:migrations")
    # Alembic's options go through ConfigParser, for which "%" starts an interpolation: a
    # percent-encoded password ("p%40ss") would fail there instead of connecting.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # Named by the time they were written, then the revision: the files in name order are the
    # order they run in, each revising the one before (tests/test_architecture.py).
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
    )
    return config


def upgrade_to_head(database_url: str) -> None:
    """Runs Alembic (which drives its own event loop) in a worker thread when called from async."""
    _open_before_migrating(database_url)
    command.upgrade(alembic_config(database_url), "head")


def prepare_database(settings: Settings) -> None:
    """What every command that uses the database does first: bring the schema up to date,
    then say on stderr which database it uses (stdout stays clean for ``--json``). Said after
    migrating, so that a database that cannot be reached gets its one error line alone; as a
    log line when logs are JSON, so that every line on stderr is JSON then."""
    upgrade_to_head(settings.database_url)
    shown = shown_database_url(settings.database_url)
    if settings.log_format == "json":
        log.info("database: %s", shown, extra={"database": shown})
    else:
        print(f"database: {shown}", file=sys.stderr, flush=True)


async def upgrade_to_head_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, database_url)


def head_revisions(database_url: str) -> set[str]:
    """The revisions this code's migrations end at (read from the migration scripts)."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def applied_revisions(connection: Connection) -> set[str]:
    """The revisions the database is at (Alembic's version table; empty before the first)."""
    return set(MigrationContext.configure(connection).get_current_heads())


def _open_before_migrating(database_url: str) -> None:
    """What the database's dialect checks before Alembic opens it (SQLite: that the file
    opens, in this thread). A URL no dialect knows is left to Alembic's own error."""
    try:
        dialect = dialect_for_url(database_url)
    except ValueError:
        return
    dialect.open_before_migrating(make_url(database_url))
