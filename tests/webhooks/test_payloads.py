"""The payloads leadpecker builds have the documented shape: for the stored prospect of the
pages' examples (in a campaign, its activity loaded), each event whose page could be read
(tests/webhooks/reference/, and its README for where each comes from) is built — through
``leadpecker webhooks fire``, into the outbox as the dispatcher sends it — with the same keys, in
the same order, the same nesting and the same JSON types as the page's example; the values are
our data's. Every other event has its family's shape (payloads.SHAPES, docs/webhooks.md)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.harness.webhooks import ERLICH, Stocked, stocked_account

from leadpecker.vocabulary.enums import WebhookEvent
from leadpecker.webhooks.payloads import SHAPES, Shape

REFERENCE = Path(__file__).parent / "reference"
DOCUMENTED = sorted(path.stem for path in REFERENCE.glob("*.json"))
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$")
# Events fired outside a campaign: the "Prospect saved" page's prospect has empty campaign fields.
OUTSIDE_A_CAMPAIGN = {"prospect_saved"}


@pytest.fixture(scope="module")
def stocked(cli, server, tmp_path_factory) -> Stocked:
    return stocked_account(cli, server, tmp_path_factory.mktemp("payloads"))


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def shape_differences(documented: Any, built: Any, where: str = "") -> list[str]:
    """Where ``built`` differs from ``documented`` in keys, their order, nesting or JSON type.
    snippet_labels is a map of the account's own labels: its values' type is compared, not its
    keys."""
    if json_type(documented) != json_type(built):
        return [f"{where or '.'}: {json_type(built)} where the page has {json_type(documented)}"]
    if isinstance(documented, dict):
        if where.endswith("snippet_labels"):
            return [
                f"{where}.{key}: not a string" for key, value in built.items() if not isinstance(value, str)
            ]
        if list(documented) != list(built):
            return [f"{where or '.'}: keys {list(built)} where the page has {list(documented)}"]
        found = []
        for key in documented:
            found += shape_differences(documented[key], built[key], f"{where}.{key}")
        return found
    if isinstance(documented, list) and documented and built:
        return [diff for item in built for diff in shape_differences(documented[0], item, f"{where}[]")]
    return []


def fired(cli, stocked: Stocked, event: str, *options: str) -> dict[str, Any]:
    """The body ``webhooks fire`` wrote for the event (one subscription)."""
    if not _subscribed(stocked, event):
        stocked.subscribe(event)
    before = len(stocked.outbox(event))
    cli("webhooks", "fire", event, "--account", stocked.account.name, "--prospect", stocked.email, *options)
    rows = stocked.outbox(event)
    assert len(rows) == before + 1, rows
    return rows[-1]["body"]


def _subscribed(stocked: Stocked, event: str) -> bool:
    listed = stocked.api.get("/rest/v2/webhooks").json()["webhooks"]
    return any(item["event"] == event.upper() for item in listed)


def without_event_id(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the page shows it: leadpecker's ``event_id`` (the last key) set aside."""
    assert list(body)[-1] == "event_id", list(body)
    uuid.UUID(body["event_id"])
    return {key: value for key, value in body.items() if key != "event_id"}


@pytest.mark.parametrize("event", DOCUMENTED)
def test_the_built_payload_has_the_documented_shape(cli, stocked, event) -> None:
    (documented,) = json.loads((REFERENCE / f"{event}.json").read_text())
    options = () if event in OUTSIDE_A_CAMPAIGN else ("--campaign", str(stocked.campaign_id))
    body = without_event_id(fired(cli, stocked, event, *options))
    assert shape_differences(documented, body) == []
    # Our values: the stored prospect, the account, a timestamp in the pages' format.
    assert body["method"] == event
    assert body["firm_id"] == stocked.account.id
    assert TIMESTAMP.match(body["timestamp"]), body["timestamp"]
    prospect = body["prospect"]
    assert prospect["id"] == stocked.prospect_id and prospect["email"] == stocked.email
    assert {key: prospect[key] for key in ERLICH} == ERLICH
    assert TIMESTAMP.match(prospect["last_contacted"])
    if event not in OUTSIDE_A_CAMPAIGN:
        assert prospect["campaign_id"] == stocked.campaign_id
        assert prospect["campaign_name"] == "SaaS in America"
        assert prospect["campaign_email"] == "jared.dunn@piedpiper.com"
        assert prospect["campaign_emails"] == ["jared.dunn@piedpiper.com"]
        assert prospect["campaign_email_sent"] == 2 and prospect["step"] == 2
        assert prospect["interested"] == "INTERESTED"


def test_the_reply_shows_the_stored_reply(cli, stocked) -> None:
    body = fired(cli, stocked, "prospect_replied", "--campaign", str(stocked.campaign_id))
    email = body["email"]
    assert (email["subject"], email["message"], email["email"]) == (
        "Reply message subject",
        "reply content",
        stocked.email,
    )
    assert email["sender"] == "Erlich Bachman"
    assert email["date"] == "2025-03-21T19:47:40+0000"
    assert body["prospect"]["status"] == "REPLIED"


def test_the_click_shows_the_stored_link(cli, stocked) -> None:
    body = fired(cli, stocked, "link_clicked", "--campaign", str(stocked.campaign_id))
    assert (body["click_url"], body["step"], body["email_no"]) == ("https://google.com", 2, "#2")


def test_prospect_saved_outside_a_campaign_ends_at_step(cli, stocked) -> None:
    """ "Prospect saved": no step_type, no followup_after; campaign fields "", [], null."""
    prospect = fired(cli, stocked, "prospect_saved")["prospect"]
    assert list(prospect)[-7:] == [
        "interested",
        "campaign_id",
        "campaign_name",
        "campaign_email",
        "campaign_emails",
        "campaign_email_sent",
        "step",
    ]
    assert [prospect[key] for key in list(prospect)[-7:]] == ["", "", "", "", [], None, None]
    assert prospect["in_campaign"] == 1 and prospect["emails_sent"] == 2


FAMILY_KEYS = {
    Shape.PROSPECT: ["method", "prospect", "timestamp", "firm_id", "event_id"],
    Shape.CLICK: ["method", "prospect", "click_url", "step", "email_no", "timestamp", "firm_id", "event_id"],
    Shape.OPEN: ["method", "prospect", "step", "email_no", "timestamp", "firm_id", "event_id"],
    Shape.REPLY: ["method", "prospect", "email", "timestamp", "firm_id", "event_id"],
    Shape.SENT: ["method", "prospect", "email", "timestamp", "firm_id", "event_id"],
    Shape.CAMPAIGN: ["method", "campaign", "timestamp", "firm_id", "event_id"],
    Shape.TASK: ["method", "prospect", "task", "timestamp", "firm_id", "event_id"],
    Shape.ENRICHMENT: ["method", "prospect", "batch", "timestamp", "firm_id", "event_id"],
}


@pytest.mark.parametrize("event", [event.value for event in WebhookEvent])
def test_every_event_has_its_familys_shape(cli, stocked, event) -> None:
    """In a campaign, each event's keys are its family's, and its prospect has the in-campaign
    shape of the pages (that of link_clicked's example)."""
    body = fired(cli, stocked, event, "--campaign", str(stocked.campaign_id))
    assert list(body) == FAMILY_KEYS[SHAPES[WebhookEvent(event)]]
    if "prospect" in body:
        (clicked,) = json.loads((REFERENCE / "link_clicked.json").read_text())
        assert shape_differences(clicked["prospect"], body["prospect"]) == []
