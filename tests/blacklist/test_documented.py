"""The blacklist endpoints in the OpenAPI document, and behind the per-key rate limit."""

from __future__ import annotations

import pytest
from tests.harness.blacklist import DOMAINS, EMAILS
from tests.harness.http import answered_early, assert_v2_error, hold, resolve_schema
from tests.harness.prospects import statuses
from tests.harness.rate_limit import LINE


@pytest.mark.parametrize(("path", "key"), [(EMAILS, "emails"), (DOMAINS, "domains")])
def test_the_document_describes_each_list(spec, path, key) -> None:
    operations = spec["paths"][path]
    assert set(operations) == {"get", "post", "delete"}
    for operation in operations.values():
        assert operation["security"] == [{"ApiKeyAuth": []}, {"BasicAuth": []}]
        for code in ("400", "401", "403", "429"):
            error = resolve_schema(
                spec, operation["responses"][code]["content"]["application/json"]["schema"]
            )
            assert set(error["properties"]) == {"title", "status", "details", "timestamp", "extra"}
        assert "422" not in operation["responses"]
    parameters = {p["name"]: p for p in operations["get"]["parameters"]}
    assert set(parameters) == {"page", "per_page", f"{key[:-1]}_filter"}
    assert parameters["page"]["schema"]["minimum"] == 0
    assert parameters["per_page"]["schema"]["default"] == 100
    page = resolve_schema(
        spec, operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert set(page["properties"]) == {key, "total"}
    for method in ("post", "delete"):
        body = resolve_schema(
            spec, operations[method]["requestBody"]["content"]["application/json"]["schema"]
        )
        assert body["required"] == [key]
        assert body["properties"][key]["maxItems"] == 500
        answer = resolve_schema(
            spec, operations[method]["responses"]["200"]["content"]["application/json"]["schema"]
        )
        assert set(answer["properties"]) == {key}


def test_the_rate_limit_answers_429_in_the_v2_envelope(server, account, api) -> None:
    """The per-key limit covers the blacklist: with the key's line full (one request in flight,
    six waiting), a blacklist request is refused at once with the v2 429."""
    held = hold(server.url, account.api_key, LINE + 1)
    try:
        assert len(answered_early(held, 1)) == 1  # the line is full now
        for method, path, body in (("GET", EMAILS, None), ("POST", DOMAINS, {"domains": ["acme.com"]})):
            response = api.request(method, path, json=body)
            assert_v2_error(response, 429, "Too Many Requests")
        waiting = [request for request in held if request.response is None]
        for request in waiting:
            request.send_rest()
        for request in waiting:
            assert statuses(request.read().json()["prospects"]) == ["OK"]
    finally:
        for request in held:
            request.close()
    assert api.get(DOMAINS).json() == {"domains": [], "total": 0}
