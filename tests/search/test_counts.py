"""Totals stay exact through many small writes — inserts, status changes, deletes, campaign
removals — including after PostgreSQL folds its per-transaction count rows (more than 64 of
them pile up here) and while writes keep coming."""

from __future__ import annotations

from collections import Counter

from tests.harness.prospects import ADD
from tests.harness.search import NO_MATCH


def totals(client) -> tuple[int, Counter[str]]:
    everyone = client.get("/rest/v1/prospects", params={"per_page": 1}).headers["x-total-count"]
    by_status = Counter()
    for status in ("ACTIVE", "BOUNCED", "REPLIED", "BLACKLIST", "INVALID"):
        response = client.get("/rest/v1/prospects", params={"status": status, "per_page": 1})
        by_status[status] = int(response.headers["x-total-count"])
    return int(everyone), by_status


def test_totals_stay_exact_through_many_writes(server, account) -> None:
    statuses = ["ACTIVE", "BOUNCED", "REPLIED", "BLACKLIST", "INVALID"]
    expected: dict[str, str] = {}
    with server.client(account.api_key) as client:
        # One transaction per prospect: one count row each on PostgreSQL.
        for n in range(90):
            email, status = f"count{n}@example.com", statuses[n % 5]
            client.post(ADD, json={"prospects": [{"email": email, "status": status}]}).raise_for_status()
            expected[email] = status
            if n % 30 == 29:
                assert totals(client) == (len(expected), Counter(expected.values()))
        # Status changes, then deletes, each its own transaction.
        for n in range(0, 90, 3):
            email = f"count{n}@example.com"
            update = {"update": True, "prospects": [{"email": email, "status": "BLACKLIST"}]}
            client.post(ADD, json=update).raise_for_status()
            expected[email] = "BLACKLIST"
        listed = {
            p["email"]: p["id"] for p in client.get("/rest/v1/prospects", params={"per_page": 1000}).json()
        }
        for n in range(1, 90, 4):
            email = f"count{n}@example.com"
            client.request(
                "DELETE", "/rest/v1/prospects", params={"id": str(listed[email])}
            ).raise_for_status()
            del expected[email]
        assert totals(client) == (len(expected), Counter(expected.values()))
        # Deep pages of a status walk the same counts (bucket jump).
        blacklisted = sorted(listed[email] for email, status in expected.items() if status == "BLACKLIST")
        pages = []
        for page in range(1, 100):
            body = client.get(
                "/rest/v1/prospects", params={"status": "BLACKLIST", "per_page": 7, "page": page}
            ).json()
            if body == NO_MATCH:
                break
            pages.extend(p["id"] for p in body)
        assert pages == blacklisted
