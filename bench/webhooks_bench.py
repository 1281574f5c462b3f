"""Webhooks benchmark (issue 15, point 7), on a fresh database.

    .venv/bin/python bench/webhooks_bench.py --database sqlite
    .venv/bin/python bench/webhooks_bench.py --database postgresql

Against a real ``leadpecker serve`` (dispatcher embedded, default settings) and a real HTTP
receiver in this process, it measures:

  (a) delivery: 10,000 ``prospect_saved`` events raised by one ``add_prospects_list`` of 10,000
      new prospects, until the last event arrived at the receiver, counted from the moment the
      add is sent and from the moment it answered (committed) (target ≤ 5 s), and how many
      arrays they came in (target ≤ 100); every event id must arrive;
  (b) the cost of a subscription to the add: the server's own time (``Server-Timing``) of an
      add of 10,000 new prospects on an account without a subscription and on one with
      (target: ≤ 20 % more), runs alternating so that drift hits both alike.

Prints a table and writes the figures as JSON to bench/out/webhooks-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from enrichment_bench import ADD, OUT, free_port, new_client, new_database, ok, server_ms, start_server

SUBSCRIBE = "/rest/v1/webhooks/subscribe"
PROSPECTS = 10_000
TARGETS = {"delivery_s": 5.0, "arrays": 100, "overhead_pct": 20.0}


@dataclass
class Received:
    """What the receiver got: each array's arrival time and size, and every event id."""

    arrivals: list[tuple[float, int]] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.event_ids.clear()


def start_receiver(received: Received) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with received.lock:
                received.arrivals.append((time.perf_counter(), len(body)))
                received.event_ids.update(event["event_id"] for event in body)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    receiver = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    return receiver, f"http://127.0.0.1:{port}/hook"


def prospects(tag: str) -> list[dict[str, str]]:
    """10,000 new prospects with the fields a real list has (payloads of a realistic size)."""
    return [
        {
            "email": f"{tag}-{i}@company{i % 500}.example",
            "first_name": f"First{i}",
            "last_name": f"Last{i}",
            "company": f"Company {i % 500}",
            "title": "Head of Sales",
            "website": f"https://company{i % 500}.example",
            "city": "Warsaw",
            "country": "Poland",
            "snippet1": f"Saw your talk on topic {i % 37}",
        }
        for i in range(PROSPECTS)
    ]


def add(client: httpx.Client, tag: str) -> tuple[float, float, float]:
    """Add 10,000 new prospects: (the server's ms, the moments the request was sent and
    answered — committed)."""
    body = {"prospects": prospects(tag)}
    sent = time.perf_counter()
    response = client.post(ADD, json=body)
    answered = time.perf_counter()
    ok(response)
    return server_ms(response), sent, answered


def wait_for(received: Received, count: int, timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    while len(received.event_ids) < count:
        if time.perf_counter() > deadline:
            raise SystemExit(f"only {len(received.event_ids)} of {count} events arrived in {timeout} s")
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5, help="adds on each account (alternating)")
    args = parser.parse_args()
    os.environ["LEADPECKER_RATE_LIMIT_ENABLED"] = "false"
    received = Received()
    receiver, target_url = start_receiver(received)
    with tempfile.TemporaryDirectory(prefix="leadpecker-webhooks-bench-") as tmp:
        workdir = Path(tmp)
        database_url, drop = new_database(args.database, workdir)
        server = start_server(database_url, workdir / "serve.log")
        try:
            plain = new_client(server, database_url, "0")
            subscribed = new_client(server, database_url, "0")
            answer = subscribed.post(SUBSCRIBE, json={"target_url": target_url, "event": "prospect_saved"})
            if answer.status_code != 201:
                raise SystemExit(f"subscribe → {answer.status_code}: {answer.text}")
            without, with_ = [], []
            deliveries, after_commit, arrays = [], [], []
            for run in range(args.runs):
                without.append(add(plain, f"plain{run}-{uuid.uuid4().hex[:6]}")[0])
                received.clear()
                ms, sent, answered = add(subscribed, f"sub{run}-{uuid.uuid4().hex[:6]}")
                with_.append(ms)
                wait_for(received, PROSPECTS)
                last = max(moment for moment, _ in received.arrivals)
                deliveries.append(last - sent)
                after_commit.append(last - answered)
                arrays.append(len(received.arrivals))
        finally:
            server.stop()
            receiver.shutdown()
            drop()
    results = {
        "database": args.database,
        "add_without_subscription_ms": without,
        "add_with_subscription_ms": with_,
        "overhead_pct": (statistics.median(with_) / statistics.median(without) - 1) * 100,
        "delivery_s": deliveries,
        "delivery_after_answer_s": after_commit,
        "arrays": arrays,
        "targets": TARGETS,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"webhooks-{args.database}.json").write_text(json.dumps(results, indent=2))
    print(f"== webhooks, {args.database}: add_prospects_list of {PROSPECTS:,} new prospects × {args.runs}")
    for label, values in (("no subscription", without), ("prospect_saved subscribed", with_)):
        runs = " ".join(f"{value:.0f}" for value in values)
        print(f"  add, {label:26s} server ms: {runs}  median {statistics.median(values):.0f}")
    overhead, target = results["overhead_pct"], TARGETS["overhead_pct"]
    print(f"  overhead of the subscription: {overhead:+.1f} %  (target ≤ +{target:.0f} %)")
    for label, values in (("the add was sent", deliveries), ("the add answered", after_commit)):
        seconds = " ".join(f"{value:.2f}" for value in values)
        print(f"  all {PROSPECTS:,} events received, s after {label}: {seconds}")
    print(f"  (target ≤ {TARGETS['delivery_s']:.0f} s)")
    print(f"  arrays: {' '.join(str(value) for value in arrays)}  (target ≤ {TARGETS['arrays']})")


if __name__ == "__main__":
    main()
