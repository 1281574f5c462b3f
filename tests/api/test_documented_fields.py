"""Every body field that the docs pages of the loading endpoints document is taken and takes
effect, seen through the v1 search where the search shows it; a field they do not document is
ignored, as the reference ignores it; a documented field with a wrong type or value is the
400 naming it.

The pages (developers.woodpecker.co, "Prospects"): "Add prospects to database" and "Update
prospects in database" (``POST /rest/v1/add_prospects_list``), "Add prospects to a campaign"
and "Update prospects in a campaign" (``POST /rest/v1/add_prospects_campaign``). Where a field
is checked but not stored, docs/compatibility.md ("request bodies") says why.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.harness.http import assert_v1_error, openapi_document
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, ENROL, add, assert_nothing_stored, enrol

# The prospect fields of the body examples of all four pages, besides email and status.
PROSPECT_FIELDS = (
    "first_name", "last_name", "company", "website", "linkedin_url", "tags", "title", "phone",
    "address", "city", "state", "country", "industry", *(f"snippet{n}" for n in range(1, 16)),
)  # fmt: skip
# The value of each in the pages' example, where it gives one.
EXAMPLE = {
    "first_name": "Erlich",
    "last_name": "Bachman",
    "company": "Bachmanity",
    "website": "http://www.bachmanity.com/",
    "linkedin_url": "https://www.linkedin.com/in/erlich-bachman/",
    "tags": "#VC",
    "title": "VC Angel",
    "phone": "111222333",
    "address": "221 Newell Rd",
    "city": "Palo Alto",
    "state": "California",
    "country": "USA",
    "industry": "Software as a Service",
    "snippet1": "Pied Piper board member",
    "snippet2": "A personalized sentence <br/> in two lines",
}


def example(field: str) -> str:
    return EXAMPLE.get(field, f"{field} text")


def found(client: httpx.Client, prospect_id: int, **params: str) -> dict[str, Any]:
    """The prospect as ``GET /rest/v1/prospects?id=…`` shows it."""
    response = client.get("/rest/v1/prospects", params={"id": str(prospect_id), **params})
    assert response.status_code == 200, response.text
    (prospect,) = response.json()
    return prospect


def in_campaign(client: httpx.Client, campaign_id: int, prospect_id: int) -> dict[str, Any]:
    """The prospect in the campaign view (``campaigns_id``): status is its status there."""
    return found(client, prospect_id, campaigns_id=str(campaign_id))


@pytest.fixture(scope="module")
def campaign_id(cli, shared_account, tmp_path_factory) -> int:
    directory = tmp_path_factory.mktemp("campaigns")
    (loaded,) = cli.import_campaigns(
        shared_account.name, directory, [("Documented fields", "RUNNING")]
    ).values()
    return loaded


# --- "Add prospects to database" / "Update prospects in database" ------------------------------


def test_email_is_required(shared_api) -> None:
    """Add prospects to database: "The prospects[].email field is required"."""
    response = shared_api.post(ADD, json={"prospects": [{"first_name": "No Email"}]})
    msg = assert_v1_error(response, 400, "E_REQUIRED_ELEMENT")
    assert "prospects[0].email" in msg


@pytest.mark.parametrize("field", PROSPECT_FIELDS)
def test_a_prospect_field_is_stored_and_updated_only_with_update(shared_api, field) -> None:
    """Add prospects to database: each field of the example is stored ("If omitted, they will
    remain blank"); a prospect that exists "will remain unchanged" without update. Update
    prospects in database: with update the field changes ("If omitted, they will not be
    updated": the other fields keep theirs)."""
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, field: example(field), "city": "Kept"}])
    assert created["status"] == "OK"
    prospect = found(shared_api, created["id"])
    assert prospect[field] == (example(field) if field != "city" else "Kept")
    blank = "first_name" if field != "first_name" else "last_name"
    assert prospect[blank] == ""

    (again,) = add(shared_api, [{"email": email, field: "#Changed"}])
    assert again["status"] == "DUPLICATE"
    assert found(shared_api, created["id"])[field] == (example(field) if field != "city" else "Kept")

    (updated,) = add(shared_api, [{"email": email, field: "#Changed"}], update=True)
    assert (updated["status"], updated["id"]) == ("UPDATED", created["id"])
    prospect = found(shared_api, created["id"])
    expected = f"{example(field)} #Changed" if field == "tags" else "#Changed"  # tags add up
    assert prospect[field] == expected
    if field != "city":
        assert prospect["city"] == "Kept"


@pytest.mark.parametrize("status", ["ACTIVE", "BOUNCED", "REPLIED", "BLACKLIST", "INVALID"])
def test_status_is_the_global_status(shared_api, status) -> None:
    """Add prospects to database: ``status`` (ACTIVE in the example) is the prospect's global
    status; Update prospects in database: "You can update their statuses"."""
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, "status": status}])
    assert found(shared_api, created["id"])["status"] == status
    add(shared_api, [{"email": email, "status": "ACTIVE"}], update=True)
    assert found(shared_api, created["id"])["status"] == "ACTIVE"


def test_a_status_that_is_none_of_them_is_the_400_naming_it(shared_api) -> None:
    """Add prospects to database: a status that is not a prospect status is refused."""
    emails = new_emails(2)
    body = {"prospects": [{"email": emails[0]}, {"email": emails[1], "status": "PAUSED"}]}
    msg = assert_v1_error(shared_api.post(ADD, json=body), 400, "E_WRONG_PARAM")
    assert "prospects[1].status" in msg
    assert_nothing_stored(shared_api, emails)


@pytest.mark.parametrize("spelling", [True, "true", "True", 1])
def test_update_is_a_flag_in_each_clients_spelling(shared_api, spelling) -> None:
    """Update prospects in database: ``"update": true`` (dd-woodpecker sends "true", Bit
    Integrations true, Power Automate "true", older clients 1)."""
    (email,) = new_emails(1)
    add(shared_api, [{"email": email, "company": "Before"}])
    (outcome,) = add(shared_api, [{"email": email, "company": "After"}], update=spelling)
    assert outcome["status"] == "UPDATED"
    assert found(shared_api, outcome["id"])["company"] == "After"


def test_file_name_is_accepted_and_a_wrong_type_is_the_400_naming_it(shared_api) -> None:
    """Add prospects to database: ``"file_name": "API import YYYY-MM-DD"`` (checked, not
    stored: docs/compatibility.md)."""
    (email,) = new_emails(1)
    (outcome,) = add(shared_api, [{"email": email}], file_name="API import 2025-04-01")
    assert outcome["status"] == "OK"
    assert "file_name" not in found(shared_api, outcome["id"])
    (other,) = new_emails(1)
    response = shared_api.post(ADD, json={"file_name": {"name": "x"}, "prospects": [{"email": other}]})
    assert "file_name" in assert_v1_error(response, 400, "E_WRONG_PARAM")
    assert_nothing_stored(shared_api, [other])


def test_tags_add_to_a_prospects_tags_and_set_tags_replaces_them(shared_api) -> None:
    """Update prospects in database, as the Activepieces piece describes the reference
    (add-prospect-to-list.ts): ``tags`` "Appends to existing tags when updating", ``set_tags``
    "Replaces all existing tags with these (only when updating). Use empty string to clear"."""
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, "tags": "#VC #Startup"}])
    add(shared_api, [{"email": email, "tags": "#startup #Angel"}], update=True)
    assert found(shared_api, created["id"])["tags"] == "#VC #Startup #Angel"
    add(shared_api, [{"email": email, "set_tags": "#Board"}], update=True)
    assert found(shared_api, created["id"])["tags"] == "#Board"
    add(shared_api, [{"email": email, "set_tags": "#A", "tags": "#B"}], update=True)
    assert found(shared_api, created["id"])["tags"] == "#A #B"
    add(shared_api, [{"email": email, "set_tags": ""}], update=True)
    assert found(shared_api, created["id"])["tags"] == ""


def test_fields_no_page_documents_are_ignored_and_the_rest_is_taken(shared_api) -> None:
    """The reference ignores body fields it does not know: a client saw it drop ``time_zone``
    silently. Power Automate's connector sends ``snipper9`` (the response sample's typo) and
    the npm client woodpecker-api an ``id``: ignored too, the documented fields still taken."""
    (email,) = new_emails(1)
    body = {
        "prospects": [
            {
                "email": email,
                "first_name": "Erlich",
                "time_zone": "Europe/Warsaw",
                "snipper9": "typo",
                "id": 1,
            }
        ],
        "colour": "blue",
        "campaign": {"campaign_id": 1},
    }
    response = shared_api.post(ADD, json=body)
    assert response.status_code == 200, response.text
    (outcome,) = response.json()["prospects"]
    assert outcome["status"] == "OK" and outcome["id"] != 1
    prospect = found(shared_api, outcome["id"])
    assert (prospect["first_name"], prospect["snippet9"]) == ("Erlich", "")
    assert not {"time_zone", "snipper9", "colour"} & set(prospect)


# --- "Add prospects to a campaign" -------------------------------------------------------------


def test_campaign_id_is_required(shared_api) -> None:
    """Add prospects to a campaign: "campaign.campaign_id" is required (a client's ``"id"``
    in its place is an unknown field, so the id is still missing)."""
    (email,) = new_emails(1)
    response = shared_api.post(ENROL, json={"campaign": {"id": 5}, "prospects": [{"email": email}]})
    assert "campaign.campaign_id" in assert_v1_error(response, 400, "E_REQUIRED_ELEMENT")
    assert_nothing_stored(shared_api, [email])


def test_every_prospect_field_of_the_example_is_stored_for_a_new_prospect(shared_api, campaign_id) -> None:
    """Add prospects to a campaign: "You can add a prospect directly to a campaign - this will
    also create a record in the global prospect list", with every field of the example."""
    (email,) = new_emails(1)
    fields = {field: example(field) for field in PROSPECT_FIELDS}
    (outcome,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email, **fields}])
    assert outcome["status"] == "OK"
    prospect = found(shared_api, outcome["id"])
    assert {field: prospect[field] for field in PROSPECT_FIELDS} == fields
    assert prospect["status"] == "ACTIVE"


def test_an_existing_prospect_is_enrolled_without_modifying_its_data(shared_api, campaign_id) -> None:
    """Add prospects to a campaign: "You can add an existing prospect from the global prospect
    list to a campaign without modifying their data (snippets)"."""
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, "snippet1": "Stored"}])
    (outcome,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email, "snippet1": "Sent"}])
    assert (outcome["status"], outcome["id"]) == ("OK", created["id"])
    assert found(shared_api, created["id"])["snippet1"] == "Stored"


@pytest.mark.parametrize(
    "send_after",
    [
        "2025-04-01T00:01:01-0000",
        "2025-04-01T00:01:01+0000",
        "2025-04-01T00:01:01.000Z",
        "2025-04-01T02:01:01+02:00",
    ],
)
def test_send_after_is_accepted_as_the_docs_and_clients_write_it(shared_api, campaign_id, send_after) -> None:
    """Add prospects to a campaign: ``"send_after": "2025-04-01T00:01:01-0000"``; the
    Activepieces piece sends its DateTime property's ISO text, w6w "+0000". Checked, not
    stored (leadpecker sends no email: docs/compatibility.md)."""
    (email,) = new_emails(1)
    campaign = {"campaign_id": campaign_id, "send_after": send_after}
    (outcome,) = enrol(shared_api, campaign, [{"email": email}])
    assert outcome["status"] == "OK"
    assert in_campaign(shared_api, campaign_id, outcome["id"])["campaign_id"] == campaign_id


@pytest.mark.parametrize(
    "send_after", ["tomorrow", "2025-13-01T00:00:00Z", "2025-04-01T00:01:01+2500", 1743465661]
)
def test_a_send_after_that_is_no_time_is_the_400_naming_it(shared_api, campaign_id, send_after) -> None:
    """Add prospects to a campaign: campaign.send_after is a date and time."""
    (email,) = new_emails(1)
    body = {
        "campaign": {"campaign_id": campaign_id, "send_after": send_after},
        "prospects": [{"email": email}],
    }
    assert "campaign.send_after" in assert_v1_error(shared_api.post(ENROL, json=body), 400, "E_WRONG_PARAM")
    assert_nothing_stored(shared_api, [email])


def test_force_enrols_a_prospect_whose_global_status_is_not_active(shared_api, campaign_id) -> None:
    """Add prospects to a campaign: "Any prospect whose current global status is not ACTIVE
    (e.g., REPLIED, BOUNCED) will be automatically rejected unless overridden using the
    'force' parameter"."""
    (email,) = new_emails(1)
    (created,) = add(shared_api, [{"email": email, "status": "BOUNCED"}])
    (refused,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email}], force=False)
    assert (refused["status"], refused["code"]) == ("ERROR", "E_INV_STATUS")
    (forced,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email}], force=True)
    assert (forced["status"], forced["id"]) == ("OK", created["id"])
    assert in_campaign(shared_api, campaign_id, created["id"])["campaign_id"] == campaign_id


def test_file_name_is_accepted_with_a_campaign(shared_api, campaign_id) -> None:
    """Add prospects to a campaign: ``"file_name": "API import YYYY-MM-DD"``."""
    (email,) = new_emails(1)
    (outcome,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email}], file_name="API import")
    assert outcome["status"] == "OK"


@pytest.mark.parametrize("status", ["ACTIVE", "PAUSED", "TO-REVIEW", "TO-CHECK"])
def test_status_is_the_status_in_the_campaign(shared_api, campaign_id, status) -> None:
    """Add prospects to a campaign: ``status`` is the prospect's status in the campaign (the
    Activepieces piece: "Prospect status in the campaign", ACTIVE, PAUSED, TO-REVIEW,
    TO-CHECK); the new prospect's global status is ACTIVE."""
    (email,) = new_emails(1)
    (outcome,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email, "status": status}])
    assert in_campaign(shared_api, campaign_id, outcome["id"])["status"] == status
    assert found(shared_api, outcome["id"])["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("field", "value"), [("status", "SLEEPING"), ("status", "REPLIED"), ("interested", "YES")]
)
def test_a_campaign_state_that_is_none_of_them_is_the_400_naming_it(
    shared_api, campaign_id, field, value
) -> None:
    """Add / Update prospects in a campaign: status and interested take their listed values."""
    emails = new_emails(2)
    prospects = [{"email": emails[0]}, {"email": emails[1], field: value}]
    response = shared_api.post(ENROL, json={"campaign": {"campaign_id": campaign_id}, "prospects": prospects})
    assert f"prospects[1].{field}" in assert_v1_error(response, 400, "E_WRONG_PARAM")
    assert_nothing_stored(shared_api, emails)


def test_fields_no_page_documents_are_ignored_in_a_campaign_body(shared_api, campaign_id) -> None:
    """Add prospects to a campaign: unknown fields, at any level, are ignored."""
    (email,) = new_emails(1)
    body = {
        "campaign": {"campaign_id": campaign_id, "name": "ignored"},
        "prospects": [{"email": email, "time_zone": "UTC", "custom_fields": {"a": 1}}],
        "mailbox_id": 7,
    }
    response = shared_api.post(ENROL, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["prospects"][0]["status"] == "OK"


# --- "Update prospects in a campaign" ----------------------------------------------------------


@pytest.mark.parametrize(
    "interested", ["INTERESTED", "MAYBE_LATER", "MAYBE-LATER", "NOT_INTERESTED", "NOT_MARKED"]
)
def test_interested_is_the_interest_level_in_the_campaign(shared_api, campaign_id, interested) -> None:
    """Update prospects in a campaign: ``"interested": "INTERESTED"`` sets the interest level
    (the npm client woodpecker-api writes MAYBE-LATER; responses say MAYBE_LATER)."""
    (email,) = new_emails(1)
    (outcome,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email, "interested": interested}])
    expected = interested.replace("-", "_")
    assert in_campaign(shared_api, campaign_id, outcome["id"])["interested"] == expected
    (detail,) = found(shared_api, outcome["id"], campaigns_details="true")["campaigns_details"]
    assert (detail["campaign_id"], detail["interested"]) == (campaign_id, expected)


def test_update_changes_the_state_in_the_campaign_and_the_fields_sent(shared_api, campaign_id) -> None:
    """Update prospects in a campaign: "You can update their statuses, interest level, earliest
    allowed sending date and snippet data"; "Existing prospects will be updated, while new
    prospects that do not exist in your database will be added"."""
    email, new = new_emails(2)
    campaign = {"campaign_id": campaign_id}
    (first,) = enrol(shared_api, campaign, [{"email": email, "snippet1": "One", "company": "Kept"}])
    (duplicate,) = enrol(shared_api, campaign, [{"email": email, "interested": "INTERESTED"}])
    assert duplicate["status"] == "DUPLICATE"  # without update: nothing changes
    assert in_campaign(shared_api, campaign_id, first["id"])["interested"] == "NOT_MARKED"

    updated, added = enrol(
        shared_api,
        {**campaign, "send_after": "2025-04-01T00:01:01-0000"},
        [
            {"email": email, "status": "PAUSED", "interested": "INTERESTED", "snippet1": "Two"},
            {"email": new, "interested": "MAYBE_LATER"},
        ],
        update=True,
        force=False,
        file_name="API import",
    )
    assert (updated["status"], updated["id"]) == ("UPDATED", first["id"])
    assert added["status"] == "OK"
    there = in_campaign(shared_api, campaign_id, first["id"])
    assert (there["status"], there["interested"], there["snippet1"], there["company"]) == (
        "PAUSED", "INTERESTED", "Two", "Kept",
    )  # fmt: skip
    assert in_campaign(shared_api, campaign_id, added["id"])["interested"] == "MAYBE_LATER"

    # What is not sent keeps its value: the interest level stays, the status changes.
    enrol(shared_api, campaign, [{"email": email, "status": "ACTIVE"}], update="true")
    there = in_campaign(shared_api, campaign_id, first["id"])
    assert (there["status"], there["interested"]) == ("ACTIVE", "INTERESTED")


def test_update_by_id_stops_a_prospect_in_one_campaign(shared_api, campaign_id) -> None:
    """Update prospects in a campaign, as Pipedream's "Stop Follow-Ups" sends it (through the
    npm client woodpecker-api): ``{"id", "email", "status": "PAUSED"}`` with ``update: true``.
    The id says which prospect; its fields sent are updated."""
    (email,) = new_emails(1)
    (created,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email}])
    (outcome,) = enrol(
        shared_api,
        {"campaign_id": campaign_id},
        [{"id": created["id"], "email": email, "status": "PAUSED", "first_name": "Jared"}],
        update=True,
    )
    assert (outcome["status"], outcome["id"]) == ("UPDATED", created["id"])
    there = in_campaign(shared_api, campaign_id, created["id"])
    assert (there["status"], there["first_name"]) == ("PAUSED", "Jared")


def test_update_in_a_campaign_needs_force_for_a_prospect_that_is_not_active(shared_api, campaign_id) -> None:
    """Update prospects in a campaign: "Any prospect whose global status is not ACTIVE ... will
    be automatically rejected unless overridden using the 'force' parameter"."""
    (email,) = new_emails(1)
    (created,) = enrol(shared_api, {"campaign_id": campaign_id}, [{"email": email}])
    add(shared_api, [{"email": email, "status": "REPLIED"}], update=True)
    campaign = {"campaign_id": campaign_id}
    (refused,) = enrol(shared_api, campaign, [{"email": email, "status": "PAUSED"}], update=True)
    assert (refused["status"], refused["code"]) == ("ERROR", "E_INV_STATUS")
    assert in_campaign(shared_api, campaign_id, created["id"])["status"] == "ACTIVE"
    (forced,) = enrol(shared_api, campaign, [{"email": email, "status": "PAUSED"}], update=True, force="true")
    assert forced["status"] == "UPDATED"
    assert in_campaign(shared_api, campaign_id, created["id"])["status"] == "PAUSED"


# --- the OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_lists_every_documented_field(server) -> None:
    """The document agrees: each endpoint's body lists the fields of its two pages."""
    spec = openapi_document(server)

    def schema(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = spec["components"]["schemas"][node["$ref"].removeprefix("#/components/schemas/")]
        return node

    def body(path: str) -> dict[str, Any]:
        return schema(spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"])

    listing, enrolling = body(ADD), body(ENROL)
    prospect_fields = {"email", "status", *PROSPECT_FIELDS}
    assert {"update", "file_name", "prospects"} <= set(listing["properties"])
    assert prospect_fields <= set(schema(listing["properties"]["prospects"]["items"])["properties"])
    assert {"campaign", "update", "force", "file_name", "prospects"} <= set(enrolling["properties"])
    assert {"campaign_id", "send_after"} <= set(schema(enrolling["properties"]["campaign"])["properties"])
    entry = schema(enrolling["properties"]["prospects"]["items"])
    assert prospect_fields | {"interested"} <= set(entry["properties"])
    assert set(schema(entry["properties"]["status"])["anyOf"][0]["enum"]) == {
        "ACTIVE",
        "PAUSED",
        "TO-REVIEW",
        "TO-CHECK",
    }
    for model in (listing, enrolling, entry):
        assert model.get("additionalProperties") is not False  # unknown fields are not refused
