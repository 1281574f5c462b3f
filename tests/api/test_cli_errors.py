"""Every mistake an operator can make with a setting, the database URL or a file, made with the
installed command in a process of its own (``python -m leadpecker``), as an operator makes it:
one line on stderr saying what is wrong and what to do, never a traceback, exit code 1 (2 for
a mistake in the command line itself), and nothing done before the refusal."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests.harness.cli import assert_one_error_line
from tests.harness.database import db_rows, new_database
from tests.harness.server import free_port

import leadpecker


def leadpecker_command(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """``leadpecker ARGS`` with only the LEADPECKER_* ``settings`` given (none inherited), in
    ``cwd`` (where no .env is)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LEADPECKER_")}
    env.update({f"LEADPECKER_{name.upper()}": value for name, value in settings.items()})
    return subprocess.run(
        [sys.executable, "-m", "leadpecker", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(finished: subprocess.CompletedProcess[str], exit_code: int = 1) -> str:
    """The one line a refused command printed (checked to be one ``error:`` line, alone)."""
    assert finished.returncode == exit_code, finished.stdout + finished.stderr
    assert_one_error_line(finished.stderr, " ".join(map(str, finished.args)))
    assert finished.stdout == ""
    return finished.stderr.strip()


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh PostgreSQL database (skipped without a server, as the suite's PostgreSQL half)."""
    url, drop = new_database("postgresql", tmp_path_factory.mktemp("postgresql"))
    yield url
    drop()


# --- settings ------------------------------------------------------------------------------------


def test_a_setting_that_is_not_a_number(tmp_path) -> None:
    line = refusal(leadpecker_command(tmp_path, "accounts", "list", port="abc"))
    assert line.startswith("error: LEADPECKER_PORT: input should be a valid integer")
    assert line.endswith(", got 'abc'")
    assert not list(tmp_path.iterdir())  # nothing was created: no database file


def test_a_port_out_of_range(tmp_path) -> None:
    line = refusal(leadpecker_command(tmp_path, "serve", port="70000"))
    assert line == "error: LEADPECKER_PORT: input should be less than or equal to 65535, got '70000'"
    line = refusal(leadpecker_command(tmp_path, "serve", "--port", "0"), exit_code=2)
    assert line == (
        "error: Invalid value for '--port': Input should be greater than or equal to 1 — "
        "see leadpecker serve --help"
    )
    assert not list(tmp_path.iterdir())


def test_a_database_url_of_another_kind(tmp_path) -> None:
    finished = leadpecker_command(tmp_path, "accounts", "list", database_url="mysql://root:hunter2@db/app")
    assert refusal(finished) == (
        "error: LEADPECKER_DATABASE_URL: 'mysql' databases are not supported: "
        "use sqlite:///path or postgresql://user@host/database"
    )
    assert "hunter2" not in finished.stderr


def test_a_missing_sqlite_folder(tmp_path) -> None:
    finished = leadpecker_command(tmp_path, "accounts", "list", database_url="sqlite:///no/such/dir/x.db")
    folder = tmp_path / "no" / "such" / "dir"
    assert refusal(finished) == (
        f"error: sqlite:///{folder / 'x.db'}: folder {folder} does not exist — "
        "create it (mkdir -p) or fix LEADPECKER_DATABASE_URL"
    )
    assert not (tmp_path / "no").exists()


def test_a_file_that_is_not_a_sqlite_database(tmp_path) -> None:
    (tmp_path / "notes.db").write_text("shopping list\n" * 100)
    finished = leadpecker_command(tmp_path, "accounts", "list", database_url="sqlite:///notes.db")
    assert refusal(finished).startswith(f"error: sqlite:///{tmp_path / 'notes.db'} is not a SQLite database")
    assert (tmp_path / "notes.db").read_text() == "shopping list\n" * 100


# --- PostgreSQL that cannot be used ---------------------------------------------------------------


def test_postgresql_that_is_not_running(postgres_url, tmp_path) -> None:
    port = free_port()
    url = make_url(postgres_url).set(port=port, password="hunter2").render_as_string(hide_password=False)
    finished = leadpecker_command(tmp_path, "accounts", "list", database_url=url)
    host = make_url(postgres_url).host
    assert refusal(finished) == (
        f"error: cannot reach PostgreSQL at {host}:{port} (connection refused) — "
        "is it running? fix LEADPECKER_DATABASE_URL"
    )
    assert "hunter2" not in finished.stderr


@pytest.mark.parametrize(
    ("part", "kind", "create"), [("database", "database", "createdb"), ("username", "role", "createuser")]
)
def test_a_postgresql_database_or_role_that_does_not_exist(
    postgres_url, tmp_path, part, kind, create
) -> None:
    name = f"leadpecker_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_url).set(**{part: name})
    finished = leadpecker_command(tmp_path, "accounts", "list", database_url=url.render_as_string(False))
    assert refusal(finished) == (
        f'error: {kind} "{name}" does not exist on {url.host}:{url.port or 5432} — '
        f"create it ({create} {name}) or fix LEADPECKER_DATABASE_URL"
    )


# --- serve on a port that is taken ----------------------------------------------------------------


def test_serve_on_a_taken_port_is_refused_before_anything_is_migrated(backend, tmp_path) -> None:
    url, drop = new_database(backend, tmp_path)
    try:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            says = f"error: port {port} is already in use on 127.0.0.1 — pass --port or set LEADPECKER_PORT"
            by_option = leadpecker_command(tmp_path, "serve", "--demo", "--port", str(port), database_url=url)
            assert refusal(by_option) == says
            by_setting = leadpecker_command(tmp_path, "serve", database_url=url, port=str(port))
            assert refusal(by_setting) == says
        # Neither migrated the database nor loaded the demo.
        if backend == "sqlite":
            assert not Path(make_url(url).database).exists()
        else:
            assert db_rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []
    finally:
        drop()


# --- files ---------------------------------------------------------------------------------------


def test_importing_a_missing_file(tmp_path) -> None:
    finished = leadpecker_command(
        tmp_path, "prospects", "import", "missing.csv", "--account", "acme", database_url="sqlite:///x.db"
    )
    assert refusal(finished) == "error: missing.csv: no such file"
    assert not (tmp_path / "x.db").exists()  # refused before the database was opened


# --- what a command that works says ----------------------------------------------------------------


def test_a_json_command_prints_json_and_names_its_database_on_stderr(tmp_path) -> None:
    finished = leadpecker_command(tmp_path, "accounts", "list", "--json", database_url="sqlite:///x.db")
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "[]\n"
    assert finished.stderr == f"database: sqlite:///{tmp_path / 'x.db'}\n"


def test_version(tmp_path) -> None:
    finished = leadpecker_command(tmp_path, "--version")
    assert (finished.returncode, finished.stdout, finished.stderr) == (
        0,
        f"leadpecker {leadpecker.__version__}\n",
        "",
    )


def test_a_redis_url_without_the_redis_extra_installed(tmp_path) -> None:
    # As if `pip install leadpecker` had been run without [redis]: the package cannot be imported.
    hide_redis = (
        "import sys; sys.modules['redis'] = None; from leadpecker.cli import main; "
        "sys.argv = ['leadpecker', 'accounts', 'list']; main()"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("LEADPECKER_")}
    env["LEADPECKER_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    env["LEADPECKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'never.db'}"
    finished = subprocess.run(
        [sys.executable, "-c", hide_redis], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    line = refusal(finished)
    assert "LEADPECKER_REDIS_URL" in line and "pip install 'leadpecker[redis]'" in line, line
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "No such option: --bogus — see leadpecker --help"),
        (["bogus"], "No such command 'bogus' — see leadpecker --help"),
        (
            ["prospects", "import", "--bogus"],
            "No such option: --bogus — see leadpecker prospects import --help",
        ),
    ],
)
def test_a_mistake_in_the_command_line_is_one_line_and_exit_code_2(tmp_path, args, says) -> None:
    line = refusal(leadpecker_command(tmp_path, *args), exit_code=2)
    assert line == f"error: {says}"
