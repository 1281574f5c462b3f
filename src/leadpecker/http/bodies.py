"""Request-body quirks handled before routing: the size limit and v1's missing Content-Type."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadpecker.http.envelopes import error_response
from leadpecker.kit.errors import LeadpeckerError


class PayloadTooLarge(LeadpeckerError):
    status_code = 413
    v1_code = "E_WRONG_PARAM"


class RequestBodyMiddleware:
    """Refuses bodies over the limit before they are read whole (413), and makes every API body
    JSON: legacy clients post JSON with no Content-Type or with curl's form default."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/rest/"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        too_large = PayloadTooLarge(f"body: request body exceeds the limit of {self.max_body_bytes} bytes")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await error_response(scope["path"], too_large)(scope, receive, send)
            return
        if "json" not in headers.get("content-type", "").lower():
            raw = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
            scope = {**scope, "headers": [*raw, (b"content-type", b"application/json")]}

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI re-raises HTTPException from body reading; the handler renders it.
                    raise HTTPException(413, too_large.message)
            return message

        await self.app(scope, limited_receive, send)
