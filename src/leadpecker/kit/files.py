"""Reading CSV and JSONL data files in batches, with a progress bar for the operator."""

from __future__ import annotations

import asyncio
import csv
import io
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from leadpecker.kit.errors import UsageError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise UsageError(f"{path}: use a .csv or .jsonl file")


def read_records(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record) pairs. CSV cells that are empty are left out of the record,
    so an empty cell means "not given"."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    kind = file_format(path)
    task = progress.add_task(path.name, total=os.path.getsize(path)) if progress else None
    with path.open("rb") as raw:
        if kind == "csv":
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            # csv.reader and zip rather than DictReader: the same records, a third cheaper.
            reader = csv.reader(text)
            header = next(reader, None)
            if not header:
                return
            width = len(header)
            for cells in reader:
                if progress is not None and reader.line_num % 2048 == 0:
                    progress.update(task, completed=raw.tell())  # type: ignore[arg-type]
                if len(cells) > width:
                    raise UsageError(f"{path}:{reader.line_num}: more cells than the header has")
                yield reader.line_num, {k: v for k, v in zip(header, cells) if v != ""}  # noqa: B905
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


class ParsedBatches(Generic[T]):
    """Reads and parses a data file in a child process while the caller writes to the database.

    Parsing is pure Python and holds the GIL, so a thread cannot overlap it with the caller's
    work; a forked process can, on the second core. Start it (``with``) before the database is
    opened, so the fork copies no live connections or threads.
    """

    def __init__(
        self,
        path: Path,
        batch_size: int,
        parse: Callable[[list[tuple[int, dict[str, Any]]]], T],
    ) -> None:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        file_format(path)
        self.path, self.batch_size, self.parse = path, batch_size, parse
        context = multiprocessing.get_context("fork")
        self._queue: multiprocessing.Queue[Any] = context.Queue(maxsize=4)
        self._process = context.Process(target=self._produce, daemon=True)

    def __enter__(self) -> ParsedBatches[T]:
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()

    def _produce(self) -> None:
        try:
            with progress_bar() as progress:
                for chunk in batches(read_records(self.path, progress), self.batch_size):
                    self._queue.put(("batch", self.parse(chunk)))
            self._queue.put(("done", None))
        except UsageError as error:
            self._queue.put(("error", str(error)))
        except BaseException as error:  # noqa: BLE001 - reported to the parent, never lost
            self._queue.put(("error", f"{type(error).__name__}: {error}"))

    async def __aiter__(self) -> AsyncIterator[T]:
        while True:
            kind, payload = await asyncio.to_thread(self._queue.get)
            if kind == "done":
                return
            if kind == "error":
                raise UsageError(payload)
            yield payload


def describe(error: ValidationError) -> str:
    """One line for a rejected row: the field and what is wrong with it."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "row"
    return f"{where}: {first['msg']}"


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_rows(
    model: type[M], path: Path, batch: list[tuple[int, dict[str, Any]]]
) -> tuple[list[tuple[int, M]], list[str]]:
    """Validate file rows against ``model``; bad rows are left out and described by line."""
    try:  # the whole batch at once is about a third faster than row by row
        models = _list_adapter(model).validate_python([record for _, record in batch])
        return [(line_no, item) for (line_no, _), item in zip(batch, models, strict=True)], []
    except ValidationError:
        pass  # some row is bad: go row by row to keep the others and name it
    valid: list[tuple[int, M]] = []
    problems: list[str] = []
    for line_no, record in batch:
        try:
            valid.append((line_no, model.model_validate(record)))
        except ValidationError as error:
            problems.append(f"{path}:{line_no}: {describe(error)}")
    return valid, problems
