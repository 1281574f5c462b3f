"""What an operator sees of a running service: its log and its Prometheus metrics.

Real servers, scraped over HTTP with prometheus_client's own text parser; every count is
checked as an exact difference between two scrapes. The log is the server's stderr as the
operator gets it, and none of it may hold a key, a request body, a query string's values,
a searched email or SQL's bound values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.harness.cli import Cli
from tests.harness.database import new_database
from tests.harness.enrichment import PRICE, Store, full_lead, queue, wait_until_processed, write_leads
from tests.harness.http import answered_early, hold
from tests.harness.names import new_emails
from tests.harness.prospects import ADD, add_emails, add_prospects, statuses
from tests.harness.server import start_server

SEARCH = "/rest/v1/prospects"
ENRICHMENTS = "/rest/v2/lead_finder/prospects/enrichments"


class Scrape:
    """One reading of ``/metrics``: sample (name, labels) → value."""

    def __init__(self, server: Any) -> None:
        response = httpx.get(f"{server.url}/metrics", timeout=30)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain"), response.headers
        self.samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
        }

    def __call__(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)


def requests_counted(before: Scrape, after: Scrape, route: str, method: str, status: int) -> float:
    labels = {"route": route, "method": method, "status": str(status)}
    return after("leadpecker_http_requests_total", **labels) - before(
        "leadpecker_http_requests_total", **labels
    )


def timed(before: Scrape, after: Scrape, route: str, sample: str, **labels: str) -> float:
    name = f"leadpecker_http_request_duration_seconds_{sample}"
    return after(name, route=route, **labels) - before(name, route=route, **labels)


def json_lines(server: Any) -> list[dict[str, Any]]:
    """Every line of the server's log, each of which must be one JSON object."""
    lines = [line for line in server.log().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"a log line that is not JSON: {line!r}")
    return parsed


def wait_for_log(server: Any, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while text not in (log := server.log()):
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} never appeared in the server's log:\n{log}")
        time.sleep(0.05)
    return log


@pytest.fixture(scope="module")
def observed(launch: Any) -> Any:
    """A server of the session's database logging JSON at DEBUG, its most talkative."""
    return launch(log_format="json", log_level="DEBUG")


# --- metrics ---------------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_route_template_method_and_status(observed, account) -> None:
    uuid_path = f"{ENRICHMENTS}/{uuid.uuid4()}"
    before = Scrape(observed)
    with observed.client(account.api_key) as client:
        assert client.get(SEARCH, params={"search": "email=nobody@example.com"}).status_code == 200
        assert client.get(SEARCH, params={"search": "email=somebody@example.com"}).status_code == 200
        assert statuses(add_emails(client, new_emails(2))) == ["OK", "OK"]
        assert client.get(uuid_path).status_code == 404  # a route's own 404
        assert client.put(SEARCH).status_code == 405
        assert client.get("/rest/v1/no-such-thing").status_code == 404
    with observed.client("lp_wrong_key") as stranger:
        assert stranger.get(SEARCH).status_code == 401
    after = Scrape(observed)

    template = f"{ENRICHMENTS}/{{uuid}}"
    assert requests_counted(before, after, SEARCH, "GET", 200) == 2
    assert requests_counted(before, after, SEARCH, "GET", 401) == 1
    assert requests_counted(before, after, SEARCH, "PUT", 405) == 1
    assert requests_counted(before, after, ADD, "POST", 200) == 1
    assert requests_counted(before, after, template, "GET", 404) == 1
    assert requests_counted(before, after, "unmatched", "GET", 404) == 1
    assert requests_counted(before, after, "/metrics", "GET", 200) == 1  # the first scrape
    # Never a path with its ids in it, nor a query string.
    for name, labels in after.samples:
        route = dict(labels).get("route", "")
        assert "?" not in route and "@" not in route and uuid_path not in route, (name, route)

    assert timed(before, after, SEARCH, "count") == 4  # 200, 200, 401, 405
    assert timed(before, after, SEARCH, "bucket", le="+Inf") == 4
    assert timed(before, after, template, "count") == 1
    assert timed(before, after, ADD, "count") == 1
    assert 0 < timed(before, after, SEARCH, "sum") < 60
    # Buckets are cumulative: none holds more than the next.
    edges = sorted(
        (float(dict(labels)["le"]), value)
        for (name, labels), value in after.samples.items()
        if name == "leadpecker_http_request_duration_seconds_bucket" and dict(labels)["route"] == SEARCH
    )
    assert [value for _, value in edges] == sorted(value for _, value in edges)


def test_a_rate_limit_refusal_is_counted_by_api(standalone) -> None:
    server = standalone.start()
    key = standalone.account().api_key
    before = Scrape(server)
    held = hold(server.url, key, 1 + 6 + 1)  # one in flight, six waiting, one too many
    try:
        refused = answered_early(held, 1)
        assert len(refused) == 1
        assert refused[0].read().status_code == 409
        waiting = [request for request in held if request not in refused]
        for request in waiting:
            request.send_rest()
        assert all(request.read().status_code == 200 for request in waiting)
    finally:
        for request in held:
            request.close()
    after = Scrape(server)
    refusals = "leadpecker_rate_limit_refusals_total"
    assert after(refusals, api="v1") - before(refusals, api="v1") == 1
    assert after(refusals, api="v2") - before(refusals, api="v2") == 0
    # Answered before any route: counted as such, never under the requested path.
    assert requests_counted(before, after, "unmatched", "POST", 409) == 1
    assert requests_counted(before, after, ADD, "POST", 200) == 1 + 6


@pytest.fixture(scope="module")
def queueing(backend, tmp_path_factory) -> Iterator[tuple[Any, str, Path]]:
    """A database of its own, with a server that queues but has no worker."""
    workdir = tmp_path_factory.mktemp(f"queueing-{backend}")
    url, drop = new_database(backend, workdir)
    server = start_server(url, workdir, worker_embedded="false")
    yield server, url, workdir
    server.stop()
    drop()


def items(scrape: Scrape) -> dict[str, float]:
    outcomes = ("enriched", "not_enriched", "gave_up")
    return {outcome: scrape("leadpecker_enrichment_items_total", outcome=outcome) for outcome in outcomes}


def test_an_enrichment_run_counts_its_items_by_outcome_and_the_credits_charged(queueing, tmp_path) -> None:
    server, url, workdir = queueing
    run = uuid.uuid4().hex[:8]
    matched = [f"found{i}-{run}@example.com" for i in range(3)]
    unknown = [f"unknown{i}-{run}@example.com" for i in range(2)]
    retried = [f"retried{i}-{run}@example.com" for i in range(2)]  # leads exist, but they give up
    cli = Cli(url)
    leads = write_leads(tmp_path / "leads.csv", [full_lead(email) for email in matched + retried])
    assert "leads, 5 rows: 5 inserted" in cli("leads", "import", str(leads))
    account = cli.create_account(f"obs-{run}")
    cli("credits", "add", str(account.id), "100")
    with server.client(account.api_key) as client:
        add_prospects(client, matched + unknown + retried)
        before = Scrape(server)
        batch = queue(client, matched + unknown + retried)["uuid"]
        assert (
            Scrape(server)("leadpecker_enrichment_queue_depth")
            == before("leadpecker_enrichment_queue_depth") + 7
        )
        # Two items were claimed as often as a worker may (their workers died, say).
        placeholders = ", ".join(f"'{email}'" for email in retried)
        Store(url).execute(
            f"UPDATE enrichment_items SET attempts = 2 WHERE prospect_email IN ({placeholders})"
        )

        worker = start_server(url, workdir, worker_max_attempts="2")
        try:
            wait_until_processed(client, batch)
            # A new process: its counters started at zero. They move when a finish commits.
            deadline = time.monotonic() + 10
            while sum(items(done := Scrape(worker)).values()) < 7 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            worker.stop()
        log = worker.log()

    assert items(done) == {"enriched": 3, "not_enriched": 2, "gave_up": 2}
    assert done("leadpecker_credits_charged_millis_total") == 3 * PRICE  # exact: integer thousandths
    assert Scrape(server)("leadpecker_enrichment_queue_depth") == before("leadpecker_enrichment_queue_depth")
    # The embedded worker's own lines are in serve's log.
    assert "enrichment worker started" in log
    assert "3 enriched, 2 not enriched, 2 gave up; 4.5 credits charged" in log


def test_the_processes_of_serve_workers_report_one_set_of_counters(standalone, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where serve makes the processes' directory
    server = standalone.start("--workers", "2", rate_limit_enabled="false")
    before = Scrape(server)
    sent = 40
    for _ in range(sent):  # a connection each: both processes answer some
        assert httpx.get(f"{server.url}{SEARCH}", headers={"x-api-key": "lp_nobody"}).status_code == 401
    # The answering process counts just after its answer went out: wait for the last count …
    deadline = time.monotonic() + 10
    while requests_counted(before, Scrape(server), SEARCH, "GET", 401) < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    for _ in range(6):  # … then whichever process answers, it reports them all
        assert requests_counted(before, Scrape(server), SEARCH, "GET", 401) == sent
    pids = {
        line.split("[")[1].split("]")[0]
        for line in server.log().splitlines()
        if "Started server process" in line
    }
    assert len(pids) == 2, server.log()
    assert any(tmp_path.iterdir())
    server.stop()
    assert not any(tmp_path.iterdir()), list(tmp_path.iterdir())  # removed when serve stops


def test_with_a_shared_directory_imports_count_in_serves_metrics(standalone, monkeypatch, tmp_path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    server = standalone.start()
    before = Scrape(server)
    leads = [full_lead(email) for email in new_emails(4, "imported")]
    path = write_leads(tmp_path / "leads.csv", leads)
    with path.open("a") as handle:
        handle.write("not-an-email,,,,,,,,,,,,\n")
    imported = subprocess.run(
        [sys.executable, "-m", "leadpecker", "leads", "import", str(path)],
        env={**os.environ, "LEADPECKER_DATABASE_URL": standalone.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 3, imported.stderr  # imported, but for the rejected row
    assert "leads, 5 rows: 4 inserted" in imported.stderr, imported.stderr
    after = Scrape(server)
    rows = "leadpecker_import_rows_total"
    for outcome, count in (("inserted", 4), ("updated", 0), ("rejected", 1)):
        change = after(rows, kind="leads", outcome=outcome) - before(rows, kind="leads", outcome=outcome)
        assert change == count, outcome


def test_a_shared_directory_that_does_not_exist_is_one_line(standalone, tmp_path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "leadpecker", "accounts", "list"],
        env={
            **os.environ,
            "LEADPECKER_DATABASE_URL": standalone.url,
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr, finished.stderr
    assert finished.stderr.strip().count("\n") == 0 and "PROMETHEUS_MULTIPROC_DIR" in finished.stderr


# --- the log ---------------------------------------------------------------------------------


def test_json_log_lines_carry_request_id_route_status_duration_and_account(observed, account) -> None:
    sent_id = f"req-{uuid.uuid4().hex}"
    with observed.client(account.api_key) as client:
        response = client.get(
            SEARCH, params={"search": "email=x@example.com"}, headers={"X-Request-ID": sent_id}
        )
        assert response.headers["x-request-id"] == sent_id
        assert response.headers["server-timing"].startswith("app;dur=")
        # An id that is no sane id is replaced, not echoed or logged.
        bad = client.get(SEARCH, headers={"X-Request-ID": "has spaces; <and> more"})
        made = bad.headers["x-request-id"]
        assert made != "has spaces; <and> more" and len(made) == 32
    with observed.client() as anonymous:
        anonymous_id = anonymous.get("/health").headers["x-request-id"]

    wait_for_log(observed, anonymous_id)  # written just after the answer went out
    lines = json_lines(observed)
    by_id = {line.get("request_id"): line for line in lines if line["logger"] == "leadpecker.access"}
    line = by_id[sent_id]
    assert line["level"] == "INFO" and line["time"]
    assert (line["method"], line["route"], line["status"], line["account_id"]) == (
        "GET",
        SEARCH,
        200,
        account.id,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert by_id[made]["route"] == SEARCH
    assert by_id[anonymous_id]["route"] == "/health" and by_id[anonymous_id]["account_id"] is None
    # uvicorn's lines go through the same formatter, and its own access line is gone.
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    assert not any(line["logger"] == "uvicorn.access" for line in lines)


def test_text_is_the_default_and_names_the_route_not_the_path(server, account) -> None:
    sent_id = f"req-{uuid.uuid4().hex}"
    with server.client(account.api_key) as client:
        client.get(SEARCH, params={"search": "email=text@example.com"}, headers={"X-Request-ID": sent_id})
    line = next(line for line in wait_for_log(server, sent_id).splitlines() if sent_id in line)
    assert f" INFO leadpecker.access GET {SEARCH} 200 " in line, line
    assert f"account_id={account.id}" in line and f"request_id={sent_id}" in line, line
    assert "text@example.com" not in server.log()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_log_line_holds_an_email_a_body_or_a_key_even_at_debug(launch, account, log_format) -> None:
    server = launch(log_format=log_format, log_level="DEBUG")
    # Unique tokens: found in the log in any encoding of the text around them (%40 for @ …).
    searched, posted, in_body, wrong_key = (uuid.uuid4().hex for _ in range(4))
    with server.client(account.api_key) as client:
        client.get(SEARCH, params={"search": f"email={searched}@example.com"})
        client.get(SEARCH, params={"search": f"email={searched}@example.com", "sort": "+nonsense"})  # 400
        client.post(ADD, json={"prospects": [{"email": f"{posted}@example.com", "snippet1": in_body}]})
        client.post(ADD, content=b'{"prospects": [{"email": "' + in_body.encode() + b'"')  # malformed
        client.post(f"{ENRICHMENTS}/statuses/query", json={"emails": [f"{searched}@example.com"]})
    with server.client(f"lp_{wrong_key}") as stranger:
        stranger.get(SEARCH, params={"search": f"email={searched}@example.com"})
    server.stop()  # every line written
    log = server.log()
    for secret in (searched, posted, in_body, wrong_key, account.api_key):
        assert secret not in log, secret
    assert log.count("leadpecker.access") >= 6  # the requests were logged, their secrets not


@pytest.fixture(scope="module")
def broken(backend, launch, tmp_path_factory) -> Iterator[tuple[Any, Any]]:
    """A server on a database whose prospects table was dropped behind its back: every
    statement on it fails, and its error names the statement."""
    url, drop = new_database(backend, tmp_path_factory.mktemp("broken"))
    server = launch(database_url=url, log_level="debug")
    account = Cli(url).create_account(f"broken-{backend}")
    Store(url).execute("DROP TABLE prospects" + ("" if url.startswith("sqlite") else " CASCADE"))
    yield server, account
    server.stop()
    drop()


def test_a_failing_statement_is_logged_without_its_bound_values(broken) -> None:
    server, account = broken
    searched = uuid.uuid4().hex
    with server.client(account.api_key) as client:
        assert client.get(SEARCH, params={"search": f"email={searched}@example.com"}).status_code == 500
        assert client.post(ADD, json={"prospects": [{"email": f"{searched}@example.com"}]}).status_code == 500
    log = wait_for_log(server, "Traceback")
    assert "prospects" in log  # the operator still learns what failed …
    assert searched not in log  # … but not with what


def test_the_statistics_keepers_lines_appear_in_serves_log(tmp_path) -> None:
    url, _ = new_database("sqlite", tmp_path)
    server = start_server(url, tmp_path, sqlite_statistics_seconds="0.2")
    try:
        Cli(url).create_account("statistics")  # rows in tables without statistics
        wait_for_log(server, "INFO leadpecker.statistics planner statistics refreshed for")
    finally:
        server.stop()
