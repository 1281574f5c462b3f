"""Reading CSV and JSONL data files in batches, with a progress bar for the operator."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from leadpecker.kit.errors import UsageError


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise UsageError(f"{path}: use a .csv or .jsonl file")


def read_records(
    path: Path, progress: Progress | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record) pairs. CSV cells that are empty are left out of the record,
    so an empty cell means "not given"."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    kind = file_format(path)
    task = progress.add_task(path.name, total=os.path.getsize(path)) if progress else None
    with path.open("rb") as raw:
        if kind == "csv":
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text)
            if not reader.fieldnames:
                return
            for record in reader:
                if progress is not None and reader.line_num % 2048 == 0:
                    progress.update(task, completed=raw.tell())  # type: ignore[arg-type]
                if None in record:
                    raise UsageError(f"{path}:{reader.line_num}: more cells than the header has")
                yield reader.line_num, {k: v for k, v in record.items() if v != ""}
        else:
            for line_no, line in enumerate(raw, start=1):
                if progress is not None and line_no % 2048 == 0:
                    progress.update(task, completed=raw.tell())  # type: ignore[arg-type]
                if not line.strip():
                    continue
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    raise UsageError(f"{path}:{line_no}: not valid JSON ({error})") from None
                if not isinstance(record, dict):
                    raise UsageError(f"{path}:{line_no}: each line must be a JSON object")
                yield line_no, record
    if progress is not None:
        progress.update(task, completed=os.path.getsize(path))  # type: ignore[arg-type]


def batches(
    records: Iterator[tuple[int, dict[str, Any]]], size: int
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in records:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )
