"""The OpenAPI document describes the v1 loading endpoints as they behave: their inputs, and
their errors in the v1 envelope (400, never FastAPI's 422)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def spec(server) -> dict[str, Any]:
    with server.client() as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def assert_v1_error_responses(spec: dict[str, Any], operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    assert "422" not in responses
    for code in ("400", "401", "403", "404", "409", "500"):
        assert code in responses, code
        error = resolve(spec, responses[code]["content"]["application/json"]["schema"])
        status = resolve(spec, error["properties"]["status"])
        assert set(status["properties"]) == {"status", "code", "msg"}, code


def test_add_prospects_list_documents_its_body_and_errors(spec) -> None:
    operation = spec["paths"]["/rest/v1/add_prospects_list"]["post"]
    body = resolve(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    assert "prospects" in body["required"]
    assert {"update", "file_name", "prospects"} <= set(body["properties"])
    prospect = resolve(spec, body["properties"]["prospects"]["items"])
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
    outcome = resolve(spec, operation["responses"]["200"]["content"]["application/json"]["schema"])
    items = resolve(spec, outcome["properties"]["prospects"]["items"])
    assert {"id", "status"} <= set(items["properties"])
