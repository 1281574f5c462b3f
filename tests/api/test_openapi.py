"""The OpenAPI document describes the v1 loading endpoints as they behave: their inputs, and
their errors in the v1 envelope (400, never FastAPI's 422)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.harness.http import resolve_schema


def assert_v1_error_responses(spec: dict[str, Any], operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    assert "422" not in responses
    for code in ("400", "401", "403", "404", "409", "500"):
        assert code in responses, code
        error = resolve_schema(spec, responses[code]["content"]["application/json"]["schema"])
        status = resolve_schema(spec, error["properties"]["status"])
        assert set(status["properties"]) == {"status", "code", "msg"}, code


def test_add_prospects_list_documents_its_body_and_errors(spec) -> None:
    operation = spec["paths"]["/rest/v1/add_prospects_list"]["post"]
    body = resolve_schema(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    assert "prospects" in body["required"]
    assert {"update", "file_name", "prospects"} <= set(body["properties"])
    prospect = resolve_schema(spec, body["properties"]["prospects"]["items"])
    assert prospect["required"] == ["email"]
    assert {"email", "first_name", "status", "snippet1", "snippet15", "snipet1"} <= set(
        prospect["properties"]
    )
    assert_v1_error_responses(spec, operation)


def test_delete_prospects_documents_its_parameters_and_errors(spec) -> None:
    operation = spec["paths"]["/rest/v1/prospects"]["delete"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"id", "campaigns_id"} <= set(parameters)
    assert all(p["in"] == "query" for p in parameters.values())
    assert parameters["id"].get("required") is True
    assert_v1_error_responses(spec, operation)


@pytest.mark.parametrize(
    ("path", "method"), [("/rest/v1/add_prospects_list", "post"), ("/rest/v1/prospects", "delete")]
)
def test_the_200_answer_is_documented_as_the_per_prospect_outcomes(spec, path, method) -> None:
    operation = spec["paths"][path][method]
    outcome = resolve_schema(spec, operation["responses"]["200"]["content"]["application/json"]["schema"])
    items = resolve_schema(spec, outcome["properties"]["prospects"]["items"])
    assert {"id", "status"} <= set(items["properties"])


# --- authentication ---------------------------------------------------------------------------

KEY_SCHEMES = [{"ApiKeyAuth": []}, {"BasicAuth": []}]  # either one: alternatives


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_key_header_and_http_basic_are_declared(spec) -> None:
    schemes = spec["components"]["securitySchemes"]
    key, basic = schemes["ApiKeyAuth"], schemes["BasicAuth"]
    assert (key["type"], key["in"], key["name"]) == ("apiKey", "header", "x-api-key")
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
    assert "security" not in spec  # nothing applies to every path: /health and the docs need no key


def test_every_api_operation_takes_either_scheme_and_the_service_pages_none(spec) -> None:
    assert len([path for _, path, _ in operations(spec) if path.startswith("/rest/")]) >= 7
    for method, path, operation in operations(spec):
        expected = KEY_SCHEMES if path.startswith("/rest/") else None
        assert operation.get("security") == expected, (method, path)


def test_every_operation_documented_as_secured_refuses_a_request_without_a_key(server, spec) -> None:
    """The document tells the truth: what it marks as needing a key answers 401 without one."""
    with server.client() as anonymous:
        for method, path, operation in operations(spec):
            url = path.replace("{uuid}", "00000000-0000-0000-0000-000000000000")
            status = anonymous.request(method, url).status_code
            assert (status == 401) == ("security" in operation), (method, path, status)


# --- the docs pages ---------------------------------------------------------------------------

URL = re.compile(r"https?://", re.IGNORECASE)
REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_everything_from_the_server(server, page) -> None:
    """FastAPI's own pages load Swagger UI and ReDoc from a CDN (blank offline) and ReDoc's fonts
    from Google; these load nothing from anywhere but the server, and say so to the browser."""
    with server.client() as client:
        response = client.get(page)
        assert response.status_code == 200
        assert URL.findall(response.text) == [], response.text
        assets = REFERENCE.findall(response.text)
        assert assets, response.text
        for asset in assets:
            assert asset.startswith("/"), asset
            assert client.get(asset).status_code == 200, asset
        policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy
