"""The per-key rate limit over HTTP: one request in flight, six waiting, anything
beyond refused at once with the reference's v1 409; a waiting request gives up after the wait.

The requests that occupy the line are slow clients (``tests.harness.http.HeldRequest``): their
bodies arrive only when the test says so, which holds a slot as long as needed with no timing.
The line is known to be full when a newcomer is refused, whatever order the requests arrived in.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.harness.http import V1_TOO_MANY_BODY, add_body, answered_early, raw_request
from tests.harness.names import new_emails
from tests.harness.outages import redis_reachable
from tests.harness.prospects import add_emails, statuses
from tests.harness.rate_limit import LINE, assert_refused, assert_served

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_beyond_one_in_flight_and_six_waiting_the_v1_answer_is_409_at_once(server, account, line) -> None:
    held = line.hold(server, account.api_key, LINE + 3)
    # Refused before anything was let through (the others wait for 15 s by default).
    refused = answered_early(held, 3)
    assert len(refused) == 3
    assert_refused(refused)
    # The seven in line are all served, one after the other, once their bodies arrive.
    assert_served([request for request in held if request not in refused])
    # And the line is empty again.
    with server.client(account.api_key) as client:
        assert statuses(add_emails(client, new_emails(1))) == ["OK"]


def test_the_line_is_per_key_however_the_key_is_presented(server, account, line) -> None:
    held = line.hold(server, account.api_key, LINE + 1)
    refused = answered_early(held, 1)
    assert len(refused) == 1  # the line is full now
    basic = "Basic " + base64.b64encode(f"{account.api_key}:".encode()).decode()
    response = raw_request(
        server.url,
        "POST",
        "/rest/v1/add_prospects_list",
        {"Authorization": basic, "Content-Type": "application/json"},
        add_body(new_emails(1)),
    )
    assert response.status_code == 409
    assert response.json() == V1_TOO_MANY_BODY
    assert_served([request for request in held if request not in refused])


def test_different_keys_do_not_block_each_other(server, account, other_account, line) -> None:
    held = line.hold(server, account.api_key, LINE + 1)
    refused = answered_early(held, 1)
    assert len(refused) == 1  # the first key's line is full
    with server.client(other_account.api_key) as client:
        assert statuses(add_emails(client, new_emails(1))) == ["OK"]
    assert_served([request for request in held if request not in refused])


def test_waiting_requests_are_served_when_their_turn_comes(server, account, line) -> None:
    held = line.hold(server, account.api_key, LINE)
    assert_served(held)


# --- servers with other settings (in front of the database: run once, on SQLite) -------------


def test_a_waiting_request_gives_up_after_the_wait_with_409(tight_server, standalone, line) -> None:
    key = standalone.account().api_key
    held = line.hold(tight_server, key, 3)
    # The line has room (3 < 7): only the wait (0.3 s here) can refuse the two not in flight.
    refused = answered_early(held, 2)
    assert len(refused) == 2
    assert_refused(refused)
    assert_served([request for request in held if request not in refused])


def test_with_the_limit_switched_off_nothing_is_refused(standalone, line) -> None:
    server = standalone.start(rate_limit_enabled="false")
    held = line.hold(server, standalone.account().api_key, LINE + 3)
    assert_served(held)  # all ten at once, none refused


def test_with_redis_the_line_is_shared_by_every_process(standalone, line) -> None:
    if not redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: standalone.start(redis_url=REDIS_URL), range(2))
    key = standalone.account().api_key
    held = line.hold(first, key, 4) + line.hold(second, key, 4)
    # Four per process would fit a line of seven in each; one line across both does not.
    refused = answered_early(held, 1)
    assert len(refused) == 1
    assert_refused(refused)
    assert_served([request for request in held if request not in refused])
    with first.client(key) as one, second.client(key) as two:
        assert statuses(add_emails(one, new_emails(1))) == ["OK"]
        assert statuses(add_emails(two, new_emails(1))) == ["OK"]


def test_several_processes_on_one_port_share_one_line_through_redis(standalone, line) -> None:
    if not redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    server = standalone.start("--workers", "2", redis_url=REDIS_URL)
    key = standalone.account().api_key
    held = line.hold(server, key, LINE + 1)
    refused = answered_early(held, 1)
    assert len(refused) == 1
    assert_refused(refused)
    assert_served([request for request in held if request not in refused])


def test_several_processes_without_redis_are_refused_at_start(standalone) -> None:
    # Each process would keep a line of its own: the limit would multiply unnoticed.
    finished = subprocess.run(
        [sys.executable, "-m", "leadpecker", "serve", "--workers", "2", "--port", "1"],
        env={**os.environ, "LEADPECKER_DATABASE_URL": standalone.url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2, finished.stdout + finished.stderr
    assert "--workers" in finished.stderr and "LEADPECKER_REDIS_URL" in finished.stderr
