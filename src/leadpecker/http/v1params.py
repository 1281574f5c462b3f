"""Query-string rules of the v1 API: unknown parameters and malformed values are 400s with the
reference's texts ("Unknown param:NAME", "Wrong param [NAME]=VALUE")."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import QueryParams

from leadpecker.kit.errors import BadRequest

# The rules below as the OpenAPI document states them (JSON Schema patterns that Python's and
# ECMAScript's regular expressions read alike; the parsers also accept other whitespace).
ID_LIST_SCHEMA = {"pattern": "^ *[0-9]{1,18} *(, *[0-9]{1,18} *)*$"}
FLAG_SCHEMA = {"pattern": "^ *([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0) *$"}
NOT_EMPTY_SCHEMA = {"minLength": 1}


def unknown_param(name: str) -> BadRequest:
    return BadRequest(f"Unknown param:{name}")


def wrong_param(name: str, value: str) -> BadRequest:
    return BadRequest(f"Wrong param [{name}]={value}")


def required(name: str) -> BadRequest:
    return BadRequest(f"Required element missing: {name}", v1_code="E_REQUIRED_ELEMENT")


def check_known(params: QueryParams, allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name in params:
        if name not in allowed:
            raise unknown_param(name)


def single(params: QueryParams, name: str) -> str | None:
    """A parameter given once; a repeated one is ambiguous and refused."""
    values = params.getlist(name)
    if len(values) > 1:
        raise wrong_param(name, ",".join(values))
    return values[0] if values else None


def id_list(name: str, value: str) -> list[int]:
    """``1,2,3`` → [1, 2, 3]; anything else is a wrong param."""
    parts = [part.strip() for part in value.split(",")]
    if not parts or not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in parts):
        raise wrong_param(name, value)
    return [int(part) for part in parts]
