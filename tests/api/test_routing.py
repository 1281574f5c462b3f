"""What the router answers for a known path asked wrongly: a 405 lists every method the path
serves, and a path with a trailing slash is unknown (404 in the envelope), never a redirect
built from the Host header."""

from __future__ import annotations

import pytest
from tests.harness.http import assert_v1_error, assert_v2_error, raw_request


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/rest/v1/prospects", "DELETE, GET"),
        ("POST", "/rest/v1/prospects", "DELETE, GET"),
        ("PATCH", "/rest/v1/prospects", "DELETE, GET"),
        ("GET", "/rest/v1/add_prospects_list", "POST"),
        ("DELETE", "/rest/v2/lead_finder/prospects/enrichments", "POST"),
        ("PUT", "/rest/v2/lead_finder/prospects/enrichments/some-uuid", "GET"),
    ],
)
def test_a_405_allows_every_method_of_the_path(shared_api, method, path, allowed) -> None:
    response = shared_api.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == allowed
    for listed in allowed.split(", "):
        assert shared_api.request(listed, path).status_code != 405, listed


@pytest.mark.parametrize("path", ["/rest/v1/prospects/", "/rest/v1/add_prospects_list/"])
def test_a_v1_path_with_a_trailing_slash_is_unknown_never_redirected(server, shared_account, path) -> None:
    headers = {"Host": "evil.example", "x-api-key": shared_account.api_key}
    for method in ("GET", "POST", "DELETE"):
        response = raw_request(server.url, method, path, headers)
        assert_v1_error(response, 404, "E_URL_NOT_FOUND", f"URL not found: /Woodpecker{path}")
        assert "location" not in response.headers
        assert "evil.example" not in response.text


def test_a_v2_path_with_a_trailing_slash_is_unknown_and_never_redirected(server, shared_account) -> None:
    path = "/rest/v2/lead_finder/prospects/enrichments/"
    headers = {"Host": "evil.example", "x-api-key": shared_account.api_key}
    response = raw_request(server.url, "POST", path, headers)
    assert_v2_error(response, 404, "Not Found")
    assert "location" not in response.headers
