"""Outages on demand, without touching the shared PostgreSQL and Redis no test may stop:

- ``TcpProxy`` sits between a server and the shared PostgreSQL. ``cut()`` is what a stopped
  database looks like — open connections are closed and new ones refused (nothing listens on
  the port any more); ``freeze()`` what a hung one looks like (a stopped process, a lost
  network) — TCP connections are accepted, but nothing they send is answered; ``restore()``
  brings the database back on the same port, as a restart would.
- ``PrivateRedis``: a ``redis-server`` of the test's own on a free port, to kill and restart.
- ``LockHolder``: another process that holds a lock on the database until the test lets go.
- ``redis_reachable``: whether the shared Redis answers (tests that need it skip without it).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine
from typing import Any

import pytest

from tests.harness.server import free_port


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class TcpProxy:
    """Runs its own event loop on a thread of the test process."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._flowing: asyncio.Event | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def cut(self) -> None:
        self._call(self._cut())

    def freeze(self) -> None:
        self._call(self._freeze())

    def restore(self) -> None:
        self._call(self._restore())

    def close(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self._loop).result(10)

    async def _start(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        await self._listen()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for client, upstream in list(self._links):
            client.transport.abort()
            upstream.transport.abort()
        self._links.clear()

    async def _freeze(self) -> None:
        assert self._flowing is not None
        self._flowing.clear()

    async def _restore(self) -> None:
        assert self._flowing is not None
        self._flowing.set()
        if self._server is None:
            await self._listen()

    async def _link(self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.upstream)
        except OSError:
            client.transport.abort()
            return
        link = (client, upstream)
        self._links.add(link)
        try:
            await asyncio.gather(self._pump(client_reader, upstream), self._pump(upstream_reader, client))
        finally:
            self._links.discard(link)
            client.transport.abort()
            upstream.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._flowing is not None
        with contextlib.suppress(OSError):
            while True:
                await self._flowing.wait()
                data = await reader.read(65536)
                if not data:
                    break
                await self._flowing.wait()  # frozen while reading: the bytes wait here
                writer.write(data)
                await writer.drain()
        writer.transport.abort()


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free port, to kill and restart."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]  # nothing survives a kill, as for a lost node
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def answers(self) -> bool:
        return redis_reachable("127.0.0.1", self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


_HOLD_LOCK = """
import asyncio, sqlite3, sys

url, statements = sys.argv[1], sys.argv[2:]
if url.startswith("sqlite"):
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    print("locked", flush=True)
    sys.stdin.read()
else:
    import asyncpg

    async def hold():
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
        for statement in statements:
            await conn.execute(statement)
        print("locked", flush=True)
        await asyncio.to_thread(sys.stdin.read)

    asyncio.run(hold())
"""


class LockHolder:
    """Another process, connected to ``database_url``, that runs ``statements`` (which take a
    lock inside a transaction) and keeps the transaction open until ``release()``."""

    def __init__(self, database_url: str, *statements: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, database_url, *statements],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != "locked":
            self.release()
            raise RuntimeError(f"the lock holder did not take its lock (exit {self.process.returncode})")

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # the holder ends, and its transaction with it
            self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()
