"""How a request presents its API key (the account it belongs to: accounts/dependencies.py)."""

from __future__ import annotations

import base64
import binascii


def presented_key(headers: dict[str, str] | object) -> str | None:
    """The key of a request: ``x-api-key``, else any legacy HTTP Basic form.

    Basic forms accepted: base64(key), base64(key:), base64(:key), base64(key:anything), and the
    malformed ``Basic <base64(key)>:X`` some older clients send. Header names are
    case-insensitive (Starlette's Headers already are).
    """
    get = headers.get  # type: ignore[attr-defined]
    key = get("x-api-key")
    if key and key.strip():
        return key.strip()
    authorization = get("authorization")
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    token = token.strip().split(":", 1)[0]  # drops the ":X" of the malformed legacy form
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, _, password = decoded.partition(":")
    key = (user or password).strip()
    return key or None
