"""``leadpecker webhooks fire EVENT --account A --prospect EMAIL [--campaign ID]``: writes the
event to the outbox for every URL subscribed to it (the dispatcher sends it as any other), for
every event name; refuses in one line what would deliver nothing or names what is not there."""

from __future__ import annotations

import uuid

import pytest
from tests.harness.names import tag
from tests.harness.webhooks import Stocked, stocked_account

from leadpecker.vocabulary.enums import WebhookEvent


@pytest.fixture(scope="module")
def stocked(cli, server, tmp_path_factory) -> Stocked:
    return stocked_account(cli, server, tmp_path_factory.mktemp("fire"))


def fire(cli, stocked: Stocked, event: str, *options: str) -> str:
    return cli("webhooks", "fire", event, "--account", stocked.account.name, *options)


@pytest.mark.parametrize("event", [event.value for event in WebhookEvent])
def test_fire_writes_one_row_per_subscribed_url(cli, stocked, event) -> None:
    """Two URLs subscribed: two outbox rows, pending, one event id, one body (the event's)."""
    urls = [stocked.subscribe(event), stocked.subscribe(event)]
    said = fire(cli, stocked, event, "--prospect", stocked.email, "--campaign", str(stocked.campaign_id))
    assert f"{event}: queued for 2 subscribed URL(s)" in said
    rows = stocked.outbox(event)
    assert len(rows) == 2, rows
    assert {row["state"] for row in rows} == {"PENDING"}
    assert rows[0]["event_id"] == rows[1]["event_id"] == rows[0]["body"]["event_id"]
    uuid.UUID(rows[0]["event_id"])
    assert rows[0]["body"] == rows[1]["body"]
    body = rows[0]["body"]
    assert body["method"] == event and body["firm_id"] == stocked.account.id
    expected_prospect = None if event == "campaign_completed" else stocked.prospect_id
    assert [row["prospect_id"] for row in rows] == [expected_prospect] * 2
    # Unsubscribed, the event is refused: nothing would be delivered.
    for url in urls:
        response = stocked.api.post("/rest/v1/webhooks/unsubscribe", json={"target_url": url, "event": event})
        assert response.status_code == 200


def test_campaign_completed_shows_the_campaign(cli, stocked) -> None:
    stocked.subscribe("campaign_completed")
    fire(cli, stocked, "campaign_completed", "--campaign", str(stocked.campaign_id))
    body = stocked.outbox("campaign_completed")[-1]["body"]
    assert body["campaign"] == {"id": stocked.campaign_id, "name": "SaaS in America"}
    assert "prospect" not in body


def test_an_event_announces_its_status_and_interest(cli, stocked) -> None:
    for event in ("prospect_bounced", "prospect_not_interested"):
        stocked.subscribe(event)
    fire(cli, stocked, "prospect_bounced", "--prospect", stocked.email)
    assert stocked.outbox("prospect_bounced")[-1]["body"]["prospect"]["status"] == "BOUNCED"
    fire(
        cli,
        stocked,
        "prospect_not_interested",
        "--prospect",
        stocked.email,
        "--campaign",
        str(stocked.campaign_id),
    )
    assert stocked.outbox("prospect_not_interested")[-1]["body"]["prospect"]["interested"] == "NOT_INTERESTED"


def test_the_event_name_in_capitals(cli, stocked) -> None:
    stocked.subscribe("email_opened")
    fire(cli, stocked, "EMAIL_OPENED", "--prospect", stocked.email)
    assert stocked.outbox("email_opened")


# --- refusals: one line each -------------------------------------------------------------------


def test_an_unknown_event_exits_2_listing_the_names(cli, stocked) -> None:
    line = cli.fails(
        "webhooks",
        "fire",
        "prospect_sneezed",
        "--account",
        stocked.account.name,
        "--prospect",
        stocked.email,
        says="unknown event 'prospect_sneezed'; one of: campaign_completed,",
        exit_code=2,
    )
    assert "leadpecker.enrichment_batch_finished" in line


def test_refusals(cli, stocked) -> None:
    name = stocked.account.name
    stocked.subscribe("prospect_replied")
    before = len(stocked.outbox("prospect_replied"))
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        f"nobody-{tag()}",
        "--prospect",
        stocked.email,
        says="no account with id or name",
    )
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        name,
        "--prospect",
        "ghost@example.com",
        says="the account has no prospect ghost@example.com",
    )
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        name,
        "--prospect",
        stocked.email,
        "--campaign",
        "999999999",
        says="the account has no campaign 999999999",
    )
    cli.fails(
        "webhooks",
        "fire",
        "task_ignored",
        "--account",
        name,
        "--prospect",
        stocked.email,
        says="the account has no subscription to task_ignored: nothing would be delivered",
    )
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        name,
        says="prospect_replied is about a prospect: give --prospect EMAIL",
    )
    stocked.subscribe("campaign_completed")
    cli.fails(
        "webhooks",
        "fire",
        "campaign_completed",
        "--account",
        name,
        says="campaign_completed happens in a campaign: give --campaign ID",
    )
    assert len(stocked.outbox("prospect_replied")) == before  # nothing written by a refusal


def test_another_accounts_campaign_and_prospect_are_unknown(cli, server, stocked, tmp_path) -> None:
    other = stocked_account(cli, server, tmp_path)
    other.subscribe("prospect_replied")
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        other.account.name,
        "--prospect",
        stocked.email,
        says=f"the account has no prospect {stocked.email}",
    )
    cli.fails(
        "webhooks",
        "fire",
        "prospect_replied",
        "--account",
        other.account.name,
        "--prospect",
        other.email,
        "--campaign",
        str(stocked.campaign_id),
        says=f"the account has no campaign {stocked.campaign_id}",
    )
    assert other.outbox("prospect_replied") == []
