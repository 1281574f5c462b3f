"""Reading what ``leadpecker … import`` reports (docs/imports.md): the summary line's counts,
the rejected rows, the exit code."""

from __future__ import annotations

import re

from tests.harness.cli import Cli

EXIT_REJECTED = 3
SUMMARY = re.compile(
    r"(?P<rows>[\d,]+) rows?: (?P<inserted>[\d,]+) inserted, (?P<updated>[\d,]+) updated, "
    r"(?P<skipped>[\d,]+) skipped \(already there, or repeated in the file\), (?P<rejected>[\d,]+) rejected;"
)


def counts(stderr: str) -> dict[str, int]:
    """The summary line's counts."""
    found = SUMMARY.search(stderr)
    assert found, f"no summary line in:\n{stderr}"
    return {name: int(value.replace(",", "")) for name, value in found.groupdict().items()}


def rejected_lines(stderr: str) -> list[str]:
    return [line.removeprefix("rejected ") for line in stderr.splitlines() if line.startswith("rejected ")]


def run(cli: Cli, *args: str, exit_code: int = 0) -> str:
    """Run an import that must end with ``exit_code``; its stderr (report and rejections)."""
    result = cli.run(*args)
    assert result.exit_code == exit_code, f"exited {result.exit_code}, not {exit_code}:\n{result.output}"
    return result.stderr
