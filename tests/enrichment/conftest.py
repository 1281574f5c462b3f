"""Fixtures of the enrichment suite, on top of the root ones (tests/conftest.py).

Deployments per database backend:

* ``live``: the session's server (embedded worker on), its CLI and a direct reader.
* ``paused``: its own database and a server *without* a worker, so queued items stay PENDING
  for as long as a test needs; its rate limit lets no request wait (``rate_limit_queue=0``),
  so a second concurrent request of one key is refused at once (the 429 test).
* ``isolated`` (per module): its own database, worker on, for tests that need a lead database
  holding only their own leads.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.harness.cli import Cli
from tests.harness.enrichment import Deployment, Store, deployment_of_its_own
from tests.harness.server import Server


@pytest.fixture(scope="session")
def live(
    server: Server, cli: Cli, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    deployment = Deployment(server, cli, Store(database_url), tmp_path_factory.mktemp("live"))
    yield deployment
    deployment.close()


@pytest.fixture(scope="session")
def paused(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    workdir = tmp_path_factory.mktemp(f"paused-{backend}")
    with deployment_of_its_own(backend, workdir, worker_embedded="false", rate_limit_queue="0") as deployment:
        yield deployment


@pytest.fixture(scope="module")
def isolated(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A deployment with a database of its own (worker on): for tests whose lead database must
    hold nothing but what they import (leads are shared by every account of a database)."""
    workdir = tmp_path_factory.mktemp(f"isolated-{backend}")
    with deployment_of_its_own(backend, workdir) as deployment:
        yield deployment
