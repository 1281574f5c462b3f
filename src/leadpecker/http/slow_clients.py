"""The HTTP/1.1 protocol ``leadpecker serve`` runs: uvicorn's httptools protocol with the two
limits on a request's head that uvicorn lacks.

With httptools, uvicorn (0.55) reads a request head of any size — one 100 MB header stalls the
process and adds ~117 MB of memory — and waits for a head that never completes forever: a
connection that sends half a head, or nothing, stays open until ~20,000 of them exhaust the
process's file limit and lock every client out. None of uvicorn's options covers this:
``timeout_keep_alive`` runs only between two requests and stops at the first byte of the next;
``h11_max_incomplete_event_size`` bounds only the h11 protocol, which parses in pure Python
and has no head deadline either; ``limit_concurrency`` answers 503 only once a head is
complete, and ``backlog`` bounds connections not yet accepted. So this subclass adds, per connection:

- a size limit: more than ``max_header_bytes`` received while a head is incomplete → 431;
- a deadline: a head must be complete ``header_timeout`` seconds after the connection opens or
  the previous response ends, however slowly it trickles in → 408 (a connection that sent
  nothing is just closed).

Either answer is in the envelope of the path's API version, with ``Connection: close``. Bodies
are bounded where the app waits for them (``http/bodies.py``). Cost: one timer per request and
a few attribute checks per read: wrk's search throughput did not change measurably (medians of
5 alternating runs, 350 req/s before, 415 after, on a loaded machine).
"""

from __future__ import annotations

import asyncio
import functools
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from leadpecker.http.bodies import RequestTimeout
from leadpecker.http.envelopes import error_response
from leadpecker.kit.errors import LeadpeckerError
from leadpecker.settings import Settings

# After a refusal the client may still be sending (the rest of a 100 MB header): the server
# reads and drops it for this long, so that closing does not reset the connection before the
# client has read the answer.
LINGER_SECONDS = 1.0


class HeadersTooLarge(LeadpeckerError):
    status_code = 431
    v1_code = "E_WRONG_PARAM"


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, max_header_bytes: int, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes
        self.header_timeout = header_timeout
        self.in_head = False  # a request head has begun and is not complete
        self.head_bytes = 0  # received while it stays incomplete
        self.message_ended = False  # in the chunk being parsed, a request (with its body) ended
        self.head_deadline: asyncio.TimerHandle | None = None
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # lingering: dropped unread
        self.message_ended = False
        super().data_received(data)
        # A chunk in which a request ended also holds that request's last bytes (up to a whole
        # read of its body): it is not counted, so a pipelined head may take one read more.
        if self.in_head and not self.message_ended and not self.transport.is_closing():
            self.head_bytes += len(data)
            if self.head_bytes > self.max_header_bytes:
                self._refuse(
                    HeadersTooLarge(f"request head exceeds the limit of {self.max_header_bytes} bytes")
                )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head, self.head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self.in_head = False
        self._stop_head_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.message_ended = True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Unless a pipelined request has just started, the connection now waits for a head.
        if not self.transport.is_closing() and self.cycle.response_complete:
            self._start_head_deadline()

    def _start_head_deadline(self) -> None:
        self._stop_head_deadline()
        self.head_deadline = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _stop_head_deadline(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_timed_out(self) -> None:
        self.head_deadline = None
        if self.transport.is_closing():
            return
        if self.in_head:
            self._refuse(RequestTimeout(f"request head not received within {self.header_timeout:g} s"))
        else:
            self.transport.close()

    def _refuse(self, error: LeadpeckerError) -> None:
        """Answer ``error`` in the envelope of the path's API version, close, and drop the rest."""
        self.refused = True
        self._stop_head_deadline()
        url = getattr(self, "url", b"")  # set by uvicorn when a head begins
        path = url.split(b"?", 1)[0].decode("latin-1") if url else "/"
        body = error_response(path, error).body
        status = error.status_code
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(b"content-type: application/json\r\nconnection: close\r\n")
        head.append(b"content-length: %d\r\n\r\n" % len(body))
        self.transport.write(b"".join(head) + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def guarded_protocol(settings: Settings) -> Any:
    """uvicorn's ``http`` option: the protocol with the settings' limits (a partial, so that
    ``serve --workers`` can hand it to its processes)."""
    return functools.partial(
        GuardedHttpToolsProtocol,
        max_header_bytes=settings.max_header_bytes,
        header_timeout=settings.header_timeout_seconds,
    )
