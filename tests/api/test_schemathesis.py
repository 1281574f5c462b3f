"""Every operation of the served OpenAPI document, fuzzed by schemathesis against a real server
on both databases: no answer is a server error, and every answer is one the document describes
(status code, body schema, headers)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture(scope="module")
def served_document(server: Any) -> Any:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


document = schemathesis.pytest.from_fixture("served_document")


@document.parametrize()
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case: Any, shared_account: Any) -> None:
    case.call_and_validate(
        headers={"x-api-key": shared_account.api_key},
        checks=[
            not_a_server_error,
            status_code_conformance,
            response_schema_conformance,
            content_type_conformance,
            response_headers_conformance,
            negative_data_rejection,
        ],
    )
