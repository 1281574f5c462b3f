"""Reading CSV and JSONL data files: records by line, a malformed row rejected by its line
(never the whole file), and parsing in a child process beside the database writes."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from leadpecker.imports.tally import Rejection
from leadpecker.kit.errors import UsageError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

UTF8 = "utf-8"
# What a row that is not in the file's encoding is told.
_NOT_DECODABLE = "{problem}: save the file as UTF-8, or name its encoding with --encoding"

Record = dict[str, Any] | Rejection


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise UsageError(f"{path}: use a .csv or .jsonl file")


def check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(
            f"--encoding: unknown encoding {name!r} (for example utf-8, latin-1, cp1252)"
        ) from None


def _not_decodable(encoding: str, detail: str) -> str:
    if encoding == UTF8:
        return _NOT_DECODABLE.format(problem=f"not valid UTF-8 ({detail})")
    return f"not valid {encoding} ({detail})"


def _open_text(raw: io.BufferedReader, encoding: str) -> io.TextIOWrapper:
    # Undecodable bytes become lone surrogates (surrogateescape) rather than stopping the file:
    # the row holding one is rejected by its line and the import goes on.
    name = "utf-8-sig" if encoding == UTF8 else encoding
    return io.TextIOWrapper(raw, encoding=name, errors="surrogateescape", newline="")


def _bad_bytes(cells: list[str]) -> str | None:
    """Where a row read with surrogateescape holds bytes its encoding could not decode."""
    try:
        "".join(cells).encode(UTF8)
        return None
    except UnicodeEncodeError as error:
        text = error.object[error.start : error.end]
        raw = text.encode(UTF8, errors="surrogateescape")
        return "byte " + " ".join(f"0x{byte:02X}" for byte in raw[:4])


def csv_header(path: Path, encoding: str = UTF8) -> list[str]:
    """The header row of a CSV file (names stripped); empty for an empty file."""
    with path.open("rb") as raw:
        header = next(csv.reader(_open_text(raw, encoding)), [])
    bad = _bad_bytes(header)
    if bad:
        raise UsageError(f"{path}:1: {_not_decodable(encoding, bad)}")
    return [name.strip() for name in header]


def check_header(path: Path, model: type[BaseModel], encoding: str, needs_one_of: Iterable[set[str]]) -> None:
    """Refuse a CSV file whose header lacks a column every row needs (or, for a model that
    forbids unknown fields, has one it does not know) before anything is read or written:
    otherwise every row would be rejected, one line each, for the same reason."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if file_format(path) != "csv":
        return
    header = csv_header(path, encoding)
    if not header:
        raise UsageError(f"{path}: the file is empty; the first line must name the columns")
    for names in needs_one_of:
        if not names & set(header):
            wanted = " or ".join(repr(name) for name in sorted(names))
            raise UsageError(f"{path}:1: the header has no {wanted} column (it has: {', '.join(header)})")
    if model.model_config.get("extra") == "forbid":
        unknown = [name for name in header if name not in model.model_fields]
        if unknown:
            raise UsageError(
                f"{path}:1: unknown column {', '.join(repr(name) for name in unknown)} "
                f"(known: {', '.join(model.model_fields)})"
            )


def read_records(
    path: Path, encoding: str = UTF8, progress: Progress | None = None
) -> Iterator[tuple[int, Record]]:
    """Yield (line number, record), or (line number, Rejection) for a row that cannot be read:
    more cells than the header, bytes not in ``encoding``, not a JSON object. CSV cells that
    are empty are left out of the record, so an empty cell means "not given"; blank lines
    are no rows."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    kind = file_format(path)
    task = progress.add_task(path.name, total=os.path.getsize(path)) if progress else None
    with path.open("rb") as raw:
        rows = _csv_records(raw, encoding) if kind == "csv" else _jsonl_records(raw, encoding)
        for count, (line_no, record) in enumerate(rows):
            if progress is not None and count % 2048 == 0:
                progress.update(task, completed=raw.tell())  # type: ignore[arg-type]
            yield line_no, record
    if progress is not None:
        progress.update(task, completed=os.path.getsize(path))  # type: ignore[arg-type]


def _csv_records(raw: io.BufferedReader, encoding: str) -> Iterator[tuple[int, Record]]:
    # csv.reader and zip rather than DictReader: the same records, a third cheaper.
    reader = csv.reader(_open_text(raw, encoding))
    header = [name.strip() for name in next(reader, [])]
    width = len(header)
    ended = reader.line_num  # the line the previous record ended on
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a cell beyond the csv module's field size limit
            yield ended + 1, Rejection(ended + 1, "row", f"not readable as CSV ({error})")
            ended = reader.line_num
            continue
        line_no, ended = ended + 1, reader.line_num
        if not cells:
            continue
        bad = _bad_bytes(cells)
        if bad:
            yield line_no, Rejection(line_no, "row", _not_decodable(encoding, bad))
        elif len(cells) > width:
            problem = f"{len(cells)} cells, but the header names {width} columns"
            yield line_no, Rejection(line_no, "row", problem)
        else:
            yield line_no, {k: v for k, v in zip(header, cells) if v != ""}  # noqa: B905


def _jsonl_records(raw: io.BufferedReader, encoding: str) -> Iterator[tuple[int, Record]]:
    for line_no, line in enumerate(raw, start=1):
        if line_no == 1 and line.startswith(codecs.BOM_UTF8) and encoding == UTF8:
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            # orjson reads UTF-8 bytes itself (and refuses invalid ones); others are decoded first.
            record = orjson.loads(line if encoding == UTF8 else line.decode(encoding))
        except (orjson.JSONDecodeError, UnicodeDecodeError) as error:
            yield line_no, Rejection(line_no, "row", _jsonl_problem(line, encoding, error))
            continue
        if not isinstance(record, dict):
            yield line_no, Rejection(line_no, "row", "each line must be a JSON object")
            continue
        yield line_no, record


def _jsonl_problem(line: bytes, encoding: str, error: Exception) -> str:
    try:
        line.decode(encoding)
    except UnicodeDecodeError as undecodable:
        byte = line[undecodable.start]
        return _not_decodable(encoding, f"byte 0x{byte:02X} at column {undecodable.start + 1}")
    return f"not valid JSON ({error})"


def batches(records: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in records:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def progress_bar() -> Progress:
    """On stderr, and only on a terminal: a script or a log file gets the report, not bars."""
    console = Console(stderr=True)
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
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
        parse: Callable[[list[tuple[int, Record]]], T],
        encoding: str = UTF8,
    ) -> None:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        file_format(path)
        self.path, self.batch_size, self.parse, self.encoding = path, batch_size, parse, encoding
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
                records = read_records(self.path, self.encoding, progress)
                for chunk in batches(records, self.batch_size):
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


def rejection(line_no: int, error: ValidationError) -> Rejection:
    """A row refused by its model: the first field at fault and what is wrong with it."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "row"
    return Rejection(line_no, where, first["msg"])


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_rows(
    model: type[M], batch: list[tuple[int, Record]]
) -> tuple[list[tuple[int, M]], list[Rejection]]:
    """Validate file rows against ``model``: the valid ones with their lines, and a Rejection
    for each row that could not be read or does not fit."""
    rejected = [record for _, record in batch if isinstance(record, Rejection)]
    readable = [(line_no, record) for line_no, record in batch if not isinstance(record, Rejection)]
    try:  # the whole batch at once is about a third faster than row by row
        models = _list_adapter(model).validate_python([record for _, record in readable])
        return [(line_no, item) for (line_no, _), item in zip(readable, models, strict=True)], rejected
    except ValidationError:
        pass  # some row is bad: go row by row to keep the others and name it
    valid: list[tuple[int, M]] = []
    for line_no, record in readable:
        try:
            valid.append((line_no, model.model_validate(record)))
        except ValidationError as error:
            rejected.append(rejection(line_no, error))
    rejected.sort(key=lambda item: item.line)
    return valid, rejected
