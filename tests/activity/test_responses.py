"""``GET /rest/v2/prospects/{prospect_id}/responses`` (developers.woodpecker.co, "Get prospect
responses"): a prospect's replies from the stored activity, loaded by ``leadpecker activity
import`` with their subject, message, step numbers and secondary address; oldest first; an
empty list for a prospect that never replied; ``campaign_id`` keeps one or more campaigns'.
An unknown or another account's prospect id answers the v2 404. Both databases, through a real
server and the real command."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.harness.http import assert_v2_error, hold, openapi_document, raw_request
from tests.harness.names import new_emails
from tests.harness.prospects import ADD
from tests.harness.rate_limit import LINE

NOT_FOUND = "Requested resource does not exist"


def responses_path(prospect_id: int | str) -> str:
    return f"/rest/v2/prospects/{prospect_id}/responses"


def campaigns(cli: Any, account: Any, directory: Path, *names: str) -> dict[str, int]:
    return cli.import_campaigns(account.name, directory, [(name, "RUNNING") for name in names])


def import_events(cli: Any, account: Any, directory: Path, events: list[dict[str, Any]]) -> str:
    path = directory / f"activity-{uuid.uuid4().hex[:6]}.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in events))
    return cli("activity", "import", str(path), "--account", account.name)


def add_prospect(client: httpx.Client, email: str) -> int:
    response = client.post(ADD, json={"prospects": [{"email": email}]})
    assert response.status_code == 200, response.text
    return response.json()["prospects"][0]["id"]


@pytest.fixture
def jared(server, cli, account, api, tmp_path) -> dict[str, Any]:
    """The page's example, loaded: Jared replied to step 2 of one campaign from Erlich's
    address, and later to step 1 of another from his own."""
    email = f"jared.dunn-{uuid.uuid4().hex[:8]}@piedpiper.com"
    prospect_id = add_prospect(api, email)
    ids = campaigns(cli, account, tmp_path, "What about Pied Piper", "Aviato")
    import_events(
        cli,
        account,
        tmp_path,
        [
            {"email": email, "campaign": "Aviato", "kind": "SENT", "occurred_at": "2024-12-01T09:00:00Z"},
            {
                "email": email,
                "campaign": "Aviato",
                "kind": "REPLIED",
                "occurred_at": "2024-12-03T08:29:06+01:00",  # stored and shown in UTC
                "subject": "Re: Did you hear about world's best startup, Aviato?",
                "message": "<div>Yes and I would like to hear more!</div>",
                "step": 1,
                "campaign_email_sent": 1,
            },
            {
                "email": email,
                "campaign": "What about Pied Piper",
                "kind": "REPLIED",
                "occurred_at": "2024-11-09T14:29:06",
                "subject": "Re: What about Pied Piper?",
                "message": "<div>This is a reply in HTML format.</div>",
                "step": 2,
                "campaign_email_sent": 2,
                "secondary_prospect_email": "Erlich@Bachmanity.com",
            },
        ],
    )
    return {"id": prospect_id, "email": email, "campaigns": ids}


def the_pages_example(jared: dict[str, Any], first_id: int, second_id: int) -> dict[str, Any]:
    return {
        "prospect_id": jared["id"],
        "email": jared["email"],
        "responses": [
            {
                "response_id": first_id,
                "campaign_id": jared["campaigns"]["What about Pied Piper"],
                "step": 2,
                "campaign_email_sent": 2,
                "subject": "Re: What about Pied Piper?",
                "message": "<div>This is a reply in HTML format.</div>",
                "delivered": "2024-11-09T14:29:06",
                "secondary_prospect_email": "erlich@bachmanity.com",
            },
            {
                "response_id": second_id,
                "campaign_id": jared["campaigns"]["Aviato"],
                "step": 1,
                "campaign_email_sent": 1,
                "subject": "Re: Did you hear about world's best startup, Aviato?",
                "message": "<div>Yes and I would like to hear more!</div>",
                "delivered": "2024-12-03T07:29:06",
                "secondary_prospect_email": None,
            },
        ],
    }


def test_the_pages_example_sorted_by_delivered_ascending(api, jared) -> None:
    """ "Get prospect responses": the response example, keys in its order, the replies sorted by
    delivered ascending (here loaded in the other order)."""
    response = api.get(responses_path(jared["id"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["prospect_id", "email", "responses"]
    first, second = (reply["response_id"] for reply in body["responses"])
    assert body == the_pages_example(jared, first, second)
    assert [list(reply) for reply in body["responses"]] == [
        list(reply) for reply in the_pages_example(jared, first, second)["responses"]
    ]
    assert first != second


def test_the_curl_sample_with_the_key_header_only(server, account, jared) -> None:
    """ "Get prospect responses", request sample: ``curl --request GET --url …/responses
    --header "x-api-key: …"`` — no Content-Type, no Accept."""
    response = raw_request(server.url, "GET", responses_path(jared["id"]), {"x-api-key": account.api_key})
    assert response.status_code == 200
    assert len(response.json()["responses"]) == 2


@pytest.mark.parametrize("which", ["one", "several", "unknown", "both spellings"])
def test_campaign_id_keeps_the_replies_of_those_campaigns(api, jared, which) -> None:
    """ "Get prospect responses", parameters: campaign_id, one or more campaign ids separated by
    commas, filters the results by campaign."""
    aviato, piper = jared["campaigns"]["Aviato"], jared["campaigns"]["What about Pied Piper"]
    params: Any = {
        "one": {"campaign_id": str(aviato)},
        "several": {"campaign_id": f"{piper}, {aviato}"},
        "unknown": {"campaign_id": "999999999"},
        "both spellings": [("campaign_id", str(piper)), ("campaign_id", str(aviato))],
    }[which]
    expected = {"one": [aviato], "several": [piper, aviato], "unknown": [], "both spellings": [piper, aviato]}
    response = api.get(responses_path(jared["id"]), params=params)
    assert response.status_code == 200, response.text
    assert [reply["campaign_id"] for reply in response.json()["responses"]] == expected[which]


@pytest.mark.parametrize("value", ["abc", "1,,2", "", "-1", "1.5", "1234567890123456789"])
def test_a_campaign_id_that_is_no_id_list_is_400_in_the_v2_envelope(api, jared, value) -> None:
    response = api.get(responses_path(jared["id"]), params={"campaign_id": value})
    body = assert_v2_error(response, 400, "Bad Request")
    assert body["details"].startswith("campaign_id: ")


def test_a_prospect_who_never_replied_has_an_empty_list(api, cli, account, tmp_path) -> None:
    """ "Get prospect responses": "If the prospect exists in your database but has not replied to
    an email … the responses[] array will be empty"."""
    email = new_emails(1, "silent")[0]
    prospect_id = add_prospect(api, email)
    campaigns(cli, account, tmp_path, "Quiet")
    import_events(
        cli,
        account,
        tmp_path,
        [
            {"email": email, "campaign": "Quiet", "kind": kind, "occurred_at": "2025-01-02T03:04:05Z"}
            for kind in ("SENT", "OPENED", "BOUNCED")
        ],
    )
    response = api.get(responses_path(prospect_id))
    assert response.status_code == 200
    assert response.json() == {"prospect_id": prospect_id, "email": email, "responses": []}


def test_a_reply_loaded_without_its_details_counts_its_campaign_emails(api, cli, account, tmp_path) -> None:
    """A reply loaded with only email, campaign, kind and time (as before replies had a subject):
    step and campaign_email_sent are the campaign emails sent to the prospect up to it, subject
    and message null; a reply outside any campaign has no campaign numbers."""
    email = new_emails(1, "bare")[0]
    prospect_id = add_prospect(api, email)
    ids = campaigns(cli, account, tmp_path, "Counted", "Elsewhere")
    event = {"email": email, "campaign": "Counted"}
    import_events(
        cli,
        account,
        tmp_path,
        [
            {**event, "kind": "SENT", "occurred_at": "2025-01-01T10:00:00Z"},
            {**event, "kind": "SENT", "occurred_at": "2025-01-04T10:00:00Z"},
            {**event, "campaign": "Elsewhere", "kind": "SENT", "occurred_at": "2025-01-04T11:00:00Z"},
            {**event, "kind": "REPLIED", "occurred_at": "2025-01-05T10:00:00Z"},
            {**event, "kind": "SENT", "occurred_at": "2025-01-08T10:00:00Z"},  # after the reply
            {"email": email, "kind": "REPLIED", "occurred_at": "2025-01-09T10:00:00Z", "subject": "Hi"},
        ],
    )
    replies = api.get(responses_path(prospect_id)).json()["responses"]
    shown = [
        (r["campaign_id"], r["step"], r["campaign_email_sent"], r["subject"], r["message"]) for r in replies
    ]
    assert shown == [
        (ids["Counted"], 2, 2, None, None),
        (None, None, None, "Hi", None),
    ]


@pytest.mark.parametrize("prospect_id", ["999999999999", "0", "abc", "1e3", "18446744073709551616", " 1"])
def test_an_unknown_prospect_is_404_in_the_v2_envelope(api, prospect_id) -> None:
    response = api.get(responses_path(prospect_id))
    assert_v2_error(response, 404, "Not Found", NOT_FOUND)


def test_another_accounts_prospect_answers_like_a_missing_one(server, new_account, jared) -> None:
    stranger = new_account()
    with server.client(stranger.api_key) as client:
        response = client.get(responses_path(jared["id"]))
        assert_v2_error(response, 404, "Not Found", NOT_FOUND)
        # The stranger's own prospect with the same email shows none of the other's replies.
        own = add_prospect(client, jared["email"])
        assert client.get(responses_path(own)).json()["responses"] == []


def test_a_deleted_prospect_is_404(api, jared) -> None:
    assert api.delete("/rest/v1/prospects", params={"id": jared["id"]}).status_code == 200
    assert_v2_error(api.get(responses_path(jared["id"])), 404, "Not Found", NOT_FOUND)


def test_without_a_valid_key_it_is_401_and_without_the_api_addon_403(server, new_account, jared) -> None:
    with server.client("lp_wrong") as client:
        assert_v2_error(client.get(responses_path(jared["id"])), 401, "Unauthorized", "Invalid api key")
        # The key is checked before the id: a stranger learns nothing about which ids exist.
        assert_v2_error(client.get(responses_path("abc")), 401, "Unauthorized", "Invalid api key")
    no_api = new_account("--no-api-access")
    with server.client(no_api.api_key) as client:
        assert_v2_error(client.get(responses_path(jared["id"])), 403, "Forbidden")


def test_another_method_is_405_in_the_v2_envelope(api, jared) -> None:
    response = api.post(responses_path(jared["id"]), json={})
    assert_v2_error(response, 405, "Method Not Allowed")
    assert response.headers["allow"] == "GET"


def test_the_rate_limit_applies_with_the_v2_answer(server, account, jared) -> None:
    held = hold(server.url, account.api_key, LINE)
    try:
        response = raw_request(server.url, "GET", responses_path(jared["id"]), {"x-api-key": account.api_key})
        assert_v2_error(response, 429, "Too Many Requests")
    finally:
        for request in held:
            request.send_rest()
        for request in held:
            assert request.read().status_code == 200
            request.close()


def test_the_openapi_document_describes_it(server) -> None:
    spec = openapi_document(server)
    operation = spec["paths"]["/rest/v2/prospects/{prospect_id}/responses"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["prospect_id"]["in"] == "path"
    assert parameters["campaign_id"]["in"] == "query" and not parameters["campaign_id"]["required"]
    assert {"200", "400", "401", "403", "404", "429", "500"} <= set(operation["responses"])
    assert "422" not in operation["responses"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    answer = spec["components"]["schemas"][answer["$ref"].rsplit("/", 1)[-1]]
    assert list(answer["properties"]) == ["prospect_id", "email", "responses"]
    reference = answer["properties"]["responses"]["items"]["$ref"]
    item = spec["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert list(item["properties"]) == [
        "response_id",
        "campaign_id",
        "step",
        "campaign_email_sent",
        "subject",
        "message",
        "delivered",
        "secondary_prospect_email",
    ]
