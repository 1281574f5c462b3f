"""The two error envelopes of the API, chosen by the path's prefix.

v1 (``/rest/v1/…``): ``{"status": {"status": "ERROR", "code": "E_…", "msg": "…"}}``
v2 (everything else): ``{"title", "status", "details", "timestamp", "extra"}``
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadpecker.kit.errors import LeadpeckerError
from leadpecker.kit.json import JsonResponse

V2_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    431: "Request Header Fields Too Large",
    429: "Too Many Requests",
    500: "Internal server error",
    503: "Service Unavailable",
}

V1_UNAUTHORIZED = (
    "The API key you've entered is incorrect or no longer valid. Check if you pasted the key "
    "correctly. You can generate a new key in Woodpecker: Settings -> API Keys."
)
V2_UNAUTHORIZED = "Invalid api key"
NO_API_ADDON = "You need to have an API keys addon to access our API."
V1_TOO_MANY = "Too many requests in one time"
V2_TOO_MANY = "Too many requests. Only one request per API key is processed at a time."
V1_UNKNOWN = "Unknown error."
V2_UNKNOWN = "An unexpected error has occurred. Please try again later."
V2_NOT_FOUND = "Requested resource does not exist"
UNAVAILABLE = "The service is temporarily unavailable: its database does not answer. Please try again later."
# Long enough not to hammer a database that is coming back, short enough that clients resume
# soon after it did (a PostgreSQL restart takes a few seconds).
RETRY_AFTER_SECONDS = 5


def is_v1(path: str) -> bool:
    return path == "/rest/v1" or path.startswith("/rest/v1/")


def v1_body(code: str, msg: str) -> dict[str, Any]:
    return {"status": {"status": "ERROR", "code": code, "msg": msg}}


def v2_body(status: int, details: str, extra: Any = None) -> dict[str, Any]:
    return {
        "title": V2_TITLES.get(status, "Error"),
        "status": status,
        "details": details,
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "extra": extra,
    }


def error_response(path: str, error: LeadpeckerError) -> JsonResponse:
    """Render a domain error for the API version of ``path``."""
    status, message = error.status_code, error.message
    if is_v1(path):
        if status == 401:
            message = V1_UNAUTHORIZED
        elif status == 429:
            # v1 answers a rate-limit refusal with 409, not 429 ("Search for prospects" page).
            status, message = 409, V1_TOO_MANY
        return JsonResponse(v1_body(error.v1_code, message), status_code=status)
    if status == 401:
        message = V2_UNAUTHORIZED
    elif status == 429:
        message = V2_TOO_MANY
    return JsonResponse(v2_body(status, message), status_code=status)


def not_found_response(path: str) -> JsonResponse:
    if is_v1(path):
        # The reference's own example shows the Java context path in front of the request path.
        return JsonResponse(v1_body("E_URL_NOT_FOUND", f"URL not found: /Woodpecker{path}"), 404)
    return JsonResponse(v2_body(404, V2_NOT_FOUND), 404)


def method_not_allowed_response(path: str, method: str, allow: str) -> JsonResponse:
    msg = f"Method {method} is not allowed for URL: {path}"
    headers = {"Allow": allow} if allow else None
    if is_v1(path):
        return JsonResponse(v1_body("E_URL_NOT_FOUND", msg), 405, headers=headers)
    return JsonResponse(v2_body(405, msg), 405, headers=headers)


def internal_error_response(path: str) -> JsonResponse:
    if is_v1(path):
        return JsonResponse(v1_body("E_UNNOWN", V1_UNKNOWN), 500)
    return JsonResponse(v2_body(500, V2_UNKNOWN), 500)


def unavailable_response(path: str) -> JsonResponse:
    """503: the database is out of reach for now. v1 has no code of its own for it; E_UNNOWN
    is the reference's code for a failure that is not the client's, and the status and the
    message tell the client that trying again later is the remedy."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_v1(path):
        return JsonResponse(v1_body("E_UNNOWN", UNAVAILABLE), 503, headers=headers)
    return JsonResponse(v2_body(503, UNAVAILABLE), 503, headers=headers)
