"""Black-box fixtures: a real ``leadpecker serve`` process per database, driven over HTTP, and
the real ``leadpecker`` command for everything an operator does.

Every test that uses these runs twice: on SQLite and on PostgreSQL (127.0.0.1:5432 by default,
``LEADPECKER_TEST_POSTGRES_URL`` to change). Without a reachable PostgreSQL the PostgreSQL half
is skipped, unless ``LEADPECKER_REQUIRE_POSTGRES=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from leadpecker.cli import app as cli_app
from leadpecker.settings import get_settings

POSTGRES_URL = os.environ.get("LEADPECKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("LEADPECKER_REQUIRE_POSTGRES") == "1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql://", "postgres://", 1), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_database(kind: str, directory: Path) -> tuple[str, Callable[[], None]]:
    """A fresh, empty database of ``kind``; returns its URL and a function that drops it."""
    if kind == "sqlite":
        path = directory / f"{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    name = f"leadpecker_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
    except Exception as error:  # any failure means "no PostgreSQL here"
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@dataclass
class Server:
    """A running ``leadpecker serve`` process."""

    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def client(self, key: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"x-api-key": key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(database_url: str, log_dir: Path, *serve_args: str, **settings: str) -> Server:
    """Start ``leadpecker serve [serve_args]`` on a free port with LEADPECKER_* ``settings``;
    wait for health."""
    port = _free_port()
    env = {**os.environ, "LEADPECKER_DATABASE_URL": database_url}
    env.update({f"LEADPECKER_{name.upper()}": value for name, value in settings.items()})
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:  # the child keeps its own descriptor of it
        process = subprocess.Popen(
            [sys.executable, "-m", "leadpecker", "serve", "--port", str(port), *serve_args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", database_url, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"leadpecker serve exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"leadpecker serve did not become healthy:\n{server.log()}")


@pytest.fixture(scope="session")
def harness() -> ModuleType:
    """This module, for the suites that start servers and databases of their own
    (``harness.start_server``, ``new_database``, ``Cli``, ``AccountInfo``): pytest loads a
    conftest under a name of its own, so no ``import`` finds this very module reliably."""
    return sys.modules[__name__]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = new_database(backend, tmp_path_factory.mktemp(backend))
    yield url
    drop()


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(database_url, tmp_path_factory.mktemp("logs"))
    yield running
    running.stop()


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


def assert_one_error_line(stderr: str, command: str, *, allow_database_line: bool = False) -> None:
    """What a refused command shows the operator: one line, ``error: …``, no traceback; with
    ``allow_database_line``, after at most the ``database: …`` line a command that reached its
    database says first."""
    lines = stderr.splitlines()
    if allow_database_line and len(lines) == 2 and lines[0].startswith("database: "):
        lines = lines[1:]
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{command} said:\n{stderr}"
    assert "Traceback" not in stderr


@pytest.fixture(scope="session")
def cli(database_url: str) -> Cli:
    return Cli(database_url)


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    api_key: str


@pytest.fixture
def new_account(cli: Cli) -> Callable[..., AccountInfo]:
    """Create a fresh account (and key) through ``leadpecker accounts create --json``."""

    def create(*options: str) -> AccountInfo:
        return cli.create_account(f"acct-{uuid.uuid4().hex[:10]}", *options)

    return create


@pytest.fixture
def account(new_account: Callable[..., AccountInfo]) -> AccountInfo:
    return new_account()


@pytest.fixture
def api(server: Server, account: AccountInfo) -> Iterator[httpx.Client]:
    """An HTTP client authenticated as ``account``."""
    with server.client(account.api_key) as client:
        yield client
