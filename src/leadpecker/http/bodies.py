"""Request-body quirks handled before routing: the size limit, the time limit, and v1's missing
Content-Type."""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadpecker.http.envelopes import error_response
from leadpecker.kit.errors import LeadpeckerError
from leadpecker.kit.json import JsonResponse

# Past its grace period (``body_timeout``) a body must keep arriving at this average rate: a
# 32 MiB body still has 9 hours, while a client trickling a byte every few seconds to hold a
# connection (and a place in its key's rate-limit line) forever is cut off.
BODY_MIN_BYTES_PER_SECOND = 1_000


class PayloadTooLarge(LeadpeckerError):
    status_code = 413
    v1_code = "E_WRONG_PARAM"


class RequestTimeout(LeadpeckerError):
    status_code = 408
    v1_code = "E_WRONG_PARAM"


def unread_body_response(path: str, error: LeadpeckerError) -> JsonResponse:
    """A refusal sent before the body was read whole: the connection cannot be reused (what is
    left of the body would be read as the next request), so it is closed."""
    response = error_response(path, error)
    response.headers["Connection"] = "close"
    return response


class RequestBodyMiddleware:
    """Refuses bodies over the limit before they are read whole (413) and bodies that do not
    arrive in time (408), and makes every API body JSON: legacy clients post JSON with no
    Content-Type or with curl's form default."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/rest/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        too_large = PayloadTooLarge(f"body: request body exceeds the limit of {self.max_body_bytes} bytes")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await unread_body_response(scope["path"], too_large)(scope, receive, send)
            return
        if "json" not in headers.get("content-type", "").lower():
            raw = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
            scope = {**scope, "headers": [*raw, (b"content-type", b"application/json")]}

        received = 0
        started: float | None = None  # when the app first waited for the body
        complete = False

        async def limited_receive() -> Message:
            nonlocal received, started, complete
            if complete:
                return await receive()  # e.g. waiting for a disconnect: no limit
            loop = asyncio.get_running_loop()
            started = loop.time() if started is None else started
            deadline = started + self.body_timeout + received / BODY_MIN_BYTES_PER_SECOND
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                # FastAPI re-raises HTTPException from body reading; the handler renders it.
                raise HTTPException(
                    408,
                    f"body: not received in time ({self.body_timeout:g} s, then "
                    f"{BODY_MIN_BYTES_PER_SECOND} bytes a second)",
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > self.max_body_bytes:
                    raise HTTPException(413, too_large.message)
            else:
                complete = True
            return message

        await self.app(scope, limited_receive, send)
