"""The three Lead Finder enrichment endpoints over HTTP, exactly per developers.woodpecker.co
("Queue prospect enrichments", "List prospect enrichments", "Get prospect enrichment") and
README.md ("Enrichment pipeline"): queue, statuses query, get by uuid; every batch and record
status, the counts, the v2 error envelopes. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.enrichment import (
    LEAD_TO_PROSPECT,
    PRICE,
    QUERY,
    QUEUE,
    Store,
    batch,
    check_ledger,
    full_lead,
    query,
    queue,
    records_of,
    statuses_by_email,
    wait_until_processed,
)
from tests.harness.http import HeldRequest, assert_v2_error
from tests.harness.names import new_emails, tag
from tests.harness.prospects import add_prospects
from tests.harness.server import start_server

# The reference's request body, verbatim.
REFERENCE_BODY = {
    "prospects": [
        {
            "email": "erlich@bachmanity.com",
            "first_name": "Erlich",
            "last_name": "Bachman",
            "linkedin_url": "https://www.linkedin.com/in/erlich-bachman-404xyz",
            "company_name": "Bachmanity",
            "company_website": "https://bachmanity.com",
        },
        {
            "email": "jared@piedpiper.com",
            "first_name": "Jared",
            "last_name": "Dunn",
            "company_name": "Pied Piper",
            "company_website": "https://piedpiper.com",
        },
    ]
}
NOT_FOUND = "Requested resource does not exist"


# --- the reference's examples -------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(isolated: Any) -> dict[str, Any]:
    """The reference's two prospects in a fresh account with 3 credits; the lead database (of
    this module alone) knows Jared, by email, and not Erlich. Queued with the reference's body,
    then processed."""
    isolated.import_leads([full_lead("jared@piedpiper.com", first_name="Jared", last_name="Dunn")])
    account, client = isolated.customer(
        "--credits", "3", prospects=["erlich@bachmanity.com", "jared@piedpiper.com"]
    )
    response = client.post(QUEUE, json=REFERENCE_BODY)
    records = wait_until_processed(client, response.json()["uuid"]) if response.status_code == 200 else []
    return {"account": account, "client": client, "response": response, "records": records}


def test_the_reference_request_is_enqueued_with_its_counts(reference: dict[str, Any]) -> None:
    response = reference["response"]
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["uuid", "prospects_count", "total_prospects_count", "status"]
    assert str(uuid.UUID(body["uuid"])) == body["uuid"]
    assert body["prospects_count"] == 2
    assert body["total_prospects_count"] == 2
    assert body["status"] == "ENQUEUED"


def test_the_reference_statuses_query_finds_the_prospects_records(reference: dict[str, Any]) -> None:
    client, batch_uuid = reference["client"], reference["response"].json()["uuid"]
    response = client.post(QUERY, json={"emails": ["erlich@bachmanity.com"]})
    [record] = records_of(response)
    assert record["uuid"] == batch_uuid
    assert record["prospect_email"] == "erlich@bachmanity.com"
    created = datetime.fromisoformat(record["created"])
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
    # No lead knows Erlich: processed, nothing found.
    assert record["status"] == "PROCESSED_NOT_ENRICHED"

    # The reference's answer lists both prospects of the batch with these statuses.
    assert statuses_by_email(query(client)) == {
        "erlich@bachmanity.com": "PROCESSED_NOT_ENRICHED",
        "jared@piedpiper.com": "PROCESSED_ENRICHED",
    }


def test_get_by_uuid_lists_the_batch(reference: dict[str, Any]) -> None:
    client, batch_uuid = reference["client"], reference["response"].json()["uuid"]
    records = batch(client, batch_uuid)
    assert {record["uuid"] for record in records} == {batch_uuid}
    assert statuses_by_email(records) == {
        "erlich@bachmanity.com": "PROCESSED_NOT_ENRICHED",
        "jared@piedpiper.com": "PROCESSED_ENRICHED",
    }


def test_only_the_enriched_prospect_is_paid_for(reference: dict[str, Any], isolated: Any) -> None:
    account = reference["account"]
    summary = check_ledger(isolated.store, account.id, granted=3_000)
    assert summary["balance"] == 1_500
    assert len(summary["enriched"]) == 1
    listing = isolated.cli("accounts", "list")
    [row] = [line for line in listing.splitlines() if account.name in line]
    assert "1.5" in row.split(account.name, 1)[1], row


# --- record statuses --------------------------------------------------------------------------


def test_records_stay_pending_until_a_worker_processes_them(paused: Any) -> None:
    emails = new_emails(2)
    account, client = paused.customer("--credits", "3", prospects=emails)
    queued = queue(client, emails)
    assert queued["status"] == "ENQUEUED"
    records = batch(client, queued["uuid"])
    assert statuses_by_email(records) == dict.fromkeys(emails, "PENDING")
    assert statuses_by_email(query(client, emails)) == dict.fromkeys(emails, "PENDING")
    assert statuses_by_email(query(client)) == dict.fromkeys(emails, "PENDING")
    assert paused.store.balance(account.id) == 0  # both reserved


def test_a_prospect_is_enriched_by_email_and_by_linkedin_url(live: Any) -> None:
    t = tag()
    by_email = f"ann-{t}@initech.example"
    by_hint = f"bob-{t}@initech.example"
    by_stored = f"cat-{t}@initech.example"
    initech = {"company_name": "Initech", "company_website": "https://initech.example"}
    live.import_leads(
        [
            full_lead(by_email, first_name="Annabel", title="CTO", phone="+1 555 0100"),
            # Bob's and Cat's leads are filed under other addresses of their company; their
            # LinkedIn profiles identify them, written differently than in the lead database.
            full_lead(
                f"robert-{t}@initech.example",
                linkedin_url=f"https://www.linkedin.com/in/Bob-Smith-{t}/",
                **initech,
            ),
            full_lead(
                f"catherine-{t}@initech.example", linkedin_url=f"linkedin.com/in/cat-jones-{t}", **initech
            ),
        ]
    )
    account, client = live.customer(
        "--credits",
        "6",
        prospects=[
            {"email": by_email, "first_name": "Ann", "title": "CEO"},  # the user's own data
            {"email": by_hint},
            {"email": by_stored, "linkedin_url": f"https://de.linkedin.com/in/Cat-Jones-{t}?trk=x"},
        ],
    )
    before = {email: live.store.prospect(account.id, email) for email in (by_email, by_hint, by_stored)}

    queued = queue(
        client,
        [
            {"email": f"  {by_email.upper()} "},
            {"email": by_hint, "linkedin_url": f"http://uk.linkedin.com/in/bob-smith-{t}?trk=public_profile"},
            {"email": by_stored},
        ],
    )
    assert (queued["prospects_count"], queued["status"]) == (3, "ENQUEUED")
    records = wait_until_processed(client, queued["uuid"])
    assert statuses_by_email(records) == {
        by_email: "PROCESSED_ENRICHED",
        by_hint: "PROCESSED_ENRICHED",
        by_stored: "PROCESSED_ENRICHED",
    }

    # Ann: every empty field filled from her lead, her own first name and title kept.
    ann = live.store.prospect(account.id, by_email)
    assert (ann["first_name"], ann["title"]) == ("Ann", "CEO")
    assert ann["phone"] == "+1 555 0100"
    assert ann["company"] == "Hooli" and ann["website"] == "https://hooli.example"
    assert ann["last_name"] == f"Last-ann-{t}"
    assert ann["updated"] > before[by_email]["updated"]
    provenance = live.store.provenance(account.id, by_email)
    assert set(provenance) == set(LEAD_TO_PROSPECT.values()) - {"first_name", "title"}
    items = {item["prospect_email"]: item for item in live.store.items(account.id)}
    for row in provenance.values():
        assert row["source"] == "lead_database"
        assert row["signal"] == "email"
        assert row["confidence"] == pytest.approx(1.0)
        assert row["item_id"] == items[by_email]["id"]
        assert row["account_id"] == account.id

    # Bob (hint) and Cat (stored URL): matched by LinkedIn, every field filled.
    for email in (by_hint, by_stored):
        prospect = live.store.prospect(account.id, email)
        assert prospect["country"] == "United States" and prospect["industry"] == "Software"
        assert prospect["updated"] > before[email]["updated"]
        provenance = live.store.provenance(account.id, email)
        assert {row["signal"] for row in provenance.values()} == {"linkedin_url"}
        assert {row["item_id"] for row in provenance.values()} == {items[email]["id"]}
    bob = live.store.prospect(account.id, by_hint)
    assert bob["linkedin_url"] == f"https://www.linkedin.com/in/Bob-Smith-{t}/"
    assert bob["first_name"] == f"First-robert-{t}"

    summary = check_ledger(live.store, account.id, granted=6_000)
    assert summary["balance"] == 6_000 - 3 * PRICE


def test_finding_nothing_to_fill_is_not_enriched_and_free(live: Any) -> None:
    t = tag()
    unknown = f"nolead-{t}@initech.example"  # no lead at all
    complete = f"full-{t}@initech.example"  # a lead, but the prospect already has every field
    bare_lead = f"bare-{t}@initech.example"  # a lead that offers nothing
    ambiguous = f"amb-{t}@initech.example"  # two leads on its LinkedIn profile: not a match
    profile = f"https://www.linkedin.com/in/twin-{t}"
    live.import_leads(
        [
            full_lead(complete),
            {"email": bare_lead},
            full_lead(f"twin1-{t}@initech.example", linkedin_url=profile),
            full_lead(f"twin2-{t}@initech.example", linkedin_url=profile + "/"),
        ]
    )
    own_data = {field: f"mine-{field}" for field in LEAD_TO_PROSPECT.values()}
    account, client = live.customer(
        "--credits",
        "6",
        prospects=[
            unknown,
            {"email": complete, **own_data},
            bare_lead,
            {"email": ambiguous, "linkedin_url": profile},
        ],
    )
    queued = queue(client, [unknown, complete, bare_lead, ambiguous])
    assert (queued["prospects_count"], queued["status"]) == (4, "ENQUEUED")
    records = wait_until_processed(client, queued["uuid"])
    assert statuses_by_email(records) == dict.fromkeys(
        [unknown, complete, bare_lead, ambiguous], "PROCESSED_NOT_ENRICHED"
    )
    stored = live.store.prospect(account.id, complete)
    assert {field: stored[field] for field in own_data} == own_data
    for email in (unknown, complete, bare_lead, ambiguous):
        assert live.store.provenance(account.id, email) == {}
    assert live.store.prospect(account.id, ambiguous)["first_name"] == ""
    summary = check_ledger(live.store, account.id, granted=6_000)
    assert summary["balance"] == 6_000  # every reservation released


# --- queue statuses and counts ------------------------------------------------------------------


def test_duplicates_count_as_submitted_and_are_queued_once(paused: Any) -> None:
    a, b = new_emails(2)
    account, client = paused.customer("--credits", "10", prospects=[a, b])
    unknown = new_emails(1, "unknown")[0]
    queued = queue(client, [a, a.upper(), f"  {a}\t", b, unknown, b])
    assert queued["prospects_count"] == 2
    assert queued["total_prospects_count"] == 6
    assert queued["status"] == "ENQUEUED"
    assert statuses_by_email(batch(client, queued["uuid"])) == {a: "PENDING", b: "PENDING"}
    assert paused.store.balance(account.id) == 10_000 - 2 * PRICE


def test_hints_are_optional_and_may_be_null_or_empty(paused: Any) -> None:
    a, b = new_emails(2)
    account, client = paused.customer("--credits", "3", prospects=[a, b])
    queued = queue(
        client,
        [
            {"email": a, "first_name": None, "last_name": None, "linkedin_url": None},
            {"email": b, "company_name": "", "company_website": "", "first_name": "Bea"},
        ],
    )
    assert (queued["prospects_count"], queued["status"]) == (2, "ENQUEUED")
    stored = {item["prospect_email"]: item["hints"] for item in paused.store.items(account.id)}
    hints = {email: json.loads(value) if isinstance(value, str) else value for email, value in stored.items()}
    assert hints == {a: None, b: {"first_name": "Bea"}}  # what the matcher will get as hints


def test_nothing_known_is_not_enqueued_and_has_no_uuid(paused: Any) -> None:
    account, client = paused.customer("--credits", "3", prospects=new_emails(1))
    unknown = new_emails(3, "unknown")
    assert queue(client, unknown) == {
        "uuid": None,
        "prospects_count": 0,
        "total_prospects_count": 3,
        "status": "NOT_ENQUEUED",
    }
    assert query(client) == []
    assert query(client, unknown) == []
    assert paused.store.balance(account.id) == 3_000
    assert [entry["kind"] for entry in paused.store.ledger(account.id)] == ["GRANT"]

    # Without credits it is still NOT_ENQUEUED: no prospect was eligible.
    _, broke = paused.customer()
    assert queue(broke, unknown)["status"] == "NOT_ENQUEUED"


def test_a_pending_prospect_is_not_queued_again(paused: Any) -> None:
    a, b, c = new_emails(3)
    account, client = paused.customer("--credits", "10", prospects=[a, b, c])
    first = queue(client, [a, b])
    assert (first["prospects_count"], first["status"]) == (2, "ENQUEUED")

    assert queue(client, [a, b]) == {
        "uuid": None,
        "prospects_count": 0,
        "total_prospects_count": 2,
        "status": "NOT_ENQUEUED",
    }
    # Every eligible one queued (only c is): ENQUEUED.
    third = queue(client, [b, c, a])
    assert (third["prospects_count"], third["total_prospects_count"], third["status"]) == (1, 3, "ENQUEUED")
    assert statuses_by_email(batch(client, third["uuid"])) == {c: "PENDING"}
    assert len(query(client, [a])) == 1
    assert paused.store.balance(account.id) == 10_000 - 3 * PRICE


def test_credits_cover_the_first_eligible_prospects_in_request_order(paused: Any) -> None:
    p = new_emails(6)
    account, client = paused.customer("--credits", "4.5", prospects=p)
    unknown = new_emails(1, "unknown")[0]
    queued = queue(client, [unknown, p[4], p[2], p[4], p[0], p[5], p[1]])
    assert queued["prospects_count"] == 3
    assert queued["total_prospects_count"] == 7
    assert queued["status"] == "PARTIALLY_ENQUEUED"
    assert set(statuses_by_email(batch(client, queued["uuid"]))) == {p[4], p[2], p[0]}
    assert paused.store.balance(account.id) == 0

    # A pending prospect is skipped, not counted against the credits.
    account, client = paused.customer("--credits", "4.5", prospects=p)
    queue(client, [p[1]])
    queued = queue(client, [p[1], p[3], p[2], p[0]])
    assert (queued["prospects_count"], queued["status"]) == (2, "PARTIALLY_ENQUEUED")
    assert set(statuses_by_email(batch(client, queued["uuid"]))) == {p[3], p[2]}
    assert paused.store.balance(account.id) == 0


@pytest.mark.parametrize("credits", ["0", "1.4", "1.499"])
def test_eligible_prospects_without_enough_credits_are_credits_exhausted(paused: Any, credits: str) -> None:
    emails = new_emails(2)
    account, client = paused.customer("--credits", credits, prospects=emails)
    assert queue(client, emails) == {
        "uuid": None,
        "prospects_count": 0,
        "total_prospects_count": 2,
        "status": "CREDITS_EXHAUSTED",
    }
    assert query(client) == []
    assert paused.store.balance(account.id) == round(float(credits) * 1000)
    assert paused.store.items(account.id) == []


def test_pending_prospects_and_no_credits(paused: Any) -> None:
    a, b = new_emails(2)
    _, client = paused.customer("--credits", "1.5", prospects=[a, b])
    assert queue(client, [a])["status"] == "ENQUEUED"
    # a is pending and nothing else is eligible: NOT_ENQUEUED; b is eligible: CREDITS_EXHAUSTED.
    assert queue(client, [a])["status"] == "NOT_ENQUEUED"
    assert queue(client, [a, b])["status"] == "CREDITS_EXHAUSTED"


# --- the statuses query -------------------------------------------------------------------------


def test_the_empty_query_lists_the_last_24_hours_newest_first(paused: Any) -> None:
    old, recent, new = new_emails(3)
    _, client = paused.customer("--credits", "10", prospects=[old, recent, new])
    batches = [queue(client, [email])["uuid"] for email in (old, recent, new)]
    paused.store.age_batch(batches[0], hours=25)
    paused.store.age_batch(batches[1], hours=23)

    expected = [(batches[2], new), (batches[1], recent)]
    for response in (
        client.post(QUERY),  # no body at all
        client.post(QUERY, content=b"", headers={"Content-Type": "application/json"}),
        client.post(QUERY, json={}),
        client.post(QUERY, json={"emails": []}),
    ):
        assert [(r["uuid"], r["prospect_email"]) for r in records_of(response)] == expected

    # The emails filter is not limited to 24 hours: every record of those prospects.
    [aged] = query(client, [old])
    assert aged["uuid"] == batches[0]
    aged_at = datetime.fromisoformat(aged["created"])
    assert timedelta(hours=24) < datetime.now(UTC) - aged_at < timedelta(hours=26)
    assert [r["prospect_email"] for r in query(client, [old, new, recent])] == [new, recent, old]


def test_the_emails_filter_sees_only_the_accounts_own_records(live: Any) -> None:
    shared, own = new_emails(2)
    _, client = live.customer("--credits", "10", prospects=[shared, own])
    _, other = live.customer("--credits", "10", prospects=[shared])
    mine = wait_until_processed(client, queue(client, [shared, own])["uuid"])
    theirs = wait_until_processed(other, queue(other, [shared])["uuid"])
    assert {r["uuid"] for r in mine}.isdisjoint(r["uuid"] for r in theirs)

    [record] = query(client, [shared])
    assert record in mine
    assert query(other, [shared]) == theirs
    assert query(other, [own]) == []
    assert sorted(query(client), key=json.dumps) == sorted(mine, key=json.dumps)

    # Unknown emails add nothing; the filter ignores case and surrounding blanks.
    assert query(client, [shared, "nobody@nowhere.example", own.upper(), f" {own} "]) == query(
        client, [shared, own]
    )

    # Every record of the prospect, newest first: a second batch adds a second record.
    second = wait_until_processed(client, queue(client, [shared])["uuid"])
    records = query(client, [shared])
    assert [r["uuid"] for r in records] == [second[0]["uuid"], record["uuid"]]


# --- get by uuid --------------------------------------------------------------------------------


def test_get_by_uuid_answers_only_the_accounts_own_batches(paused: Any) -> None:
    a, b = new_emails(2)
    _, client = paused.customer("--credits", "10", prospects=[a, b])
    first = queue(client, [a])["uuid"]
    second = queue(client, [b])["uuid"]
    assert statuses_by_email(batch(client, first)) == {a: "PENDING"}
    assert statuses_by_email(batch(client, second)) == {b: "PENDING"}
    assert {r["uuid"] for r in batch(client, second)} == {second}

    _, stranger = paused.customer("--credits", "10")
    # Only the uuid as the queue answered it names the batch: not another spelling of it.
    spellings = (first.replace("-", ""), f"{{{first}}}", f"urn:uuid:{first}")
    for wrong in (str(uuid.uuid4()), "not-a-uuid", "None", "null", "0", first[:-1], *spellings):
        body = assert_v2_error(client.get(f"{QUEUE}/{wrong}"), 404, "Not Found")
        assert body["details"] == NOT_FOUND
    for own in (first, second):
        body = assert_v2_error(stranger.get(f"{QUEUE}/{own}"), 404, "Not Found")
        assert body["details"] == NOT_FOUND


# --- v2 error envelopes -------------------------------------------------------------------------


TOO_MANY = 10_001


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"prospects": [{"email": "a@b.example"}', "body"),
        (b"not json", "body"),
        (b"[]", "body"),
        (b"{}", "prospects"),
        (b'{"prospects": null}', "prospects"),
        (b'{"prospects": []}', "prospects"),
        (b'{"prospects": "a@b.example"}', "prospects"),
        (b'{"prospects": ["a@b.example"]}', "prospects[0]"),
        (b'{"prospects": [{"first_name": "Ann"}]}', "prospects[0].email"),
        (b'{"prospects": [{"email": "ok@b.example"}, {"email": 5}]}', "prospects[1].email"),
        (b'{"prospects": [{"email": "a@b.example", "first_name": 7}]}', "prospects[0].first_name"),
        (b'{"prospects": [{"email": ""}]}', "prospects[0].email"),
    ],
)
def test_a_malformed_queue_request_is_a_400_naming_the_field(
    paused: Any, body: bytes, field: str, rejected_account: Any
) -> None:
    account, client = rejected_account
    response = client.post(QUEUE, content=body, headers={"Content-Type": "application/json"})
    details = assert_v2_error(response, 400, "Bad Request")["details"]
    assert details.startswith(field), details
    assert paused.store.items(account.id) == []
    assert paused.store.balance(account.id) == 10_000


@pytest.fixture(scope="module")
def rejected_account(paused: Any) -> Any:
    """An account with credits and a prospect: a rejected request must change neither."""
    return paused.customer("--credits", "10", prospects=["known@rejected.example"])


def test_more_than_10000_prospects_is_a_400(paused: Any, rejected_account: Any) -> None:
    account, client = rejected_account
    prospects = [{"email": "known@rejected.example"}] + [{"email": e} for e in new_emails(TOO_MANY - 1)]
    details = assert_v2_error(client.post(QUEUE, json={"prospects": prospects}), 400, "Bad Request")[
        "details"
    ]
    assert details.startswith("prospects"), details
    assert paused.store.items(account.id) == []

    # Exactly 10,000 is allowed.
    assert queue(client, prospects[1:])["total_prospects_count"] == 10_000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"emails": ["a@b.example"', "body"),
        (b"[]", "body"),
        (b'{"emails": "a@b.example"}', "emails"),
        (b'{"emails": {"a": 1}}', "emails"),
        (b'{"emails": [1]}', "emails[0]"),
        (b'{"emails": ["a@b.example", null]}', "emails[1]"),
        (b'{"emails": [["a@b.example"]]}', "emails[0]"),
    ],
)
def test_a_malformed_statuses_query_is_a_400_naming_the_field(
    rejected_account: Any, body: bytes, field: str
) -> None:
    _, client = rejected_account
    response = client.post(QUERY, content=body, headers={"Content-Type": "application/json"})
    details = assert_v2_error(response, 400, "Bad Request")["details"]
    assert details.startswith(field), details


def test_more_than_10000_emails_is_a_400(rejected_account: Any) -> None:
    _, client = rejected_account
    emails = new_emails(TOO_MANY)
    details = assert_v2_error(client.post(QUERY, json={"emails": emails}), 400, "Bad Request")["details"]
    assert details.startswith("emails"), details
    assert query(client, emails[:10_000]) == []


ENDPOINTS = [
    ("POST", QUEUE, {"prospects": [{"email": "a@b.example"}]}),
    ("POST", QUERY, {}),
    ("GET", "", None),
]


def _call(client: Any, method: str, path: str, body: Any) -> Any:
    path = path or f"{QUEUE}/{uuid.uuid4()}"
    return client.request(method, path, json=body) if body is not None else client.request(method, path)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_missing_or_unknown_key_is_a_401(live: Any, method: str, path: str, body: Any) -> None:
    with live.server.client() as anonymous, live.server.client("lp_not-a-key") as unknown:
        for client in (anonymous, unknown):
            body_ = assert_v2_error(_call(client, method, path, body), 401, "Unauthorized")
            assert body_["details"] == "Invalid api key"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_an_account_without_api_access_is_a_403(live: Any, method: str, path: str, body: Any) -> None:
    account = live.account("--no-api-access", "--credits", "3")
    with live.server.client(account.api_key) as client:
        assert_v2_error(_call(client, method, path, body), 403, "Forbidden")
    assert live.store.items(account.id) == []


def test_unknown_paths_and_methods_answer_in_the_v2_envelope(live: Any) -> None:
    _, client = live.customer()
    for path in (
        "/rest/v2/lead_finder/prospects/enrichment",
        "/rest/v2/lead_finder/nothing",
        f"{QUERY}/more",
        f"{QUEUE}/{uuid.uuid4()}/items",
    ):
        body = assert_v2_error(client.post(path, json={}), 404, "Not Found")
        assert body["details"] == NOT_FOUND
    assert_v2_error(client.get(QUERY), 405, "Method Not Allowed")
    assert_v2_error(client.delete(QUEUE), 405, "Method Not Allowed")


def test_a_second_concurrent_request_of_a_key_is_a_429(paused: Any) -> None:
    """The paused server lets no request wait: while one request of a key is in flight (held
    mid-body), another is refused at once with 429 in the v2 envelope."""
    _, client = paused.customer()
    held = HeldRequest(paused.server.url, client.headers["x-api-key"], b'{"emails": []}', QUERY)
    held.start()
    try:
        # The held request may reach the limiter after the first probe; it then keeps the slot.
        for _ in range(5):
            response = client.post(QUERY, json={})
            if response.status_code == 429:
                break
        refused = assert_v2_error(response, 429, "Too Many Requests")
        assert refused["details"] == "Too many requests. Only one request per API key is processed at a time."
        assert_v2_error(
            client.post(QUEUE, json={"prospects": [{"email": "a@b.example"}]}), 429, "Too Many Requests"
        )
        held.send_rest()
        finished = held.read()
        assert finished.status_code == 200, finished.text
    finally:
        held.close()
    assert client.post(QUERY, json={}).status_code == 200  # the slot is free again


def test_an_unexpected_failure_is_a_500_without_a_trace(backend: str, tmp_path: Any) -> None:
    """A real failure: the items table disappears behind the server's back."""
    url, drop = new_database(backend, tmp_path)
    server = start_server(url, tmp_path, worker_embedded="false")
    try:
        account = Cli(url).new_account("--credits", "3")
        with server.client(account.api_key) as client:
            add_prospects(client, ["before@example.com", "doomed@example.com"])
            earlier = queue(client, ["before@example.com"])["uuid"]
            if backend == "sqlite":
                with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                    conn.execute("DROP TABLE enrichment_items")
            else:
                Store(url).execute("DROP TABLE enrichment_items CASCADE")
            # One client, one keep-alive connection: it survives each 500.
            for response in (
                client.post(QUEUE, json={"prospects": [{"email": "doomed@example.com"}]}),
                client.post(QUERY, json={}),
                client.get(f"{QUEUE}/{earlier}"),
            ):
                error = assert_v2_error(response, 500, "Internal server error")
                assert error["details"] == "An unexpected error has occurred. Please try again later."
                assert error["extra"] is None
        assert Store(url).balance(account.id) == 1_500  # the failed request reserved nothing
    finally:
        server.stop()
        drop()
