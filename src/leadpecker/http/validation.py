"""Turns FastAPI's validation errors into the API's 400s, each naming the offending field."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError

from leadpecker.kit.errors import BadRequest
from leadpecker.kit.fields import NO_NUL, NO_NUL_MESSAGE


def field_path(loc: tuple[Any, ...]) -> str:
    parts = [part for part in loc if part not in ("body", "query", "path", "header")]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _shown(value: Any) -> str:
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def decoded_before_dependencies(exc: RequestValidationError) -> bool:
    """Whether the error is the JSON decoding of the body, which FastAPI does before it runs
    any dependency (authentication included)."""
    return any(error.get("type") == "json_invalid" for error in exc.errors())


def to_bad_request(exc: RequestValidationError, *, v1: bool) -> BadRequest:
    error = exc.errors()[0]
    kind = error.get("type", "")
    if kind == "json_invalid":
        reason = error.get("ctx", {}).get("error", "invalid JSON")
        return BadRequest(f"body: not valid JSON ({reason})")
    if kind == "value_error.body" or (kind == "model_attributes_type" and not error["loc"][1:]):
        return BadRequest("body: must be a JSON object")
    field = field_path(tuple(error["loc"]))
    message = error.get("msg", "invalid value")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NO_NUL:
        message = NO_NUL_MESSAGE  # pydantic would show the pattern itself
    if kind == "missing":
        if v1:
            return BadRequest(f"Required element missing: {field}", v1_code="E_REQUIRED_ELEMENT")
        return BadRequest(f"{field}: field required")
    if v1:
        return BadRequest(f"Wrong param [{field}]={_shown(error.get('input'))} ({message})")
    return BadRequest(f"{field}: {message}")
