"""Files for the ``leadpecker`` command to read (imports of prospects, campaigns, enrolments,
activity): written where the test says, their path returned as the command line takes it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.harness.names import tag


def write(path: Path, text: str) -> str:
    """Write ``text`` to ``path``; returns the path as a command-line argument."""
    path.write_text(text)
    return str(path)


def write_new(directory: Path, text: str, suffix: str = ".csv") -> str:
    """Write ``text`` to a file of its own in ``directory`` (a fresh name: a test may write
    several there); returns its path as a command-line argument."""
    return write(directory / f"{tag()[:8]}{suffix}", text)


def write_csv(path: Path, header: list[str], rows: list[tuple[Any, ...]]) -> Path:
    """A CSV file: ``header``, then ``rows`` (quoted where a value needs it)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
