"""What an import did with each row of its file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not imported: its line in the file (the first line of a CSV record that
    spans several), the field at fault (``row`` for the row as a whole) and why."""

    line: int
    field: str
    problem: str

    def describe(self, file: object) -> str:
        return f"{file}:{self.line}: {self.field}: {self.problem}"


@dataclass(slots=True)
class Tally:
    """Counts of the rows of a file (or of one batch of it). Every row is counted exactly once:
    inserted, updated, skipped (it was there already, or repeated in the file), or rejected."""

    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.skipped + len(self.rejected)

    def add(self, other: Tally) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.skipped += other.skipped
        self.rejected.extend(other.rejected)
