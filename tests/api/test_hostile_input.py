"""Hostile values in request bodies, on both databases: NUL characters, integers beyond 64 bits
and emails that grow past 320 characters when lower-cased are refused with a 400 in the
envelope of the API version, naming the field — never a 500 (PostgreSQL) or a row stored in a
form no search finds again (SQLite)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.harness.enrichment import QUEUE
from tests.harness.http import assert_no_trace, assert_v1_error, assert_v2_error
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, add_emails, assert_nothing_stored

CAMPAIGN = "/rest/v1/add_prospects_campaign"
STATUSES = "/rest/v2/lead_finder/prospects/enrichments/statuses/query"
NUL = "\u0000"
TOO_BIG = 2**63  # one past the largest 64-bit integer
GROWS = "İ" * 300 + "@example.com"  # 312 characters; 612 once lower-cased ("İ" → "i̇")


def refused(response: Any, field: str) -> None:
    """A 400 in the envelope of the path's API version whose message names ``field``."""
    if "/rest/v1/" in str(response.url):
        msg = assert_v1_error(response, 400, "E_WRONG_PARAM")
    else:
        msg = assert_v2_error(response, 400, "Bad Request")["details"]
    assert field in msg, msg
    assert_no_trace(response)


def prospect(path: str, **fields: Any) -> dict[str, Any]:
    """A body of ``path`` with one prospect of ``fields``."""
    if path == CAMPAIGN:
        return {"campaign": {"campaign_id": 1}, "prospects": [fields]}
    return {"prospects": [fields]}


# (path, body made from a fresh email, the field the message must name)
NUL_BODIES = [
    pytest.param(ADD, lambda e: prospect(ADD, email=e[:3] + NUL + e[3:]), "prospects[0].email", id="email"),
    pytest.param(ADD, lambda e: prospect(ADD, email=e, first_name="Ja" + NUL), "prospects[0].first_name",
                 id="first_name"),
    pytest.param(ADD, lambda e: prospect(ADD, email=e, snippet15=NUL), "prospects[0].snippet15",
                 id="snippet15"),
    pytest.param(ADD, lambda e: prospect(ADD, email=e, snippet_labels={"label": "a" + NUL}),
                 "prospects[0].snippet_labels.label", id="snippet label value"),
    pytest.param(ADD, lambda e: prospect(ADD, email=e, snippet_labels={"lab" + NUL: "a"}),
                 "prospects[0].snippet_labels", id="snippet label key"),
    pytest.param(ADD, lambda e: {**prospect(ADD, email=e), "file_name": "x" + NUL}, "file_name",
                 id="file_name"),
    pytest.param(CAMPAIGN, lambda e: prospect(CAMPAIGN, email=e + NUL), "prospects[0].email",
                 id="campaign email"),
    pytest.param(CAMPAIGN, lambda e: prospect(CAMPAIGN, email=e, city=NUL), "prospects[0].city",
                 id="campaign city"),
    pytest.param(QUEUE, lambda e: prospect(QUEUE, email=NUL + e), "prospects[0].email", id="queue email"),
    pytest.param(QUEUE, lambda e: prospect(QUEUE, email=e, company_name=NUL), "prospects[0].company_name",
                 id="queue hint"),
    pytest.param(STATUSES, lambda e: {"emails": [e, e + NUL]}, "emails[1]", id="statuses email"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "field"), NUL_BODIES)
def test_a_nul_in_any_string_of_a_body_is_a_400_naming_the_field(shared_api, path, body, field) -> None:
    (email,) = new_emails(1, "nul")
    refused(shared_api.post(path, json=body(email)), field)
    assert_nothing_stored(shared_api, [email])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param(CAMPAIGN, {"campaign": {"campaign_id": TOO_BIG}, "prospects": [{"email": "a@b.co"}]},
                     "campaign.campaign_id", id="campaign_id"),
        pytest.param(CAMPAIGN, {"campaign": {"campaign_id": 1}, "prospects": [{"id": TOO_BIG}]},
                     "prospects[0].id", id="prospect id"),
        pytest.param(CAMPAIGN, {"campaign": {"campaign_id": 1}, "prospects": [{"id": -TOO_BIG - 1}]},
                     "prospects[0].id", id="prospect id below"),
        pytest.param(ADD, {"prospects": [{"email": "a@b.co", "organization_id": TOO_BIG}]},
                     "prospects[0].organization_id", id="organization_id"),
        pytest.param(ADD, {"prospects": [{"email": "a@b.co", "organization_id": 10**30}]},
                     "prospects[0].organization_id", id="organization_id 10**30"),
        pytest.param(ADD, {"prospects": [{"email": "a@b.co", "organization_id": True}]},
                     "prospects[0].organization_id", id="organization_id true"),
        pytest.param(ADD, {"prospects": [{"email": "a@b.co", "organization_id": str(TOO_BIG)}]},
                     "prospects[0].organization_id", id="organization_id as text"),
        pytest.param(ADD, {"prospects": [{"email": "a@b.co", "organization_id": "12.0"}]},
                     "prospects[0].organization_id", id="organization_id 12.0"),
        pytest.param(CAMPAIGN, prospect(CAMPAIGN, email="a@b.co", organization_id=TOO_BIG),
                     "prospects[0].organization_id", id="campaign organization_id"),
    ],
)  # fmt: skip
def test_an_integer_beyond_64_bits_is_a_400_naming_the_field(shared_api, path, body, field) -> None:
    refused(shared_api.post(path, json=body), field)


def test_an_integer_sent_as_its_digits_is_taken(shared_api) -> None:
    """Form-based clients and CSV cells send ids as text: "42" is 42."""
    (email,) = new_emails(1, "digits")
    response = shared_api.post(ADD, json={"prospects": [{"email": email, "organization_id": "-42"}]})
    assert response.status_code == 200, response.text
    found = shared_api.get("/rest/v1/prospects", params={"search": f"email={email}"})
    assert [p["organization_id"] for p in found.json()] == [-42]


def test_the_largest_64_bit_organization_id_is_stored_and_found(shared_api) -> None:
    (email,) = new_emails(1, "int64")
    response = shared_api.post(ADD, json={"prospects": [{"email": email, "organization_id": 2**63 - 1}]})
    assert response.status_code == 200, response.text
    found = shared_api.get("/rest/v1/prospects", params={"search": f"email={email}"})
    assert [p["organization_id"] for p in found.json()] == [2**63 - 1]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param(ADD, {"prospects": [{"email": GROWS}]}, "prospects[0].email", id="add_prospects_list"),
        pytest.param(CAMPAIGN, {"campaign": {"campaign_id": 1}, "prospects": [{"email": GROWS}]},
                     "prospects[0].email", id="add_prospects_campaign"),
        pytest.param(QUEUE, {"prospects": [{"email": GROWS}]}, "prospects[0].email", id="queue"),
        pytest.param(STATUSES, {"emails": [GROWS]}, "emails[0]", id="statuses"),
    ],
)  # fmt: skip
def test_the_email_limit_applies_to_the_lower_cased_email(shared_api, server, path, body, field) -> None:
    assert len(GROWS) <= 320 < len(GROWS.lower())
    refused(shared_api.post(path, json=body), field)


def test_an_email_of_320_characters_once_lower_cased_is_stored(shared_api) -> None:
    (tail,) = new_emails(1, "")
    email = "İ" * 10 + "x" * (320 - 20 - len(tail)) + tail  # 310 characters as sent, 320 stored
    assert len(email.lower()) == 320
    (outcome,) = add_emails(shared_api, [email])
    assert outcome["status"] == "OK", outcome
    found = shared_api.get("/rest/v1/prospects", params={"search": f"email={email.lower()}"})
    assert [p["email"] for p in found.json()] == [email.lower()]
