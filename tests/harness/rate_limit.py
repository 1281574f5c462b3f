"""The per-key rate limit's line seen from outside: requests held in it (slow clients whose
bodies arrive only when the test says so, see ``http.HeldRequest``), and what a refused and a
served request look like."""

from __future__ import annotations

from tests.harness.http import V1_TOO_MANY_BODY, HeldRequest, hold
from tests.harness.prospects import statuses
from tests.harness.server import Server

LINE = 1 + 6  # in flight + waiting


class Line:
    """Held requests of one key, closed at the end of the test."""

    def __init__(self) -> None:
        self.held: list[HeldRequest] = []

    def hold(self, server: Server, key: str, count: int) -> list[HeldRequest]:
        new = hold(server.url, key, count)
        self.held += new
        return new

    def close(self) -> None:
        for request in self.held:
            request.close()


def assert_refused(requests: list[HeldRequest]) -> None:
    for request in requests:
        response = request.read()
        assert response.status_code == 409, response.text
        assert response.json() == V1_TOO_MANY_BODY


def assert_served(requests: list[HeldRequest]) -> None:
    # Every body first: whichever of them holds the slot must be able to finish.
    for request in requests:
        request.send_rest()
    for request in requests:
        response = request.read()
        assert response.status_code == 200, response.text
        assert statuses(response.json()["prospects"]) == ["OK"]
