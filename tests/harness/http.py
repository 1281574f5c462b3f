"""HTTP as a client sees it: the reference's error envelopes (v1 and v2) and their asserts, raw
requests for what httpx would add or normalise, slow clients that hold a rate-limit slot for as
long as a test wants, and the OpenAPI document a code generator reads.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import select
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.harness.names import new_emails
from tests.harness.prospects import ADD
from tests.harness.server import Server

# The reference's texts, copied from developers.woodpecker.co, "Search for prospects".
V1_SESSION_MSG = (
    "The API key you've entered is incorrect or no longer valid. Check if you pasted the key "
    "correctly. You can generate a new key in Woodpecker: Settings -> API Keys."
)
V1_SESSION_BODY = {"status": {"status": "ERROR", "code": "E_SESSION", "msg": V1_SESSION_MSG}}
V1_NO_PERMISSION_MSGS = ("Api access denied.", "You need to have an API keys addon to access our API.")
V1_TOO_MANY_BODY = {
    "status": {"status": "ERROR", "code": "E_TOO_MANY_REQUESTS", "msg": "Too many requests in one time"}
}
V1_UNKNOWN_BODY = {"status": {"status": "ERROR", "code": "E_UNNOWN", "msg": "Unknown error."}}
V1_CODES = {
    "E_URL_NOT_FOUND",
    "E_SESSION",
    "E_NO_PERMISSION",
    "E_RECORD_NOT_FOUND",
    "E_TOO_MANY_REQUESTS",
    "E_REQUIRED_ELEMENT",
    "E_INV_STATUS",
    "E_DUPLICATE",
    "E_EMAIL",
    "E_EMAIL_NOT_EXISTS",
    "E_WRONG_PARAM",
    "E_UNNOWN",
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def assert_v1_error(
    response: httpx.Response | RawResponse, status: int, code: str, msg: str | None = None
) -> str:
    """``response`` is the v1 envelope with this status and code (and msg); returns the msg."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert list(body) == ["status"], body
    assert set(body["status"]) == {"status", "code", "msg"}, body
    assert body["status"]["status"] == "ERROR", body
    assert body["status"]["code"] == code, body
    assert isinstance(body["status"]["msg"], str) and body["status"]["msg"], body
    if msg is not None:
        assert body["status"]["msg"] == msg, body
    return body["status"]["msg"]


def assert_v2_error(
    response: httpx.Response | RawResponse, status: int, title: str, details: str | None = None
) -> dict[str, Any]:
    """``response`` is the v2 envelope: title, status, details, timestamp (UTC), extra null;
    no stack trace."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"title", "status", "details", "timestamp", "extra"}, body
    assert body["title"] == title, body
    assert body["status"] == status, body
    assert isinstance(body["details"], str) and body["details"], body
    if details is not None:
        assert body["details"] == details, body
    assert TIMESTAMP.match(body["timestamp"]), body
    assert body["extra"] is None, body
    assert_no_trace(response)
    return body


def assert_no_trace(response: httpx.Response | RawResponse) -> None:
    """Nothing of a stack trace or of the database driver shows in the body."""
    for tell in ("Traceback", 'File "', "Error(", "sqlalchemy", "sqlite3", "asyncpg"):
        assert tell not in response.text, response.text


# --- raw HTTP -------------------------------------------------------------------------------


def b64(text: str) -> str:
    """``text`` in base64, as HTTP Basic credentials carry it."""
    return base64.b64encode(text.encode()).decode()


class RawResponse:
    """A response read off the socket as it came (headers by lower-case name)."""

    def __init__(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = content
        self.text = content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    assert parts.hostname is not None, url
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def _read(connection: http.client.HTTPConnection) -> RawResponse:
    response = connection.getresponse()
    content = response.read()
    return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, content)


def raw_request(
    url: str,
    method: str,
    path: str,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> RawResponse:
    """One request sent exactly as given: header names in the given case, no Content-Type
    unless given (httpx would add or normalise some of these)."""
    connection = _connection(url, timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        items = headers.items() if isinstance(headers, dict) else (headers or [])
        for name, value in items:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        return _read(connection)
    finally:
        connection.close()


class HeldRequest:
    """A slow client: request line, headers and the first byte of the body go out on ``start``,
    the rest only on ``send_rest``. The server has the request (so it is in its key's rate-limit line)
    but cannot finish reading the body, so the request occupies its place — in flight or
    waiting — for as long as the test wants, with no timing involved."""

    def __init__(self, url: str, key: str, body: bytes, path: str = ADD, timeout: float = 30) -> None:
        self.connection = _connection(url, timeout)
        self.connection.connect()
        self.key, self.body, self.path = key, body, path
        self.response: RawResponse | None = None

    def start(self) -> None:
        """Send the request line, the headers and the first byte of the body."""
        self.connection.putrequest("POST", self.path)
        self.connection.putheader("x-api-key", self.key)
        self.connection.putheader("Content-Type", "application/json")
        self.connection.putheader("Content-Length", str(len(self.body)))
        self.connection.endheaders(self.body[:1])

    def fileno(self) -> int:
        sock = self.connection.sock
        assert sock is not None
        return sock.fileno()

    def read(self) -> RawResponse:
        if self.response is None:
            self.response = _read(self.connection)
        return self.response

    def send_rest(self) -> None:
        """Send the rest of the body: the request can now be served when its turn comes."""
        assert self.response is None, "already answered"
        assert self.connection.sock is not None
        self.connection.sock.sendall(self.body[1:])

    def close(self) -> None:
        self.connection.close()


def hold(url: str, key: str, count: int) -> list[HeldRequest]:
    """``count`` held requests of ``key``, sent as one burst (connections are opened first)."""
    held = [HeldRequest(url, key, add_body(new_emails(1, "held"))) for _ in range(count)]
    for request in held:
        request.start()
    return held


def answered_early(held: list[HeldRequest], count: int, timeout: float = 10) -> list[HeldRequest]:
    """Wait until ``count`` of the held requests are answered although their bodies are not
    complete (a refusal), and return those; fewer when ``timeout`` runs out first."""
    answered: list[HeldRequest] = []
    deadline = time.monotonic() + timeout
    while len(answered) < count and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([h for h in held if h not in answered], [], [], left)
        for request in ready:
            request.read()
            answered.append(request)
    return answered


def add_body(emails: list[str]) -> bytes:
    return json.dumps({"prospects": [{"email": email} for email in emails]}).encode()


# --- the OpenAPI document ------------------------------------------------------------------


def openapi_document(server: Server) -> dict[str, Any]:
    """The server's OpenAPI document, as a client's code generator reads it."""
    with server.client() as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve_schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$ref`` followed to the component it names."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def v2_operations(server: Server) -> list[tuple[str, str, bool]]:
    """(method, path, takes a body) of every /rest/v2 operation the OpenAPI document lists,
    path parameters filled in: a new endpoint is covered without touching its tests."""
    paths = openapi_document(server)["paths"]
    return [
        (
            method.upper(),
            re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path),
            "requestBody" in operation,
        )
        for path, operations in paths.items()
        if path.startswith("/rest/v2/")
        for method, operation in operations.items()
    ]
