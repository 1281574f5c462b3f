"""The real ``leadpecker`` command, run in-process against one database (:class:`Cli`), for
everything an operator does: accounts and keys, imports, campaigns."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from leadpecker.cli import app as cli_app
from leadpecker.settings import get_settings
from tests.harness.files import write_new
from tests.harness.names import tag


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    api_key: str


@dataclass
class Cli:
    """The real ``leadpecker`` command, run in-process against one database.

    A command that raises (a traceback where the operator should read one line) fails the
    test whatever its exit code; a refusal is asserted with ``fails``, by the line it says."""

    database_url: str

    def run(self, *args: str) -> Result:
        environment = {"LEADPECKER_DATABASE_URL": self.database_url}
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli_app, list(args), env=environment)
        finally:
            get_settings.cache_clear()
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = "".join(traceback.format_exception(result.exception))
            raise AssertionError(f"leadpecker {' '.join(args)} raised, instead of one line:\n{trace}")
        return result

    def __call__(self, *args: str) -> str:
        """Run a command that must succeed; returns what it printed (stdout and stderr)."""
        result = self.run(*args)
        if result.exit_code != 0:
            raise AssertionError(f"leadpecker {' '.join(args)} exited {result.exit_code}:\n{result.output}")
        return result.output

    def json(self, *args: str) -> Any:
        """A ``--json`` command's stdout, which must be JSON and nothing else (the line naming
        the database goes to stderr)."""
        result = self.run(*args)
        if result.exit_code != 0:
            raise AssertionError(f"leadpecker {' '.join(args)} exited {result.exit_code}:\n{result.output}")
        return json.loads(result.stdout)

    def fails(self, *args: str, says: str, exit_code: int = 1) -> str:
        """Run a command that must be refused: it exits ``exit_code`` (2: click's, for a
        mistake in the command line itself), and stderr is one line, ``error: …`` containing
        ``says``, after at most the line naming the database. Returns the error line."""
        result = self.run(*args)
        command = f"leadpecker {' '.join(args)}"
        assert result.exit_code == exit_code, f"{command} exited {result.exit_code}:\n{result.output}"
        assert_one_error_line(result.stderr, command, allow_database_line=True)
        line = result.stderr.splitlines()[-1]
        assert says in line, f"{command} said {line!r}, not {says!r}"
        return line

    def create_account(self, name: str, *options: str) -> AccountInfo:
        """``leadpecker accounts create NAME --json``: the account and its first key."""
        data = json.loads(self("accounts", "create", name, "--json", *options).strip().splitlines()[-1])
        return AccountInfo(data["id"], data["name"], data["api_key"])

    def new_account(self, *options: str) -> AccountInfo:
        """A fresh account, named as no other test names one (``"--credits", "3"`` …)."""
        return self.create_account(f"acct-{tag()}", *options)

    def import_campaigns(
        self, account: str, directory: Path, campaigns: list[tuple[str, str]]
    ) -> dict[str, int]:
        """``leadpecker campaigns import FILE --account ACCOUNT --json`` of (name, status)
        rows, from a file of its own in ``directory``: the campaigns' ids by name."""
        rows = "".join(f"{name},{status}\n" for name, status in campaigns)
        output = self(
            "campaigns",
            "import",
            write_new(directory, "name,status\n" + rows),
            "--account",
            account,
            "--json",
        )
        return {c["name"]: c["id"] for c in json.loads(output.strip().splitlines()[-1])}


def assert_one_error_line(stderr: str, command: str, *, allow_database_line: bool = False) -> None:
    """What a refused command shows the operator: one line, ``error: …``, no traceback; with
    ``allow_database_line``, after at most the ``database: …`` line a command that reached its
    database says first."""
    lines = stderr.splitlines()
    if allow_database_line and len(lines) == 2 and lines[0].startswith("database: "):
        lines = lines[1:]
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{command} said:\n{stderr}"
    assert "Traceback" not in stderr
