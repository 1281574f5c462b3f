"""Fixtures of the webhook suites, declared from the test harness (``tests.harness.receiver``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.harness.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver answering 200 (scriptable), stopped after the test."""
    with Receiver.started() as running:
        yield running
