"""Constrained field types shared by every request model and file row.

Every string a client sends is checked by ``text_constraints`` or ``Email`` and every integer through
``Int64``, so what the databases cannot hold is refused while the input is validated — a 400
naming the field — instead of failing in the driver (a 500 on PostgreSQL) or being stored in a
form no search finds again (SQLite):

- NUL (U+0000): PostgreSQL's text and jsonb refuse it; SQLite stores it, but the search refuses
  control characters in its values, so such a prospect could no longer be found by its email.
- integers beyond 64 bits: every integer column of both databases is 64-bit.
- emails over 320 characters once normalised: lower-casing lengthens "İ" (U+0130, the only code
  point whose lower case is longer) to "i̇", so 300 of them grow to 600; the limit is checked
  on the form that is stored.

The NUL check is a pattern, so pydantic-core runs it in Rust: ~50 ns a string, 12 ms of CPU
for a 20,000-prospect body of 12 fields each (81 instead of 69 ms to validate, best of 11,
2026-12-04) — under 1 % of the seconds that storing those prospects takes. The Python
validators below run once per email or integer sent: no measurable cost.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from leadpecker.vocabulary.emails import MAX_EMAIL_LENGTH, normalise_email

# A pattern, not a validator: checked in Rust, and shown in the OpenAPI document as what it is.
NO_NUL = r"^[^\x00]*$"
NO_NUL_MESSAGE = "must not contain NUL (\\u0000)"


_DECIMAL_INTEGER = re.compile(r"-?[0-9]{1,19}")


def _integer(value: Any) -> Any:
    # An integer, or its decimal digits as text: CSV cells are text, and form-based clients
    # (automation platforms, PHP) send ids as strings. Nothing else pydantic's lax int would
    # take: true/false, "12.0", " 1_000 ".
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    if isinstance(value, str):
        if not _DECIMAL_INTEGER.fullmatch(value):
            raise ValueError("must be an integer")
        return int(value)
    return value


# OpenAPI's int64 format says the bounds exactly (numbers near 2**63 written out are read
# through doubles by some clients' generators).
Int64 = Annotated[
    int,
    BeforeValidator(_integer),
    Field(ge=-(2**63), le=2**63 - 1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "format": "int64"},
                {"type": "string", "pattern": "^-?[0-9]{1,19}$", "description": "its decimal digits"},
            ]
        }
    ),
]

# Java's int, the type of Woodpecker's own page parameters (its v1 404 shows a Java context
# path): a bound every client's generator reads exactly, unlike numbers near 2**63.
MAX_QUERY_INT = 2**31 - 1


def query_int(minimum: int) -> Any:
    """An integer query parameter of at least ``minimum``: its decimal digits only (not the
    "1.0", "1_000" or " 1 " pydantic's lax int would take), documented with its bounds."""
    return Annotated[
        int,
        BeforeValidator(_integer),
        Field(ge=minimum, le=MAX_QUERY_INT),
        WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": MAX_QUERY_INT}),
    ]


def text_constraints(max_length: int, **constraints: Any) -> StringConstraints:
    """At most ``max_length`` characters, no NUL, and the other ``constraints`` given
    (``strip_whitespace=True, min_length=1``…): ``Annotated[str, text_constraints(500)]``."""
    return StringConstraints(max_length=max_length, pattern=NO_NUL, **constraints)


def _stored_form_fits(email: str) -> str:
    if len(normalise_email(email)) > MAX_EMAIL_LENGTH:
        raise ValueError(f"at most {MAX_EMAIL_LENGTH} characters once trimmed and lower-cased")
    return email


def _normalised_within_limit(email: str) -> str:
    return normalise_email(_stored_form_fits(email))


# An email as the client sent it (answers echo it so), whose stored form fits the column.
Email = Annotated[str, text_constraints(MAX_EMAIL_LENGTH), AfterValidator(_stored_form_fits)]
# An email in its stored form (file rows, which are stored as they are read).
NormalisedEmail = Annotated[str, text_constraints(MAX_EMAIL_LENGTH), AfterValidator(_normalised_within_limit)]
