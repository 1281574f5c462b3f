"""Fixtures of the search suite, on top of the root ones (tests/conftest.py): the data set
every search test reads (``tests.harness.search``), loaded once per backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.harness.cli import Cli
from tests.harness.search import Dataset, load_dataset
from tests.harness.server import Server


@pytest.fixture(scope="session")
def dataset(server: Server, cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    loaded = load_dataset(server, cli, tmp_path_factory.mktemp("search-data"))
    yield loaded
    loaded.a.client.close()
    loaded.b.client.close()
