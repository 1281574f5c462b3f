"""The webhook events leadpecker's own writes raise (docs/webhooks.md; developers.woodpecker.co,
"Webhooks", one page per event), read from the outbox the writes fill: the right events with
the documented payloads, each in the transaction of its change — nothing without a
subscription, nothing for another account, nothing when the change rolls back. Both databases.

Subscriptions are inserted straight into the database (tests/harness/webhooks.py) at a URL
nobody listens on: these tests look at what is owed, not at delivery."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text
from tests.harness.blacklist import DOMAINS, EMAILS, call
from tests.harness.enrichment import batch, full_lead, queue, wait_until_processed
from tests.harness.imports import run
from tests.harness.names import tag
from tests.harness.prospects import ADD, add, enrol, statuses
from tests.harness.webhooks import bodies, end_subscription, outbox, subscribe

from leadpecker.kit.db import Database
from leadpecker.settings import Settings

# The prospect object's keys, in the order of the documented example (page "Prospect saved").
PROSPECT_KEYS = [
    "id", "email", "first_name", "last_name", "company", "website", "linkedin_url", "tags", "title",
    "phone", "address", "city", "country", *(f"snippet{n}" for n in range(1, 16)), "snippet_labels",
    "industry", "state", "last_contacted", "status", "in_campaign", "emails_sent", "imported",
    "interested", "campaign_id", "campaign_name", "campaign_email", "campaign_emails",
    "campaign_email_sent", "step",
]  # fmt: skip
# In a campaign the prospect also has these (every in-campaign page shows them).
IN_CAMPAIGN_KEYS = [*PROSPECT_KEYS, "step_type", "followup_after"]
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000")


def emails(count: int) -> list[str]:
    run_tag = tag()
    return [f"p{i}-{run_tag}@example.com" for i in range(count)]


def ids_of(outcomes: list[dict[str, Any]]) -> list[int]:
    return [outcome["id"] for outcome in outcomes]


def prospect_ids(events: list[dict[str, Any]]) -> list[int]:
    return [event["prospect"]["id"] for event in events]


def assert_envelope(event: dict[str, Any], method: str, account_id: int) -> None:
    """What every event object is: its method, then its own keys, then when, whose and its id."""
    assert event["method"] == method
    assert list(event)[-3:] == ["timestamp", "firm_id", "event_id"]
    assert TIMESTAMP.fullmatch(event["timestamp"]), event["timestamp"]
    assert event["firm_id"] == account_id
    assert uuid.UUID(event["event_id"]).version == 4


def campaign_of(cli, account, tmp_path: Path, sender: str = "jared@piedpiper.com") -> tuple[str, int]:
    """A RUNNING campaign of the account, sending from ``sender``: (its name, its id)."""
    name = f"Launch {tag()}"
    path = tmp_path / f"campaign-{tag()}.csv"
    path.write_text(f"name,status,from_name,from_email\n{name},RUNNING,Jared Dunn,{sender}\n")
    output = cli("campaigns", "import", str(path), "--account", account.name, "--json")
    (campaign,) = json.loads(output.strip().splitlines()[-1])
    return name, campaign["id"]


# --- prospect_saved ---------------------------------------------------------------------------


def test_add_prospects_list_saves_each_prospect_it_creates_or_updates(api, account, database_url) -> None:
    subscription = subscribe(database_url, account.id, "prospect_saved")
    first, second = emails(2)
    sent = {"email": first, "first_name": "Erlich", "tags": "#VISIONARY", "snippet1": "Bachmanity"}
    created = ids_of(add(api, [sent, {"email": second}]))

    events = bodies(database_url, subscription)
    assert prospect_ids(events) == created
    event = events[0]
    assert_envelope(event, "prospect_saved", account.id)
    assert list(event) == ["method", "prospect", "timestamp", "firm_id", "event_id"]
    assert list(event["prospect"]) == PROSPECT_KEYS
    assert event["prospect"] | {"id": 0} == {
        **dict.fromkeys(PROSPECT_KEYS, ""),
        "id": 0,
        "email": first,
        "first_name": "Erlich",
        "tags": "#VISIONARY",
        "snippet1": "Bachmanity",
        "snippet_labels": {},
        "last_contacted": None,
        "status": "ACTIVE",
        "in_campaign": 0,
        "emails_sent": 0,
        "campaign_emails": [],
        "campaign_email_sent": None,
        "step": None,
    }
    rows = outbox(database_url, subscription)
    assert [row["event_id"] for row in rows] == [event["event_id"] for event in events]
    assert [row["prospect_id"] for row in rows] == created
    assert len({row["event_id"] for row in rows}) == 2

    # A DUPLICATE changed nothing: no event. An update fires, even with the values stored: and
    # the prospect read back for it is the one the creation's event showed from the rows written.
    assert statuses(add(api, [{"email": first, "first_name": "Changed"}])) == ["DUPLICATE"]
    assert statuses(add(api, [sent], update=True)) == ["UPDATED"]
    assert statuses(add(api, [{"email": second, "city": "Palo Alto"}], update=True)) == ["UPDATED"]
    # An update that sends nothing but the email sends no field: nothing saved.
    assert statuses(add(api, [{"email": second}], update=True)) == ["UPDATED"]
    events = bodies(database_url, subscription)
    assert prospect_ids(events) == [*created, created[0], created[1]]
    assert events[2]["prospect"] == events[0]["prospect"]
    assert events[3]["prospect"]["city"] == "Palo Alto"
    assert events[2]["event_id"] != events[0]["event_id"]


def test_no_subscription_no_event_and_another_account_gets_nothing(
    api, account, other_account, database_url
) -> None:
    others = subscribe(database_url, other_account.id, "prospect_saved")
    ended = subscribe(database_url, account.id, "prospect_saved")
    end_subscription(database_url, ended)
    subscribe(database_url, account.id, "prospect_blacklisted")  # another event than the one raised
    add(api, [{"email": email} for email in emails(3)])
    assert outbox(database_url, account_id=account.id) == []
    assert bodies(database_url, others) == []


def test_every_subscribed_url_gets_its_copy_of_one_event(api, account, database_url) -> None:
    one = subscribe(database_url, account.id, "prospect_saved")
    two = subscribe(database_url, account.id, "prospect_saved")
    (prospect_id,) = ids_of(add(api, [{"email": emails(1)[0]}]))
    (first,), (second,) = outbox(database_url, one), outbox(database_url, two)
    assert first["prospect_id"] == second["prospect_id"] == prospect_id
    assert first["event_id"] == second["event_id"]  # one event, sent to two URLs
    assert first["body"] == second["body"]


def test_add_prospects_campaign_saves_what_it_creates_or_updates_in_the_campaign(
    api, cli, account, database_url, tmp_path
) -> None:
    name, campaign_id = campaign_of(cli, account, tmp_path)
    known, new = emails(2)
    (known_id,) = ids_of(add(api, [{"email": known}]))
    subscription = subscribe(database_url, account.id, "prospect_saved")

    # Enrolling an existing prospect, or changing its status in the campaign, saves nothing.
    assert statuses(enrol(api, {"campaign_id": campaign_id}, [{"email": known}])) == ["OK"]
    assert statuses(
        enrol(api, {"campaign_id": campaign_id}, [{"email": known, "status": "PAUSED"}], update=True)
    ) == ["UPDATED"]
    assert bodies(database_url, subscription) == []

    # A prospect created by the request, and one updated by id, are saved, in the campaign.
    outcomes = enrol(
        api,
        {"campaign_id": campaign_id},
        [{"email": new, "first_name": "Dinesh"}, {"id": known_id, "title": "CTO"}],
        update=True,
    )
    assert statuses(outcomes) == ["OK", "UPDATED"]
    events = bodies(database_url, subscription)
    assert prospect_ids(events) == ids_of(outcomes)
    for event in events:
        assert_envelope(event, "prospect_saved", account.id)
        assert list(event["prospect"]) == IN_CAMPAIGN_KEYS
        prospect = event["prospect"]
        assert (prospect["campaign_id"], prospect["campaign_name"], prospect["in_campaign"]) == (
            campaign_id,
            name,
            1,
        )
        assert prospect["campaign_email"] == "jared@piedpiper.com"
        assert prospect["campaign_emails"] == ["jared@piedpiper.com"]
    assert events[0]["prospect"]["first_name"] == "Dinesh"
    assert events[1]["prospect"]["title"] == "CTO"


def test_prospects_import_saves_new_rows_and_updates(cli, account, database_url, tmp_path) -> None:
    subscription = subscribe(database_url, account.id, "prospect_saved")
    first, second, third = emails(3)
    path = tmp_path / "prospects.csv"
    # The bulk path; an email repeated in the file is one prospect, saved once.
    path.write_text(f"email,first_name\n{first},Ann\n{second},Bob\n{first},Again\n")
    run(cli, "prospects", "import", str(path), "-a", account.name)
    events = bodies(database_url, subscription)
    assert [event["prospect"]["email"] for event in events] == [first, second]
    assert events[0]["prospect"]["first_name"] == "Ann"
    assert list(events[0]["prospect"]) == PROSPECT_KEYS

    path.write_text(f"email,company\n{second},Hooli\n{third},Raviga\n")
    run(cli, "prospects", "import", str(path), "-a", account.name, "--update")
    events = bodies(database_url, subscription)[2:]
    assert sorted((event["prospect"]["email"], event["prospect"]["company"]) for event in events) == [
        (second, "Hooli"),
        (third, "Raviga"),
    ]
    # Nothing new imported: no event.
    path.write_text(f"email\n{first}\n")
    run(cli, "prospects", "import", str(path), "-a", account.name)
    assert len(bodies(database_url, subscription)) == 4


# --- prospect_blacklisted ---------------------------------------------------------------------


def test_stop_followups_blacklists_and_saves_the_prospect_once(api, account, database_url) -> None:
    (email,) = emails(1)
    (prospect_id,) = ids_of(add(api, [{"email": email}]))
    blacklisted = subscribe(database_url, account.id, "prospect_blacklisted")
    saved = subscribe(database_url, account.id, "prospect_saved")
    for _ in range(2):  # asking again changes nothing, and raises nothing
        response = api.post("/rest/v1/stop_followups", json={"prospect": {"email": email}})
        assert response.status_code == 200, response.text
    for subscription, method in ((blacklisted, "prospect_blacklisted"), (saved, "prospect_saved")):
        (event,) = bodies(database_url, subscription)
        assert_envelope(event, method, account.id)
        assert event["prospect"]["id"] == prospect_id
        assert event["prospect"]["status"] == "BLACKLIST"
        assert event["prospect"]["campaign_id"] == ""


def test_adding_to_a_blacklist_announces_each_prospect_it_covers(api, account, database_url) -> None:
    run_tag = tag()
    listed, on_domain, on_pattern, elsewhere = (
        f"erlich@{run_tag}-bachmanity.com",
        f"jared@{run_tag}-piedpiper.com",
        f"gavin@{run_tag}-hooli.xyz",
        f"monica@{run_tag}-raviga.com",
    )
    ids = dict(zip([listed, on_domain, on_pattern, elsewhere], ids_of(add(api, [
        {"email": listed}, {"email": on_domain}, {"email": on_pattern}, {"email": elsewhere},
    ])), strict=True))  # fmt: skip
    subscription = subscribe(database_url, account.id, "prospect_blacklisted")

    call(api, "POST", EMAILS, {"emails": [listed, f"nobody@{run_tag}-bachmanity.com"]})
    call(api, "POST", DOMAINS, {"domains": [f"{run_tag}-piedpiper.com", f"{run_tag}-hoo%"]})
    call(api, "POST", EMAILS, {"emails": [listed]})  # on the list already: covers nobody new
    events = bodies(database_url, subscription)
    assert prospect_ids(events) == [ids[listed], ids[on_domain], ids[on_pattern]]
    for event in events:
        assert_envelope(event, "prospect_blacklisted", account.id)
        # The lists change no prospect's status (docs/compatibility.md, "blacklist").
        assert event["prospect"]["status"] == "ACTIVE"


# --- imported activity ------------------------------------------------------------------------


ACTIVITY_EVENTS = (
    "campaign_sent",
    "email_opened",
    "link_clicked",
    "prospect_replied",
    "secondary_replied",
    "prospect_bounced",
)


def test_imported_activity_raises_its_events(api, cli, account, database_url, tmp_path) -> None:
    name, campaign_id = campaign_of(cli, account, tmp_path)
    (email,) = emails(1)
    (prospect_id,) = ids_of(add(api, [{"email": email, "first_name": "Erlich", "last_name": "Bachman"}]))
    enrol(api, {"campaign_id": campaign_id}, [{"email": email, "interested": "INTERESTED"}])
    subscriptions = {event: subscribe(database_url, account.id, event) for event in ACTIVITY_EVENTS}
    path = tmp_path / "activity.csv"
    path.write_text(
        "email,campaign,kind,occurred_at,url,subject,message,step,campaign_email_sent,secondary_prospect_email\n"
        f"{email},{name},SENT,2025-03-01T09:00:00Z,,,,,,\n"
        f"{email},{name},OPENED,2025-03-01T10:00:00Z,,,,,,\n"
        f"{email},{name},CLICKED,2025-03-01T10:05:00Z,https://piedpiper.com,,,,,\n"
        f"{email},{name},REPLIED,2025-03-02T09:00:00Z,,Re: Launch,<div>Yes</div>,1,1,\n"
        f"{email},{name},REPLIED,2025-03-02T10:00:00Z,,Re: Launch,<div>Me too</div>,1,1,boss@example.com\n"
        f"{email},,BOUNCED,2025-03-03T09:00:00Z,,,,,,\n"
    )
    run(cli, "activity", "import", str(path), "-a", account.name)
    got = {event: bodies(database_url, subscription) for event, subscription in subscriptions.items()}
    assert {event: len(events) for event, events in got.items()} == dict.fromkeys(ACTIVITY_EVENTS, 1)
    for method, (event,) in got.items():
        assert_envelope(event, method, account.id)
        assert event["prospect"]["id"] == prospect_id
        assert list(event["prospect"]) == (
            PROSPECT_KEYS if method == "prospect_bounced" else IN_CAMPAIGN_KEYS
        )
        # After the import: the roll-ups count the SENT row.
        assert event["prospect"]["emails_sent"] == 1
        assert event["prospect"]["last_contacted"] == "2025-03-01T09:00:00+0000"
    for method in ACTIVITY_EVENTS[:-1]:  # all in the campaign, with the enrolment's interest
        prospect = got[method][0]["prospect"]
        assert (prospect["campaign_id"], prospect["campaign_name"]) == (campaign_id, name)
        assert prospect["interested"] == "INTERESTED"
        # The first email of the campaign: each event after the SENT row concerns it.
        assert (prospect["step"], prospect["campaign_email_sent"]) == (1, 1)
    assert got["prospect_bounced"][0]["prospect"]["campaign_id"] == ""  # no campaign on its row

    replies = api.get(f"/rest/v2/prospects/{prospect_id}/responses").json()["responses"]
    (replied,), (secondary,) = got["prospect_replied"], got["secondary_replied"]
    assert list(replied) == ["method", "prospect", "email", "timestamp", "firm_id", "event_id"]
    assert replied["email"] == {
        "id": replies[0]["response_id"],
        "mail_id": replies[0]["response_id"],
        "subject": "Re: Launch",
        "sender": "Erlich Bachman",
        "email": email,
        "date": "2025-03-02T09:00:00+0000",
        "message": "<div>Yes</div>",
    }
    assert (replied["prospect"]["step"], replied["prospect"]["campaign_email_sent"]) == (1, 1)
    assert secondary["email"]["id"] == replies[1]["response_id"]
    assert (secondary["email"]["email"], secondary["email"]["sender"]) == ("boss@example.com", "")

    (clicked,), (opened,) = got["link_clicked"], got["email_opened"]
    assert list(clicked)[1:5] == ["prospect", "click_url", "step", "email_no"]
    assert (clicked["click_url"], clicked["step"], clicked["email_no"]) == ("https://piedpiper.com", 1, "#1")
    assert (list(opened)[1:4], opened["step"], opened["email_no"]) == (
        ["prospect", "step", "email_no"],
        1,
        "#1",
    )
    (sent,) = got["campaign_sent"]
    sent_id = sent["email"]["id"]
    assert sent["email"] == {
        "id": sent_id,
        "campaign_id": campaign_id,
        "message_id": f"<{sent_id}.{campaign_id}@leadpecker.invalid>",
        "name_from": "Jared Dunn",
        "email_from": "jared@piedpiper.com",
        "name_to": "Erlich Bachman",
        "email_to": email,
        "email_cc": "",
        "email_bcc": "",
        "subject": "",
        "sent": "2025-03-01T09:00:00+0000",
        "host": "leadpecker",
        "number": 1,
        "step": 1,
        "message": "",
    }
    assert sent_id != replied["email"]["id"]


def test_enrolment_import_raises_interest_events_when_the_level_changes(
    api, cli, account, database_url, tmp_path
) -> None:
    name, campaign_id = campaign_of(cli, account, tmp_path)
    first, second, third = emails(3)
    ids = ids_of(add(api, [{"email": first}, {"email": second}, {"email": third}]))
    enrol(api, {"campaign_id": campaign_id}, [{"email": first, "interested": "MAYBE_LATER"}])
    subscriptions = {
        event: subscribe(database_url, account.id, event)
        for event in ("prospect_interested", "prospect_maybe_later", "prospect_not_interested")
    }
    path = tmp_path / "enrolments.csv"
    path.write_text(
        "campaign,email,status,interested\n"
        f"{name},{first},,INTERESTED\n"  # MAYBE_LATER → INTERESTED
        f"{name},{second},,MAYBE_LATER\n"  # a new enrolment, marked at once
        f"{name},{third},,\n"  # a new enrolment, not marked: no event
    )
    run(cli, "enrolments", "import", str(path), "-a", account.name)
    path.write_text(f"campaign,email,status,interested\n{name},{first},PAUSED,INTERESTED\n")
    run(cli, "enrolments", "import", str(path), "-a", account.name)  # the same level: no event
    got = {event: bodies(database_url, subscription) for event, subscription in subscriptions.items()}
    assert {event: prospect_ids(events) for event, events in got.items()} == {
        "prospect_interested": [ids[0]],
        "prospect_maybe_later": [ids[1]],
        "prospect_not_interested": [],
    }
    (interested,) = got["prospect_interested"]
    assert_envelope(interested, "prospect_interested", account.id)
    assert interested["prospect"]["interested"] == "INTERESTED"
    assert interested["prospect"]["campaign_id"] == campaign_id


# --- enrichment -------------------------------------------------------------------------------


def test_an_enrichment_saves_what_it_filled_and_announces_its_finished_batch(
    server, cli, database_url, tmp_path
) -> None:
    run_tag = tag()
    known, unknown = f"known-{run_tag}@example.com", f"unknown-{run_tag}@example.com"
    path = tmp_path / "leads.csv"
    lead = full_lead(known)
    path.write_text(",".join(lead) + "\n" + ",".join(lead.values()) + "\n")
    cli("leads", "import", str(path))
    account = cli.new_account("--credits", "10")
    with server.client(account.api_key) as client:
        ids = ids_of(add(client, [{"email": known}, {"email": unknown}]))
        saved = subscribe(database_url, account.id, "prospect_saved")
        finished = subscribe(database_url, account.id, "leadpecker.enrichment_batch_finished")
        batch_uuid = queue(client, [known, unknown])["uuid"]
        wait_until_processed(client, batch_uuid)
        statuses_now = {item["prospect_email"]: item["status"] for item in batch(client, batch_uuid)}
    assert statuses_now == {known: "PROCESSED_ENRICHED", unknown: "PROCESSED_NOT_ENRICHED"}
    (event,) = bodies(database_url, saved)  # the one whose fields changed
    assert_envelope(event, "prospect_saved", account.id)
    assert (event["prospect"]["id"], event["prospect"]["title"]) == (ids[0], lead["title"])

    (announced,) = bodies(database_url, finished)
    assert_envelope(announced, "leadpecker.enrichment_batch_finished", account.id)
    assert list(announced) == ["method", "batch", "timestamp", "firm_id", "event_id"]
    assert announced["batch"]["uuid"] == batch_uuid
    enriched, not_enriched = announced["batch"]["prospects"]
    assert (enriched["id"], enriched["email"], enriched["status"]) == (ids[0], known, "PROCESSED_ENRICHED")
    assert enriched["credits_charged"] == "1.5"
    assert {"first_name", "last_name", "title", "phone", "linkedin_url"} <= set(enriched["fields"])
    assert not_enriched == {
        "id": ids[1],
        "email": unknown,
        "status": "PROCESSED_NOT_ENRICHED",
        "fields": [],
        "credits_charged": "0",
    }


# --- a change that rolls back emits nothing ---------------------------------------------------


class FailingOutboxWrite:
    """A database that fails when the outbox gets an event for one prospect (a trigger): the
    request's change and its earlier events are written by then, and must all roll back."""

    def __init__(self, database_url: str, prospect_id: int) -> None:
        self.database_url, self.prospect_id, self.name = database_url, prospect_id, f"fail_{tag()}"

    def _run(self, *statements: str) -> None:
        async def work() -> None:
            db = Database(Settings(database_url=self.database_url))
            try:
                async with db.write() as conn:
                    for statement in statements:
                        await conn.execute(text(statement))
            finally:
                await db.dispose()

        asyncio.run(work())

    def __enter__(self) -> FailingOutboxWrite:
        if self.database_url.startswith("sqlite"):
            self._run(
                f"CREATE TRIGGER {self.name} BEFORE INSERT ON webhook_outbox "
                f"WHEN NEW.prospect_id = {self.prospect_id} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        else:
            self._run(
                f"CREATE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.prospect_id = {self.prospect_id} THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$",
                f"CREATE TRIGGER {self.name} BEFORE INSERT ON webhook_outbox "
                f"FOR EACH ROW EXECUTE FUNCTION {self.name}()",
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database_url.startswith("sqlite"):
            self._run(f"DROP TRIGGER {self.name}")
        else:
            self._run(f"DROP TRIGGER {self.name} ON webhook_outbox", f"DROP FUNCTION {self.name}()")


def test_a_request_that_rolls_back_leaves_no_event(api, account, database_url) -> None:
    known, new = emails(2)
    (known_id,) = ids_of(add(api, [{"email": known}]))
    subscription = subscribe(database_url, account.id, "prospect_saved")
    request = {"update": True, "prospects": [{"email": new}, {"email": known, "first_name": "Richard"}]}
    # The new prospect is inserted and its event written before the update's event fails.
    with FailingOutboxWrite(database_url, known_id):
        response = api.post(ADD, json=request)
    assert response.status_code >= 500, response.text
    assert bodies(database_url, subscription) == []
    # No change stayed: the new prospect is not there, the known one is as it was.
    found = api.get("/rest/v1/prospects", params={"search": f"email={new}"}).json()
    assert isinstance(found, dict) and "message" in found, found  # v1's answer when none matches
    assert api.get("/rest/v1/prospects", params={"id": known_id}).json()[0]["first_name"] == ""
    # The same request, once nothing fails, writes both events: the trigger was what stopped them.
    assert statuses(api.post(ADD, json=request).json()["prospects"]) == ["OK", "UPDATED"]
    assert [event["prospect"]["email"] for event in bodies(database_url, subscription)] == [new, known]


def test_stop_followups_and_an_import_that_roll_back_leave_no_event(
    api, cli, account, database_url, tmp_path
) -> None:
    known, new = emails(2)
    (known_id,) = ids_of(add(api, [{"email": known}]))
    subscription = subscribe(database_url, account.id, "prospect_blacklisted")
    saved = subscribe(database_url, account.id, "prospect_saved")
    # stop_followups writes prospect_blacklisted, then prospect_saved: the second fails.
    with FailingOutboxWrite(database_url, known_id):
        response = api.post("/rest/v1/stop_followups", json={"prospect": {"email": known}})
    assert response.status_code >= 500, response.text
    assert bodies(database_url, subscription) == bodies(database_url, saved) == []
    assert api.get("/rest/v1/prospects", params={"id": known_id}).json()[0]["status"] == "ACTIVE"

    path = tmp_path / "prospects.csv"
    path.write_text(f"email,first_name\n{new},Ann\n{known},Bob\n")
    with FailingOutboxWrite(database_url, known_id):
        cli.fails(
            "prospects", "import", str(path), "-a", account.name, "--update", says="nothing was imported"
        )
    assert bodies(database_url, saved) == []
    run(cli, "prospects", "import", str(path), "-a", account.name, "--update")
    assert sorted(event["prospect"]["email"] for event in bodies(database_url, saved)) == sorted([new, known])
