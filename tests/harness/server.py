"""Real ``leadpecker serve`` processes, driven over HTTP: one per database for the session
(the ``server`` fixture), and more with settings of their own (``start_server``,
:class:`Standalone`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.harness.cli import AccountInfo, Cli


def free_port() -> int:
    """A TCP port nothing listens on now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = free_port()
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


@dataclass
class Standalone:
    """A SQLite database of its own with servers of their own settings."""

    url: str
    directory: Path
    servers: list[Server] = field(default_factory=list)

    def start(self, *serve_args: str, **settings: str) -> Server:
        server = start_server(self.url, self.directory, *serve_args, **settings)
        self.servers.append(server)
        return server

    def account(self, *options: str) -> AccountInfo:
        return Cli(self.url).new_account(*options)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
