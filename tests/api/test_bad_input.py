"""Bad input to the v1 loading endpoints (README.md, "Errors" and "Hostile input"): a 4xx in
the v1 envelope whose message names the field, never a 500, and nothing written. (A field the
endpoint does not know is not bad input: it is ignored, as the reference ignores it —
tests/api/test_documented_fields.py.)"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from tests.harness.http import RawResponse, assert_no_trace, assert_v1_error
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, add_emails, assert_nothing_stored, statuses

Body = Callable[[list[str]], bytes]


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def with_second(emails: list[str], **fields: Any) -> bytes:
    """Two prospects, the second with ``fields``."""
    return dumps({"prospects": [{"email": emails[0]}, {"email": emails[1], **fields}]})


BAD_BODIES: list[Any] = [
    # (body, code, the field the message must name)
    pytest.param(
        lambda e: dumps({"prospects": [{"email": e[0]}, {"email": e[1]}]})[:-2],
        "E_WRONG_PARAM",
        "body",
        id="cut JSON",
    ),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": x} for x in e]}) + b" x",
        "E_WRONG_PARAM",
        "body",
        id="JSON+junk",
    ),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": e[0]}]})[:-3] + b', "first_name": "Jos\xe9"}]}',
        "E_WRONG_PARAM",
        "body",
        id="not UTF-8",
    ),
    pytest.param(lambda e: dumps([{"email": x} for x in e]), "E_WRONG_PARAM", "body", id="JSON array"),
    pytest.param(lambda e: dumps(e[0]), "E_WRONG_PARAM", "body", id="JSON string"),
    pytest.param(lambda e: b"null", "E_WRONG_PARAM", "body", id="JSON null"),
    pytest.param(lambda e: b"", "E_REQUIRED_ELEMENT", "body", id="empty body"),
    pytest.param(lambda e: dumps({"update": True}), "E_REQUIRED_ELEMENT", "prospects", id="no prospects"),
    pytest.param(lambda e: dumps({"prospects": []}), "E_WRONG_PARAM", "prospects", id="prospects empty"),
    pytest.param(
        lambda e: dumps({"prospects": {"email": e[0]}}), "E_WRONG_PARAM", "prospects", id="not a list"
    ),
    pytest.param(lambda e: dumps({"prospects": None}), "E_WRONG_PARAM", "prospects", id="prospects null"),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": e[0]}, {"first_name": "No Email"}]}),
        "E_REQUIRED_ELEMENT",
        "prospects[1].email",
        id="entry without email",
    ),
    pytest.param(
        lambda e: with_second(e, email=None), "E_WRONG_PARAM", "prospects[1].email", id="email null"
    ),
    pytest.param(
        lambda e: with_second(e, email="x" * 400 + "@example.com"),
        "E_WRONG_PARAM",
        "prospects[1].email",
        id="email too long",
    ),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": e[0]}, e[1]]}),
        "E_WRONG_PARAM",
        "prospects[1]",
        id="entry a string",
    ),
    pytest.param(
        lambda e: with_second(e, first_name={}),
        "E_WRONG_PARAM",
        "prospects[1].first_name",
        id="first_name {}",
    ),
    pytest.param(
        lambda e: with_second(e, last_name=["x"]),
        "E_WRONG_PARAM",
        "prospects[1].last_name",
        id="last_name list",
    ),
    pytest.param(
        lambda e: with_second(e, status="SLEEPING"), "E_WRONG_PARAM", "prospects[1].status", id="bad status"
    ),
    pytest.param(
        lambda e: with_second(e, organization_id="acme"),
        "E_WRONG_PARAM",
        "prospects[1].organization_id",
        id="org id text",
    ),
    pytest.param(
        lambda e: with_second(e, snippet_labels="x"),
        "E_WRONG_PARAM",
        "prospects[1].snippet_labels",
        id="labels not object",
    ),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": x} for x in e], "update": "maybe"}),
        "E_WRONG_PARAM",
        "update",
        id="update maybe",
    ),
    pytest.param(
        lambda e: dumps({"prospects": [{"email": x} for x in e], "update": 2}),
        "E_WRONG_PARAM",
        "update",
        id="update 2",
    ),
    pytest.param(
        lambda e: dumps(
            {"prospects": [{"email": x} for x in e] + [{"email": f"{i}@example.com"} for i in range(19_999)]}
        ),
        "E_WRONG_PARAM",
        "prospects",
        id="20,001 prospects",
    ),
]


@pytest.mark.parametrize(("body", "code", "field"), BAD_BODIES)
def test_a_bad_add_prospects_list_body_is_400_naming_the_field(shared_api, body: Body, code, field) -> None:
    emails = new_emails(2)
    response = shared_api.post(ADD, content=body(emails), headers={"Content-Type": "application/json"})
    msg = assert_v1_error(response, 400, code)
    assert field in msg, msg
    assert_no_trace(response)
    assert_nothing_stored(shared_api, emails)


def test_twenty_thousand_prospects_are_accepted(shared_api) -> None:
    emails = new_emails(20_000, "bulk")
    outcomes = add_emails(shared_api, emails)
    assert set(statuses(outcomes)) == {"OK"}
    assert len({outcome["id"] for outcome in outcomes}) == 20_000


# --- DELETE /rest/v1/prospects ------------------------------------------------------------


@pytest.fixture
def victim(shared_api) -> tuple[str, int]:
    """A prospect that must survive every rejected delete."""
    email = new_emails(1, "victim")[0]
    (outcome,) = add_emails(shared_api, [email])
    return email, outcome["id"]


def assert_still_there(client: Any, email: str, prospect_id: int) -> None:
    (outcome,) = add_emails(client, [email])
    assert (outcome["status"], outcome["id"]) == ("DUPLICATE", prospect_id)


@pytest.mark.parametrize("query", ["", "?id=", "?campaigns_id=1"])
def test_delete_without_id_is_e_required_element(shared_api, victim, query) -> None:
    msg = assert_v1_error(shared_api.delete(f"/rest/v1/prospects{query}"), 400, "E_REQUIRED_ELEMENT")
    assert "id" in msg
    assert_still_there(shared_api, *victim)


@pytest.mark.parametrize("value", ["abc", "1,,2", "-1", "1.5", "1;2", "99999999999999999999", "{id}"])
def test_delete_with_a_malformed_id_is_wrong_param(shared_api, victim, value) -> None:
    response = shared_api.delete("/rest/v1/prospects", params={"id": value})
    assert_v1_error(response, 400, "E_WRONG_PARAM", f"Wrong param [id]={value}")
    mixed = shared_api.delete("/rest/v1/prospects", params={"id": f"{victim[1]},{value}"})
    assert_v1_error(mixed, 400, "E_WRONG_PARAM", f"Wrong param [id]={victim[1]},{value}")
    assert_still_there(shared_api, *victim)


def test_delete_with_a_malformed_campaigns_id_is_wrong_param(shared_api, victim) -> None:
    response = shared_api.delete("/rest/v1/prospects", params={"id": str(victim[1]), "campaigns_id": "x"})
    assert_v1_error(response, 400, "E_WRONG_PARAM", "Wrong param [campaigns_id]=x")
    assert_still_there(shared_api, *victim)


@pytest.mark.parametrize("name", ["madeUpParam", "ids", "search"])
def test_delete_with_an_unknown_param_is_unknown_param(shared_api, victim, name) -> None:
    response = shared_api.delete("/rest/v1/prospects", params={"id": str(victim[1]), name: "1"})
    assert_v1_error(response, 400, "E_WRONG_PARAM", f"Unknown param:{name}")
    assert_still_there(shared_api, *victim)


# --- the body size limit ---------------------------------------------------------------------

LIMIT = 2048


@pytest.fixture(scope="module")
def tight(standalone, tight_server) -> Iterator[tuple[Any, httpx.Client]]:
    """The server with a body limit of 2048 bytes, and a client of an account there."""
    account = standalone.account()
    with tight_server.client(account.api_key) as client:
        yield account, client


def big_body(emails: list[str]) -> bytes:
    body = dumps({"prospects": [{"email": e, "first_name": "x" * 200} for e in emails]})
    assert len(body) > LIMIT
    return body


def assert_too_large(response: Any) -> None:
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["status"]["status"] == "ERROR"
    assert_v1_error(response, 413, body["status"]["code"])
    assert "body" in body["status"]["msg"]
    assert_no_trace(response)


def test_a_body_within_the_limit_is_read(tight) -> None:
    emails = new_emails(3)
    response = tight[1].post(ADD, content=dumps({"prospects": [{"email": e} for e in emails]}))
    assert response.status_code == 200
    assert statuses(response.json()["prospects"]) == ["OK"] * 3


def test_a_body_over_the_limit_is_413_with_content_length(tight) -> None:
    emails = new_emails(12)
    assert_too_large(tight[1].post(ADD, content=big_body(emails)))
    assert_nothing_stored(tight[1], emails)


def test_a_chunked_body_over_the_limit_is_413(tight) -> None:
    emails = new_emails(12)
    body = big_body(emails)

    def chunks() -> Any:
        for start in range(0, len(body), 256):
            yield body[start : start + 256]

    assert_too_large(tight[1].post(ADD, content=chunks()))
    assert_nothing_stored(tight[1], emails)


def raw_exchange(server: Any, head: str, body: bytes) -> RawResponse:
    """Send a request head and part of a body, never the rest; read the answer (to EOF)."""
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status_line, rest = data.split(b"\r\n", 1)
    headers, content = rest.split(b"\r\n\r\n", 1)
    names = dict(line.decode().split(": ", 1) for line in headers.split(b"\r\n"))
    return RawResponse(int(status_line.split()[1]), {k.lower(): v for k, v in names.items()}, content)


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 1 << 30


def test_a_declared_oversized_body_is_refused_before_it_is_sent(tight_server, tight) -> None:
    head = (
        f"POST {ADD} HTTP/1.1\r\nHost: test\r\nx-api-key: {tight[0].api_key}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    )
    assert_too_large(raw_exchange(tight_server, head, b'{"prospects": ['))


def test_an_endless_chunked_body_is_refused_once_over_the_limit(tight_server, tight) -> None:
    head = (
        f"POST {ADD} HTTP/1.1\r\nHost: test\r\nx-api-key: {tight[0].api_key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b" " * 1000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4))  # no last chunk
    assert_too_large(raw_exchange(tight_server, head, body))


@pytest.mark.parametrize(
    "body", [b'{"prospects": [{"email": "\xff@x.com"}]}', b"[" * 100_000], ids=["not UTF-8", "too deep"]
)
def test_a_body_that_cannot_be_decoded_is_400_naming_the_body(shared_api, body: bytes) -> None:
    response = shared_api.post(ADD, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    status = response.json()["status"]
    assert (status["code"], status["msg"]) == (
        "E_WRONG_PARAM",
        "body: not readable as JSON (not UTF-8, nested too deeply, or a number too long)",
    )
