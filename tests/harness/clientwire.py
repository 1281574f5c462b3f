"""How each public Woodpecker client puts a request on the wire, so that a test can send exactly
that to a running leadpecker.

A :class:`ClientWire` holds what a client does the same way on every request: how it presents
the key, which headers it always sends, whether a body gets a Content-Type, how it writes a
query string and how it serialises JSON. Each is read from the client's own code (cited per
constant). Requests go out through ``raw_request``: no header is added, normalised or reordered
beyond Host and Content-Length, and a body without a Content-Type stays without one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from tests.harness.http import RawResponse, b64, raw_request

Query = Sequence[tuple[str, str]]


# --- query strings ------------------------------------------------------------------------


def unencoded_query(pairs: Query) -> str:
    """``f"{key}={value}"`` joined by ``&``, nothing escaped (dd-woodpecker's
    ``args_to_url_params``): a ``+`` reaches the server as a space."""
    return "&".join(f"{name}={value}" for name, value in pairs)


def rfc3986_query(pairs: Query) -> str:
    """Every character but letters, digits and ``-._~`` percent-encoded (the ``qs`` module behind
    the npm ``request`` library; also how Power Automate's connector runtime writes values)."""
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs)


def form_query(pairs: Query) -> str:
    """application/x-www-form-urlencoded, a space as ``+`` (WHATWG ``URLSearchParams``: the
    w6w app's ``URL.searchParams`` and the axios client of Activepieces)."""
    return urlencode(list(pairs))


# --- JSON bodies --------------------------------------------------------------------------


def python_json(value: Any) -> bytes:
    """``json.dumps`` with its default separators and ASCII escapes (``requests``'s ``json=``,
    ``urllib`` scripts)."""
    return json.dumps(value).encode()


def js_json(value: Any) -> bytes:
    """``JSON.stringify``: no spaces, non-ASCII text as UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def php_json(value: Any) -> bytes:
    """WordPress's ``wp_json_encode`` (``json_encode`` without flags): no spaces, non-ASCII as
    ``\\uXXXX`` and every ``/`` escaped as ``\\/``."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


# --- the clients --------------------------------------------------------------------------


NO_BODY = object()


@dataclass(frozen=True)
class ClientWire:
    """One public client's way of sending requests (see the module docstring)."""

    name: str
    source: str
    authorization: Callable[[str], list[tuple[str, str]]]
    headers: tuple[tuple[str, str], ...]
    body_headers: tuple[tuple[str, str], ...]
    encode_query: Callable[[Query], str]
    encode_json: Callable[[Any], bytes]

    def send(
        self,
        url: str,
        key: str,
        method: str,
        path: str,
        query: Query = (),
        body: Any = NO_BODY,
    ) -> RawResponse:
        """``method path?query`` with ``body`` (a JSON value) as this client sends it."""
        target = f"{path}?{self.encode_query(query)}" if query else path
        headers = [*self.authorization(key), *self.headers]
        payload = None
        if body is not NO_BODY:
            headers += self.body_headers
            payload = self.encode_json(body)
        return raw_request(url, method, target, headers, payload)


DD_WOODPECKER = ClientWire(
    name="dd-woodpecker 0.6",
    source="PyPI dd-woodpecker 0.6, dd_woodpecker/woodpecker.py",
    # self.headers = {"Authorization": f"Basic {base64(api_key)}"}
    authorization=lambda key: [("Authorization", f"Basic {b64(key)}")],
    # requests' defaults
    headers=(("User-Agent", "python-requests/2.32.3"), ("Accept", "*/*")),
    # requests.post(url, headers=..., json=body)
    body_headers=(("Content-Type", "application/json"),),
    encode_query=unencoded_query,
    encode_json=python_json,
)

WOODPECKER_API = ClientWire(
    name="woodpecker-api 1.1.0",
    source="npm woodpecker-api 1.1.0, woodpecker.js (req)",
    # 'Authorization': 'Basic ' + new Buffer(this.key).toString('base64') + ':X'
    authorization=lambda key: [("Authorization", f"Basic {b64(key)}:X")],
    headers=(),
    # r.body = JSON.stringify(data): a string body, so `request` sets no Content-Type
    body_headers=(),
    # r.qs = data
    encode_query=rfc3986_query,
    encode_json=js_json,
)

# Pipedream's app calls the npm library (components/woodpecker_co/woodpecker_co.app.mjs,
# `import woodpecker from "woodpecker-api"`): its requests are the library's.
PIPEDREAM = WOODPECKER_API

WOODPECKER_SKILL = ClientWire(
    name="woodpecker-skill",
    source="GitHub romeoman/woodpecker-skill, scripts/wp.py and scripts/lead_finder.py (wp)",
    authorization=lambda key: [("x-api-key", key)],
    headers=(("Accept", "application/json"),),
    # if body is not None: r.add_header("Content-Type", "application/json")
    body_headers=(("Content-Type", "application/json"),),
    encode_query=unencoded_query,  # the scripts take the path as written, query included
    encode_json=python_json,
)

ACTIVEPIECES = ClientWire(
    name="Activepieces piece",
    source=(
        "GitHub activepieces/activepieces, packages/pieces/community/woodpecker/src/lib/common/"
        "index.ts (woodpeckerClient) and packages/pieces/community/common/src/lib/http/core/"
        "base-http-client.ts (getHeaders)"
    ),
    authorization=lambda key: [("x-api-key", key)],
    headers=(("Accept", "application/json"),),
    body_headers=(("Content-Type", "application/json"),),
    encode_query=form_query,
    encode_json=js_json,
)

POWER_AUTOMATE = ClientWire(
    name="Power Automate connector",
    source=(
        "GitHub microsoft/PowerPlatformConnectors, independent-publisher-connectors/Woodpecker/"
        "apiDefinition.swagger.json and apiProperties.json"
    ),
    # securityDefinitions basic-auth; connection parameters "API Key" (username) and
    # "Enter Space" (password: a single space)
    authorization=lambda key: [("Authorization", f"Basic {b64(key + ': ')}")],
    headers=(("Accept", "application/json"),),
    # "consumes": ["application/json"]
    body_headers=(("Content-Type", "application/json"),),
    encode_query=rfc3986_query,
    encode_json=js_json,
)

W6W = ClientWire(
    name="w6w app",
    source="GitHub segevsh/w6w-apps, apps/woodpecker/lib/client.ts (request) and auth/api-key.ts",
    authorization=lambda key: [("x-api-key", key)],
    headers=(("accept", "application/json"),),
    body_headers=(("content-type", "application/json"),),
    encode_query=form_query,
    encode_json=js_json,
)

BIT_INTEGRATIONS = ClientWire(
    name="Bit Integrations",
    source=(
        "GitHub bit-apps-pro/bit-integrations, backend/Actions/Woodpecker/RecordApiHelper.php and "
        "WoodpeckerController.php"
    ),
    # 'Authorization' => "Basic {$apiKey}" with $apiKey = base64_encode($apiKey)
    authorization=lambda key: [("Authorization", f"Basic {b64(key)}")],
    # 'Content-type' => 'application/json' on every request, GET included
    headers=(("Content-type", "application/json"),),
    body_headers=(),
    encode_query=form_query,
    encode_json=php_json,
)
