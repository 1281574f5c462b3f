"""Error bodies of both envelopes, for the OpenAPI document."""

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
        409: "Rate limit: too many requests in one time (E_TOO_MANY_REQUESTS)",
        413: "Request body over the size limit",
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
        413: "Request body over the size limit",
        429: "Rate limit: too many requests for this key",
        500: "Unexpected error",
        503: "The database is unavailable for now; try again after Retry-After seconds",
    },
)


def query_parameter(
    name: str, description: str, *, required: bool = False, example: str | None = None
) -> dict[str, Any]:
    """An OpenAPI query parameter for endpoints that parse their query string themselves
    (v1 answers unknown parameters with its own 400, which FastAPI's parsing cannot)."""
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def without_422(app: FastAPI) -> None:
    """FastAPI documents a 422 for every body; leadpecker answers malformed input with 400 in
    the envelope of the API version, so the 422 entries would be false."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
