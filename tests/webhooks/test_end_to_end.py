"""Webhooks end to end, as a client and an operator see them, on both databases: a real receiver
(tests/harness/receiver.py) subscribed through the API, the events of the API's own writes and of
``leadpecker webhooks fire`` delivered by the server's embedded dispatcher, and nothing more once
unsubscribed. Small delivery settings (``FAST``: a window of 0.1 s), every wait bounded."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from tests.harness.cli import AccountInfo
from tests.harness.names import new_emails
from tests.harness.prospects import add, statuses
from tests.harness.receiver import Received, Receiver
from tests.harness.webhooks import (
    FAST,
    LIST,
    Hooks,
    hooks_database,
    subscribe_through_api,
    unsubscribe_through_api,
)

WINDOW = float(FAST["webhook_batch_window_seconds"])
WAIT = 20  # seconds: the longest any delivery here may take


@pytest.fixture(scope="module")
def hooks(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hooks]:
    with hooks_database(backend, tmp_path_factory.mktemp(f"end-to-end-{backend}")) as running:
        yield running


@dataclass
class Client:
    """A fresh account, its API client, and a receiver subscribed (through the API) to
    prospect_saved and prospect_replied."""

    account: AccountInfo
    api: httpx.Client
    receiver: Receiver


@pytest.fixture
def client(hooks: Hooks, receiver: Receiver) -> Iterator[Client]:
    account = hooks.cli.new_account()
    with hooks.server.client(account.api_key) as api:
        for event in ("prospect_saved", "prospect_replied"):
            subscribe_through_api(api, event, receiver.url)
        yield Client(account, api, receiver)


def add_new(api: httpx.Client, count: int) -> list[str]:
    """``count`` new prospects through add_prospects_list, all created; their emails."""
    emails = new_emails(count)
    assert statuses(add(api, [{"email": email} for email in emails])) == ["OK"] * count
    return emails


def of_method(requests: list[Received], method: str) -> list[Received]:
    return [request for request in requests if any(event["method"] == method for event in request.events)]


def test_new_prospects_reach_the_receiver_in_arrays_of_at_most_100(client: Client) -> None:
    listed = client.api.get(LIST)
    assert listed.status_code == 200, listed.text
    assert {"target_url": client.receiver.url, "event": "PROSPECT_SAVED"} in listed.json()["webhooks"]

    emails = add_new(client.api, 250)

    requests = client.receiver.wait_for_events(250, timeout=WAIT)
    assert requests and all(1 <= len(request.events) <= 100 for request in requests), client.receiver.sizes()
    assert all(request.json == request.events for request in requests)  # each body is a JSON array
    events = client.receiver.events()
    assert {event["method"] for event in events} == {"prospect_saved"}
    assert {event["firm_id"] for event in events} == {client.account.id}
    once = {event["event_id"]: event for event in events}  # a retried batch may come twice
    received = Counter(event["prospect"]["email"] for event in once.values())
    assert sorted(received) == sorted(emails)
    assert set(received.values()) == {1}


def test_a_fired_event_reaches_the_receiver_as_an_array_of_one(hooks: Hooks, client: Client) -> None:
    (email,) = add_new(client.api, 1)
    client.receiver.wait_for_events(1, timeout=WAIT)  # its prospect_saved

    said = hooks.cli(
        "webhooks", "fire", "prospect_replied", "--account", client.account.name, "--prospect", email
    )
    assert "prospect_replied: queued for 1 subscribed URL(s)" in said

    requests = client.receiver.wait_until(lambda got: bool(of_method(got, "prospect_replied")), timeout=WAIT)
    (replied,) = of_method(requests, "prospect_replied")
    assert isinstance(replied.json, list) and len(replied.json) == 1
    (event,) = replied.events
    assert event["method"] == "prospect_replied"
    assert event["prospect"]["email"] == email
    assert event["firm_id"] == client.account.id


def test_nothing_arrives_once_unsubscribed(hooks: Hooks, client: Client) -> None:
    add_new(client.api, 1)
    client.receiver.wait_for_events(1, timeout=WAIT)  # subscribed, it arrives
    unsubscribe_through_api(client.api, "prospect_saved", client.receiver.url)
    before = len(client.receiver.requests)

    emails = add_new(client.api, 250)
    time.sleep(5 * WINDOW)  # a couple of batch windows, and polls, go by
    # The dispatcher still works: an event still subscribed to, raised after the adds, arrives.
    fire = ("webhooks", "fire", "prospect_replied", "--account", client.account.name, "--prospect", emails[0])
    hooks.cli(*fire)
    client.receiver.wait_until(lambda got: bool(of_method(got[before:], "prospect_replied")), timeout=WAIT)
    time.sleep(2 * WINDOW)
    after = client.receiver.requests[before:]
    assert of_method(after, "prospect_saved") == []
    assert [[event["method"] for event in request.events] for request in after] == [["prospect_replied"]]
