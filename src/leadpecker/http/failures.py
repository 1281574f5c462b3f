"""Unexpected failures become the 500 envelope of the path's API version, never a trace; a
database that is out of reach (down, frozen past the timeout, locked by another process)
becomes a 503 with Retry-After instead, logged in one line: an outage is not a storm of 500s
and tracebacks, and the client learns that the same request may be sent again.

A pure ASGI middleware instead of an ``Exception`` handler: Starlette runs such a handler in its
outermost ServerErrorMiddleware, which re-raises after answering, and the server then drops the
client's keep-alive connection. Here the failure is logged and answered, and the connection
stays usable.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadpecker.http.envelopes import internal_error_response, unavailable_response
from leadpecker.kit.outages import database_unavailable

log = logging.getLogger("leadpecker")


class UnexpectedFailureMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if (reason := database_unavailable(error)) is not None:
                log.warning("database unavailable on %s %s: %s", scope.get("method"), scope["path"], reason)
                response = unavailable_response(scope["path"])
            else:
                log.exception("unexpected error on %s %s", scope.get("method"), scope["path"])
                response = internal_error_response(scope["path"])
            if response_started:
                raise  # half a response is out: only closing the connection is honest now
            await response(scope, receive, send)
