"""Which target URLs a subscription may have, and the check against private addresses.

A target URL is an absolute http(s) URL with a host. A deployment that faces the internet
sets ``LEADPECKER_WEBHOOK_REFUSE_PRIVATE_TARGETS`` so that nobody can make it POST to its own
network (loopback, private, link-local, and other non-global addresses): checked when a
subscription is made, and again before every delivery, since a name may resolve elsewhere
later. Off by default: a local receiver is the main use of a stand-in.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
# The one rule for a target URL, also published in the OpenAPI document: http(s), a host name
# or an IPv4 address (a bracketed IPv6 literal is refused), an optional port, then any path,
# query and fragment without spaces.
TARGET_URL_PATTERN = rf"^https?://{_LABEL}(?:\.{_LABEL})*(?::{_PORT})?(?:[/?#][^\s]*)?$"
_TARGET_URL = re.compile(TARGET_URL_PATTERN)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a target URL, or None when it can."""
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname or not _TARGET_URL.match(url):
        return "must be an absolute http:// or https:// URL"
    return None


async def private_address_problem(url: str) -> str | None:
    """Why ``url`` is refused when private targets are: the first address its host resolves
    to that is not a global one, or a host that does not resolve. None when every address is
    global."""
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return f"host {host} does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"host {host} is a private or local address ({address})"
    return None
