"""Webhook delivery (developers.woodpecker.co, "Webhooks"; docs/webhooks.md), end to end: real
dispatchers (embedded in ``serve``, and ``leadpecker webhooks dispatch``) POST to real HTTP
receivers started by the tests (tests/harness/receiver.py), on both databases.

Events are written through the outbox writer in a transaction of their own and subscriptions
are inserted directly (tests/harness/webhooks.py), so these tests depend on nothing but the
dispatcher. Settings are small (window 0.1 s, retries from 0.05 s, timeout 1 s) so that every
case takes a second or two; every wait is bounded.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from tests.harness.cli import Cli
from tests.harness.database import DirectDatabase, new_database
from tests.harness.receiver import Receiver, Reply
from tests.harness.server import free_port, start_server
from tests.harness.webhooks import (
    FAST,
    Hooks,
    attempts,
    emit,
    hooks_database,
    start_dispatcher,
    states,
    subscribe,
    subscription,
    wait_for_line,
    wait_until_settled,
)

MAX_FAILURES = 3


@pytest.fixture(scope="module")
def hooks(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hooks]:
    workdir = tmp_path_factory.mktemp(f"webhooks-{backend}")
    with hooks_database(backend, workdir, webhook_max_failures=str(MAX_FAILURES)) as running:
        yield running


def moment(value: datetime | str) -> datetime:
    """A time column as read directly (SQLite's come back as text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def deduplicated_runs(ids: list[str]) -> list[str]:
    """``ids`` with each run of a retried batch counted once: the order the receiver saw."""
    seen: set[str] = set()
    return [event_id for event_id in ids if not (event_id in seen or seen.add(event_id))]  # type: ignore[func-returns-value]


def test_batches_of_at_most_100_in_order_with_the_stored_bodies(hooks: Hooks, receiver: Receiver) -> None:
    account = hooks.cli.new_account()
    sub = subscribe(hooks.url, account.id, "prospect_saved", receiver.url)
    ids = emit(hooks.url, account.id, 250)

    receiver.wait_for_events(set(ids))
    assert wait_until_settled(hooks.url, sub) == {"DELIVERED": 250}
    assert receiver.sizes() == [100, 100, 50]
    assert [event["event_id"] for event in receiver.events()] == ids
    assert [event["seq"] for event in receiver.events()] == list(range(250))
    stored = DirectDatabase(hooks.url).rows(
        "SELECT body FROM webhook_outbox WHERE subscription_id = :s ORDER BY id", s=sub
    )
    # Each array is the stored bodies joined as they are, not encoded again.
    sent = [request.body for request in receiver.requests]
    bodies = [row["body"] for row in stored]
    assert sent == [("[" + ",".join(bodies[i : i + 100]) + "]").encode() for i in (0, 100, 200)]
    for request in receiver.requests:
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"].startswith("leadpecker/")
        assert {event["method"] for event in request.events} == {"prospect_saved"}
        assert {event["firm_id"] for event in request.events} == {account.id}
    assert len({request.headers["x-leadpecker-attempt"] for request in receiver.requests}) == 3
    logged = attempts(hooks.url, sub)
    outcomes = [(a["outcome"], a["status_code"], a["events"]) for a in logged]
    assert outcomes == [("DELIVERED", 200, 100), ("DELIVERED", 200, 100), ("DELIVERED", 200, 50)]
    assert all(a["duration_ms"] >= 0 and a["error"] is None for a in logged)


def test_events_within_the_window_go_as_one_array_per_event(backend: str, tmp_path: Path) -> None:
    """A standalone dispatcher with a window of 1.5 s: three events raised 0.3 s apart arrive
    together, 1.5 s after the first, and two event types for one URL never share an array."""
    url, drop = new_database(backend, tmp_path)
    log = tmp_path / "dispatch.log"
    account = Cli(url).new_account()
    dispatcher = start_dispatcher(url, log, **{**FAST, "webhook_batch_window_seconds": "1.5"})
    try:
        with Receiver.started() as receiver:
            saved = subscribe(url, account.id, "prospect_saved", receiver.url)
            opted_out = subscribe(url, account.id, "prospect_opt_out", receiver.url)
            wait_for_line(log, "webhook dispatcher started", dispatcher)
            first = time.monotonic()
            ids = emit(url, account.id, 1)
            time.sleep(0.3)
            ids += emit(url, account.id, 1, "prospect_opt_out")
            time.sleep(0.3)
            ids += emit(url, account.id, 1)
            requests = receiver.wait_for_events(set(ids))
            time.sleep(0.3)  # nothing else comes
            assert len(receiver.requests) == 2
            by_method = {request.events[0]["method"]: request for request in requests}
            assert [event["event_id"] for event in by_method["prospect_saved"].events] == [ids[0], ids[2]]
            assert [event["event_id"] for event in by_method["prospect_opt_out"].events] == [ids[1]]
            assert min(request.at for request in requests) - first >= 1.4
            assert wait_until_settled(url, saved) == {"DELIVERED": 2}
            assert wait_until_settled(url, opted_out) == {"DELIVERED": 1}
    finally:
        dispatcher.terminate()
        assert dispatcher.wait(15) == 0, log.read_text()
        drop()
    assert "webhook dispatcher stopped" in log.read_text()


def test_a_failing_batch_holds_back_the_later_ones_and_is_retried_with_backoff(hooks: Hooks) -> None:
    with Receiver.started() as failing, Receiver.started() as healthy:
        failing.script(Reply(500, body=b"try later"), Reply(503))
        account = hooks.cli.new_account()
        retried = subscribe(hooks.url, account.id, "prospect_saved", failing.url)
        subscribe(hooks.url, account.id, "prospect_saved", healthy.url)
        ids = emit(hooks.url, account.id, 250)

        failing.wait_for_events(set(ids))
        healthy.wait_for_events(set(ids))
        assert wait_until_settled(hooks.url, retried) == {"DELIVERED": 250}
        # The failed first batch went twice more before the second batch was sent at all.
        assert failing.sizes() == [100, 100, 100, 100, 50]
        failed_batch = [event["event_id"] for event in failing.requests[0].events]
        assert all([e["event_id"] for e in r.events] == failed_batch for r in failing.requests[:3])
        assert deduplicated_runs([event["event_id"] for event in failing.events()]) == ids
        # The other URL of the same event was not held back.
        assert healthy.sizes() == [100, 100, 50]
        assert [event["event_id"] for event in healthy.events()] == ids

    logged = attempts(hooks.url, retried)
    assert [(a["outcome"], a["status_code"]) for a in logged] == [
        ("RETRY", 500),
        ("RETRY", 503),
        ("DELIVERED", 200),
        ("DELIVERED", 200),
        ("DELIVERED", 200),
    ]
    assert logged[0]["error"] == "HTTP 500: try later"
    # Backoff: 0.05 s then 0.1 s, each with a jitter of at most half.
    started = [moment(a["started_at"]) for a in logged]
    first_wait = (started[1] - started[0]).total_seconds()
    second_wait = (started[2] - started[1]).total_seconds()
    assert first_wait >= 0.025 and second_wait >= 0.05
    row = subscription(hooks.url, retried)
    assert (row["failures"], row["retry_at"], row["ended_at"], row["lease_token"]) == (0, None, None, None)


def test_a_receiver_that_does_not_answer_in_time_gets_the_batch_again(
    hooks: Hooks, receiver: Receiver
) -> None:
    receiver.script(Reply(200, delay=1.6))  # the timeout is 1 s
    account = hooks.cli.new_account()
    sub = subscribe(hooks.url, account.id, "prospect_saved", receiver.url)
    ids = emit(hooks.url, account.id, 3)

    assert wait_until_settled(hooks.url, sub) == {"DELIVERED": 3}
    logged = attempts(hooks.url, sub)
    assert [(a["outcome"], a["status_code"]) for a in logged] == [("RETRY", None), ("DELIVERED", 200)]
    assert logged[0]["error"].startswith("no answer within 1 s")
    assert 900 <= logged[0]["duration_ms"] < 1500
    # At least once: the receiver saw the batch twice, with the same event ids to deduplicate by.
    assert [[event["event_id"] for event in request.events] for request in receiver.requests] == [ids, ids]
    assert subscription(hooks.url, sub)["failures"] == 0


@pytest.mark.parametrize("status", [410, 310])
def test_410_or_310_ends_the_subscription_at_once(hooks: Hooks, receiver: Receiver, status: int) -> None:
    receiver.script(Reply(status))
    account = hooks.cli.new_account()
    sub = subscribe(hooks.url, account.id, "prospect_saved", receiver.url)
    emit(hooks.url, account.id, 150)

    assert wait_until_settled(hooks.url, sub) == {"DROPPED": 150}
    ended = subscription(hooks.url, sub)
    assert ended["ended_at"] is not None
    assert ended["ended_reason"] == f"the receiver answered {status}"
    assert [(a["outcome"], a["status_code"], a["events"]) for a in attempts(hooks.url, sub)] == [
        ("ENDED", status, 100)
    ]
    # Ended: later events are not even written for it, and nothing more is sent.
    emit(hooks.url, account.id, 5)
    time.sleep(0.4)
    assert states(hooks.url, sub) == {"DROPPED": 150}
    assert receiver.sizes() == [100]


def test_failures_in_a_row_up_to_the_limit_end_the_subscription(hooks: Hooks) -> None:
    account = hooks.cli.new_account()
    with Receiver.started(default=Reply(500, body=b"boom")) as broken:
        answering = subscribe(hooks.url, account.id, "prospect_saved", broken.url)
        refusing = subscribe(
            hooks.url, account.id, "prospect_saved", f"http://127.0.0.1:{free_port()}/nobody"
        )
        emit(hooks.url, account.id, 7)

        for sub in (answering, refusing):
            assert wait_until_settled(hooks.url, sub) == {"DROPPED": 7}
        assert broken.sizes() == [7] * MAX_FAILURES

    for sub in (answering, refusing):
        logged = attempts(hooks.url, sub)
        assert [a["outcome"] for a in logged] == ["RETRY"] * (MAX_FAILURES - 1) + ["ENDED"]
        assert subscription(hooks.url, sub)["failures"] == MAX_FAILURES
    assert subscription(hooks.url, answering)["ended_reason"] == (
        f"{MAX_FAILURES} failed deliveries in a row (last: HTTP 500: boom)"
    )
    refused = attempts(hooks.url, refusing)
    assert {a["status_code"] for a in refused} == {None}
    assert all(a["error"].startswith("ConnectError") for a in refused)
    assert subscription(hooks.url, refusing)["ended_reason"].startswith(
        f"{MAX_FAILURES} failed deliveries in a row (last: ConnectError"
    )


def test_webhooks_deliveries_lists_the_attempts_newest_first(hooks: Hooks, receiver: Receiver) -> None:
    receiver.script(Reply(503))
    account = hooks.cli.new_account()
    other = hooks.cli.new_account()
    sub = subscribe(hooks.url, account.id, "prospect_saved", receiver.url)
    subscribe(hooks.url, other.id, "prospect_replied", receiver.url)
    emit(hooks.url, account.id, 4)
    wait_until_settled(hooks.url, sub)  # before the other's events: the scripted 503 is this one's
    emit(hooks.url, other.id, 2, "prospect_replied")
    receiver.wait_for_events(6)

    listed = hooks.cli.json("webhooks", "deliveries", "--account", account.name, "--json")
    assert [(a["outcome"], a["status"], a["events"]) for a in listed] == [
        ("DELIVERED", 200, 4),
        ("RETRY", 503, 4),
    ]
    newest = listed[0]
    assert newest["account"] == account.name and newest["account_id"] == account.id
    assert (newest["event"], newest["target_url"], newest["error"]) == ("prospect_saved", receiver.url, None)
    assert listed[1]["error"] == "HTTP 503"
    assert newest["latency_ms"] >= 0 and newest["time"] >= listed[1]["time"]

    # By id too; --limit keeps the newest; without --account every account's attempts.
    assert hooks.cli.json("webhooks", "deliveries", "-a", str(account.id), "--limit", "1", "--json") == [
        newest
    ]
    everyone = hooks.cli.json("webhooks", "deliveries", "--limit", "10000", "--json")
    assert {a["account"] for a in everyone} >= {account.name, other.name}
    assert [a["id"] for a in everyone] == sorted((a["id"] for a in everyone), reverse=True)

    # The table: one line per attempt when it is not shown in a terminal.
    table = hooks.cli("webhooks", "deliveries", "--account", account.name)
    rows = [line for line in table.splitlines() if receiver.url in line]
    assert len(rows) == 2
    for shown in ("prospect_saved", "200", "DELIVERED"):
        assert shown in rows[0]
    for shown in ("503", "RETRY", "HTTP 503"):
        assert shown in rows[1]
    assert other.name not in table
    everyone_table = hooks.cli("webhooks", "deliveries")
    assert f"{other.name} ({other.id})" in everyone_table

    hooks.cli.fails("webhooks", "deliveries", "--limit", "0", says="--limit", exit_code=2)
    hooks.cli.fails("webhooks", "deliveries", "--account", "no-such-account", says="no account")


def test_a_killed_dispatcher_loses_no_event(backend: str, tmp_path: Path) -> None:
    """SIGKILL in the middle of a delivery (the receiver takes 0.1 s to answer, so the kill
    lands while a POST waits for its answer), then a new dispatcher: every event is processed
    by the receiver (at least once), once the dead one's lease lapsed (timeout 1 s + margin)."""
    url, drop = new_database(backend, tmp_path)
    account = Cli(url).new_account()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with Receiver.started(default=Reply(200, delay=0.1)) as receiver:
            sub = subscribe(url, account.id, "prospect_saved", receiver.url)
            ids = emit(url, account.id, 2_000)
            processes.append(start_dispatcher(url, tmp_path / "first.log", **FAST))
            receiver.wait_for_requests(4)
            time.sleep(0.05)  # into the fourth POST's wait
            processes[0].send_signal(signal.SIGKILL)
            processes[0].wait(10)
            killed_at = len(receiver.requests)
            assert states(url, sub).get("PENDING", 0) > 0, "the dispatcher finished before the kill"

            processes.append(start_dispatcher(url, tmp_path / "second.log", **FAST))
            assert wait_until_settled(url, sub, timeout=60) == {"DELIVERED": 2_000}
            processed = [event["event_id"] for event in receiver.processed_events()]
            assert set(processed) == set(ids)
            received = [event["event_id"] for event in receiver.events()]
            # Only what was in flight when the process died went twice: one batch at most.
            assert len(received) - len(ids) <= 100
            assert deduplicated_runs(received) == ids
            assert len(receiver.requests) > killed_at
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(15)
        drop()


def test_several_dispatchers_send_each_batch_once(backend: str, tmp_path: Path) -> None:
    """``serve --workers 2`` (a dispatcher in each process) and a standalone dispatcher on one
    database: each event reaches each URL exactly once, in order."""
    url, drop = new_database(backend, tmp_path)
    account = Cli(url).new_account()
    server = start_server(url, tmp_path, "--workers", "2", rate_limit_enabled="false", **FAST)
    standalone = start_dispatcher(url, tmp_path / "dispatch.log", **FAST)
    events = ("prospect_saved", "prospect_opt_out", "prospect_blacklisted")
    try:
        with Receiver.started() as first, Receiver.started() as second:
            subscriptions = [
                subscribe(url, account.id, event, receiver.url)
                for receiver in (first, second)
                for event in events
            ]
            wait_for_line(tmp_path / "dispatch.log", "webhook dispatcher started", standalone)
            ids = {event: emit(url, account.id, 450, event) for event in events}
            for receiver in (first, second):
                receiver.wait_for_events(sum(map(len, ids.values())), timeout=60)
            for sub in subscriptions:
                assert wait_until_settled(url, sub) == {"DELIVERED": 450}
            for receiver in (first, second):
                for event in events:
                    got = [e["event_id"] for e in receiver.events() if e["method"] == event]
                    assert got == ids[event]
                assert all(len({e["method"] for e in request.events}) == 1 for request in receiver.requests)
    finally:
        standalone.terminate()
        standalone.wait(15)
        server.stop()
        drop()


def test_private_targets_are_refused_at_delivery(backend: str, tmp_path: Path, receiver: Receiver) -> None:
    """With LEADPECKER_WEBHOOK_REFUSE_PRIVATE_TARGETS the address is checked before every POST:
    a loopback receiver gets nothing, each attempt fails with why, and the limit ends it."""
    url, drop = new_database(backend, tmp_path)
    account = Cli(url).new_account()
    log = tmp_path / "dispatch.log"
    settings = {**FAST, "webhook_refuse_private_targets": "true", "webhook_max_failures": "2"}
    dispatcher = start_dispatcher(url, log, **settings)
    try:
        sub = subscribe(url, account.id, "prospect_saved", receiver.url)
        emit(url, account.id, 2)
        assert wait_until_settled(url, sub) == {"DROPPED": 2}
        logged = attempts(url, sub)
        assert [(a["outcome"], a["status_code"]) for a in logged] == [("RETRY", None), ("ENDED", None)]
        assert {a["error"] for a in logged} == {
            "refused: host 127.0.0.1 is a private or local address (127.0.0.1)"
        }
        assert receiver.requests == []
    finally:
        dispatcher.terminate()
        dispatcher.wait(15)
        drop()


def test_an_idle_dispatcher_stops_cleanly_on_sigint(backend: str, tmp_path: Path) -> None:
    url, drop = new_database(backend, tmp_path)
    log = tmp_path / "dispatch.log"
    dispatcher = start_dispatcher(url, log, **FAST)
    try:
        wait_for_line(log, "webhook dispatcher started", dispatcher)
        dispatcher.send_signal(signal.SIGINT)
        assert dispatcher.wait(15) == 0
        assert "webhook dispatcher stopped" in log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        if dispatcher.poll() is None:
            dispatcher.kill()
        drop()


def test_the_json_of_deliveries_is_parseable_when_there_are_none(backend: str, tmp_path: Path) -> None:
    url, drop = new_database(backend, tmp_path)
    try:
        cli = Cli(url)
        assert cli.json("webhooks", "deliveries", "--json") == []
        assert "no delivery attempts" in cli("webhooks", "deliveries")
    finally:
        drop()
