"""A real HTTP receiver of webhooks for tests: a server on a free port of 127.0.0.1, in a
thread of the test process, that records every request and answers as the test scripts it.

    with Receiver.started() as receiver:
        receiver.script(Reply(500), Reply(500))        # the first two requests fail, then 200
        … subscribe receiver.url, raise events …
        receiver.wait_for_events(250)
        assert receiver.sizes() == [100, 100, 50]

Answers are taken in order from the script, one per request; when it runs out every request
gets ``default`` (200). A ``Reply`` may wait before answering (``delay``: longer than the
dispatcher's timeout makes a timeout) and answer any status (410, 310, 500…).

Every request is recorded when it arrives (``requests``). One whose sender went away before
the answer (it timed out, or its process died) is *abandoned*: a receiver that handles a
request only once it can answer it never processed it. ``processed_events`` leaves those out:
what a receiver can count on having received.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """How to answer one request."""

    status: int = 200
    delay: float = 0.0
    body: bytes = b""


@dataclass(frozen=True)
class Received:
    """One request as it arrived: when (time.monotonic()), its path, headers (lower-case
    names), raw body and the body parsed as JSON (None when it is not JSON), and the reply it
    was given."""

    at: float
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    reply: Reply

    @property
    def events(self) -> list[dict[str, Any]]:
        """The array's event objects (empty when the body is not an array)."""
        return self.json if isinstance(self.json, list) else []


@dataclass
class Receiver:
    """The running receiver (see the module's docstring). Thread-safe."""

    default: Reply = field(default_factory=Reply)
    _requests: list[Received] = field(default_factory=list)
    _script: list[Reply] = field(default_factory=list)
    _abandoned: set[int] = field(default_factory=set)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    @classmethod
    @contextmanager
    def started(cls, default: Reply | None = None) -> Iterator[Receiver]:
        receiver = cls(default or Reply())
        receiver.start()
        try:
            yield receiver
        finally:
            receiver.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """A target URL on this receiver (any path reaches it)."""
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- scripting -----------------------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order (after any still scripted)."""
        with self._changed:
            self._script.extend(replies)

    def _next_reply(self) -> Reply:
        with self._changed:
            return self._script.pop(0) if self._script else self.default

    def _record(self, received: Received) -> int:
        with self._changed:
            self._requests.append(received)
            self._changed.notify_all()
            return len(self._requests) - 1

    def _abandon(self, index: int) -> None:
        with self._changed:
            self._abandoned.add(index)
            self._changed.notify_all()

    # --- what arrived --------------------------------------------------------------------------

    @property
    def requests(self) -> list[Received]:
        with self._changed:
            return list(self._requests)

    def events(self) -> list[dict[str, Any]]:
        """Every event object received, in the order the requests arrived (retries repeat)."""
        return [event for request in self.requests for event in request.events]

    def event_ids(self) -> set[str]:
        return {event["event_id"] for event in self.events()}

    def processed_events(self) -> list[dict[str, Any]]:
        """The events of the requests answered 2xx to a sender still waiting for the answer."""
        with self._changed:
            return [
                event
                for index, request in enumerate(self._requests)
                if index not in self._abandoned and 200 <= request.reply.status < 300
                for event in request.events
            ]

    def sizes(self) -> list[int]:
        """The length of each array received, in order."""
        return [len(request.events) for request in self.requests]

    def wait_until(self, condition: Callable[[list[Received]], bool], timeout: float = 30) -> list[Received]:
        """Wait until ``condition(requests)`` holds; the requests then. AssertionError on time-out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self._requests):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"the receiver's condition did not hold within {timeout} s; "
                        f"it got {len(self._requests)} requests of sizes {self.sizes_locked()}"
                    )
                self._changed.wait(left)
            return list(self._requests)

    def sizes_locked(self) -> list[int]:
        return [len(request.events) for request in self._requests]

    def wait_for_requests(self, count: int, timeout: float = 30) -> list[Received]:
        return self.wait_until(lambda requests: len(requests) >= count, timeout)

    def wait_for_events(self, ids: int | set[str], timeout: float = 30) -> list[Received]:
        """Wait until ``ids`` (a set of event ids, or how many distinct ones) have arrived."""

        def arrived(requests: list[Received]) -> bool:
            seen = {event.get("event_id") for request in requests for event in request.events}
            return len(seen) >= ids if isinstance(ids, int) else ids <= seen

        return self.wait_until(arrived, timeout)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as a real receiver: the dispatcher's client reuses its connections.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            reply = receiver._next_reply()
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            headers = {name.lower(): value for name, value in self.headers.items()}
            index = receiver._record(Received(time.monotonic(), self.path, headers, body, parsed, reply))
            if reply.delay:
                time.sleep(reply.delay)
            if _sender_gone(self.connection):
                receiver._abandon(index)
                self.close_connection = True
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:
                pass  # the dispatcher gave up waiting (a scripted timeout) and closed

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _sender_gone(connection: socket.socket) -> bool:
    """Whether the sender closed its end (it stopped waiting, or died): the socket reads as
    ended. The sender sends nothing more while it waits for the answer (no pipelining)."""
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
