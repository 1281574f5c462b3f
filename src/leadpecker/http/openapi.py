"""The OpenAPI document: error bodies of both envelopes, the key schemes, and the fixes applied
to what FastAPI generates."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field


class V1ErrorStatus(BaseModel):
    status: str = Field(examples=["ERROR"])
    code: str = Field(examples=["E_WRONG_PARAM"])
    msg: str = Field(examples=["Unknown param:madeUpParam"])


class V1Error(BaseModel):
    """The v1 error envelope."""

    status: V1ErrorStatus


class V2Error(BaseModel):
    """The v2 error envelope."""

    title: str = Field(examples=["Bad Request"])
    status: int = Field(examples=[400])
    details: str = Field(examples=["prospects[0].email: field required"])
    timestamp: str = Field(examples=["2025-03-05 17:57:00"], description="YYYY-MM-DD HH:MM:SS UTC")
    extra: Any = None


def _errors(model: type[BaseModel], codes: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": model, "description": text} for code, text in codes.items()}


V1_ERRORS = _errors(
    V1Error,
    {
        400: "Wrong or unknown parameter (E_WRONG_PARAM, E_REQUIRED_ELEMENT, …)",
        401: "Missing, unknown or revoked API key (E_SESSION)",
        403: "The account has no API add-on (E_NO_PERMISSION)",
        404: "Unknown URL (E_URL_NOT_FOUND) or record (E_RECORD_NOT_FOUND)",
        408: "Request head or body not received in time",
        409: "Rate limit: too many requests in one time (E_TOO_MANY_REQUESTS)",
        413: "Request body over the size limit",
        431: "Request line and headers over the size limit",
        500: "Unknown error (E_UNNOWN)",
        503: "The database is unavailable for now (E_UNNOWN); try again after Retry-After seconds",
    },
)
V2_ERRORS = _errors(
    V2Error,
    {
        400: "Malformed request; details names the field",
        401: "Missing, unknown or revoked API key",
        403: "The account has no API add-on",
        404: "Unknown resource",
        408: "Request head or body not received in time",
        413: "Request body over the size limit",
        431: "Request line and headers over the size limit",
        429: "Rate limit: too many requests for this key",
        500: "Unexpected error",
        503: "The database is unavailable for now; try again after Retry-After seconds",
    },
)


def query_parameter(
    name: str,
    description: str,
    *,
    required: bool = False,
    example: str | None = None,
    schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An OpenAPI query parameter for endpoints that parse their query string themselves
    (v1 answers unknown parameters with its own 400, which FastAPI's parsing cannot);
    ``schema``: what the value must be beyond a string (pattern, minLength)."""
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **(schema or {})},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


# How a client presents its key (http/auth.py reads both). Declared here, on the finished
# document, rather than as FastAPI security dependencies: FastAPI's HTTPBasic answers its own 401
# (with WWW-Authenticate, outside our envelopes) to the legacy forms auth.py accepts, such as
# base64(key) without a colon; and dependencies run on every request (APIKeyHeader plus an inert
# HTTPBasic took a bare endpoint from ~190 to ~410 µs in-process, measured 2026-12-04).
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "ApiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
        "description": "The account's API key (`leadpecker accounts create`, `leadpecker keys create`).",
    },
    "BasicAuth": {
        "type": "http",
        "scheme": "basic",
        "description": "Legacy: the API key as the user name, the password empty.",
    },
}
# Either scheme alone is enough: alternatives, not both at once.
KEY_REQUIRED = [{name: []} for name in SECURITY_SCHEMES]
API_PREFIX = "/rest/"


def tailor_openapi(app: FastAPI) -> None:
    """Make the generated document say what the service does: no 422 (leadpecker answers
    malformed input with 400 in the envelope of the API version), and the key schemes on every
    operation that authenticates, so Swagger UI's "Authorize" and "Try it out" work."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            _drop_422(schema)
            _declare_security(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_422(schema: dict[str, Any]) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)


def _declare_security(schema: dict[str, Any]) -> None:
    """Every /rest operation authenticates (the rate limit keys the same prefix); the service's
    own pages (/health, the docs) do not."""
    schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in schema.get("paths", {}).items():
        if path.startswith(API_PREFIX):
            for operation in operations.values():
                operation["security"] = KEY_REQUIRED
