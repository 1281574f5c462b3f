"""Reading CSV and JSONL data files: records by line, a malformed row rejected by its line
(never the whole file, never a row lost inside it), and parsing in a child process beside the
database writes."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import multiprocessing
import os
import queue
import signal
from collections import deque
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
# A cell may span lines (quoted), but not the rest of the file: a quote opened by mistake is
# found at this size (or at the end of the file) and only its row is rejected. Far above any
# field a row may hold (prospect text fields take 10,000 characters).
CSV_CELL_LIMIT = 16 * 1024 * 1024
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

Record = dict[str, Any] | Rejection


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == UTF8


def _not_decodable(encoding: str, detail: str) -> str:
    if _is_utf8(encoding):
        return f"not valid UTF-8 ({detail}): save the file as UTF-8, or name its encoding with --encoding"
    return f"not valid {encoding} ({detail})"


def _open_text(raw: io.BufferedReader, encoding: str) -> io.TextIOWrapper:
    # Undecodable bytes become lone surrogates (surrogateescape) rather than stopping the file:
    # the row holding one is rejected by its line and the import goes on.
    name = "utf-8-sig" if _is_utf8(encoding) else encoding
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


def check_file(path: Path, model: type[BaseModel], encoding: str, needs_one_of: Iterable[set[str]]) -> None:
    """Refuse, in one line and before anything is read or written: a path that is not a file,
    a kind of file we do not read, a UTF-16 file read as UTF-8, and a CSV header every row
    would fail with — without a column each row needs, with a column twice or unnamed, or
    (for a model that forbids unknown fields) with a column the import does not know."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a .csv or .jsonl file")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    kind = _file_format(path)
    with path.open("rb") as raw:
        if _is_utf8(encoding) and raw.read(2) in _UTF16_MARKS:
            raise UsageError(f"{path} is UTF-16 (it starts with its byte-order mark): add --encoding utf-16")
    if kind != "csv":
        return
    with path.open("rb") as raw:
        header_line, header = _header(_CsvLines(_open_text(raw, encoding)), path, encoding)
    if not header:
        raise UsageError(f"{path}: the file is empty; its first line must name the columns")
    where = f"{path}:{header_line}"
    for position, name in enumerate(header, start=1):
        if not name:
            raise UsageError(f"{where}: column {position} of the header has no name; name it or remove it")
        if header.count(name) > 1:
            raise UsageError(f"{where}: the header names column {name!r} twice")
    for names in needs_one_of:
        if not names & set(header):
            wanted = " or ".join(repr(name) for name in sorted(names))
            raise UsageError(f"{where}: the header has no {wanted} column (it has: {', '.join(header)})")
    if model.model_config.get("extra") == "forbid":
        unknown = [name for name in header if name not in model.model_fields]
        if unknown:
            raise UsageError(
                f"{where}: unknown column {', '.join(repr(name) for name in unknown)} "
                f"(known: {', '.join(model.model_fields)})"
            )


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise UsageError(f"{path}: use a .csv or .jsonl file")


def read_records(path: Path, encoding: str, progress: Progress | None = None) -> Iterator[tuple[int, Record]]:
    """Yield (line number, record), or (line number, Rejection) for a row that cannot be read:
    malformed CSV (an unclosed quote, more cells than the header), bytes not in ``encoding``,
    a line that is not a JSON object. Empty CSV cells are left out of the record, so an empty
    cell means "not given"; blank lines are no rows. ``check_file`` has passed."""
    task = progress.add_task(path.name, total=os.path.getsize(path)) if progress else None
    with path.open("rb") as raw:
        if _file_format(path) == "csv":
            rows = _csv_records(path, raw, encoding)
        else:
            rows = _jsonl_records(raw, encoding)
        for count, (line_no, record) in enumerate(rows):
            if progress is not None and count % 2048 == 0:
                progress.update(task, completed=raw.tell())  # type: ignore[arg-type]
            yield line_no, record
    if progress is not None:
        progress.update(task, completed=os.path.getsize(path))  # type: ignore[arg-type]


class _CsvLines:
    """The lines a csv.reader reads, numbered, and able to go back: a record the reader cannot
    finish (a quote never closed) is rejected by its first line, and reading resumes on the
    line after it, so the rows a stray quote swallowed are read as rows again."""

    def __init__(self, text: Iterable[str]) -> None:
        self._text = enumerate(text, start=1)
        self._returned: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []  # the lines of the record being read

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        numbered = self._returned.popleft() if self._returned else next(self._text)
        self.taken.append(numbered)
        return numbered[1]

    def start_record(self) -> None:
        self.taken.clear()

    def first_line(self) -> int:
        return self.taken[0][0]

    def give_back_all_but_first(self) -> None:
        self._returned.extendleft(reversed(self.taken[1:]))


def _next_cells(reader: Iterator[list[str]], lines: _CsvLines) -> list[str] | csv.Error | None:
    """The next record's cells (None at the end), or the csv.Error that stopped it."""
    lines.start_record()
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        return error


def _header(lines: _CsvLines, path: Path, encoding: str) -> tuple[int, list[str]]:
    """The header's line and its column names (stripped), after any blank lines; no names for
    an empty file."""
    reader = csv.reader(lines, strict=True)
    csv.field_size_limit(CSV_CELL_LIMIT)
    while True:
        cells = _next_cells(reader, lines)
        if cells is None:
            return 0, []
        if isinstance(cells, csv.Error):
            raise UsageError(f"{path}:{lines.first_line()}: the header is not readable as CSV ({cells})")
        if any(cell.strip() for cell in cells):
            bad = _bad_bytes(cells)
            if bad:
                raise UsageError(f"{path}:{lines.first_line()}: {_not_decodable(encoding, bad)}")
            return lines.first_line(), [name.strip() for name in cells]


def _csv_records(path: Path, raw: io.BufferedReader, encoding: str) -> Iterator[tuple[int, Record]]:
    lines = _CsvLines(_open_text(raw, encoding))
    _, header = _header(lines, path, encoding)
    width = len(header)
    # csv.reader and zip rather than DictReader: the same records, a third cheaper. Strict, so
    # that a quote opened and never closed is an error, not the rest of the file in one cell.
    reader = csv.reader(lines, strict=True)
    while True:
        cells = _next_cells(reader, lines)
        if cells is None:
            return
        line_no = lines.first_line()
        if isinstance(cells, csv.Error):
            lines.give_back_all_but_first()
            yield line_no, Rejection(line_no, "row", f"not readable as CSV ({cells})")
        elif not any(map(str.strip, cells)):
            continue  # a blank line (or only separators): no row
        elif bad := _bad_bytes(cells):
            yield line_no, Rejection(line_no, "row", _not_decodable(encoding, bad))
        elif len(cells) > width:
            yield (
                line_no,
                Rejection(line_no, "row", f"{len(cells)} cells, but the header names {width} columns"),
            )
        else:
            yield line_no, {k: v for k, v in zip(header, cells) if v != ""}  # noqa: B905


def _jsonl_records(raw: io.BufferedReader, encoding: str) -> Iterator[tuple[int, Record]]:
    # UTF-8 lines stay bytes: orjson reads them itself (and refuses invalid ones). Other
    # encodings are decoded first, a line at a time (UTF-16's newlines are two bytes).
    lines: Iterable[bytes | str] = raw
    if not _is_utf8(encoding):
        lines = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=None)
    for line_no, line in enumerate(lines, start=1):
        if line_no == 1 and isinstance(line, bytes) and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        if isinstance(line, str) and (bad := _bad_bytes([line])):
            yield line_no, Rejection(line_no, "row", _not_decodable(encoding, bad))
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield line_no, Rejection(line_no, "row", _jsonl_problem(line, encoding, error))
            continue
        if not isinstance(record, dict):
            yield line_no, Rejection(line_no, "row", "each line must be a JSON object")
            continue
        yield line_no, record


def _jsonl_problem(line: bytes | str, encoding: str, error: Exception) -> str:
    if isinstance(line, bytes):
        try:
            line.decode(UTF8)
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
        encoding: str,
    ) -> None:
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
        # Ctrl-C reaches the whole process group: the parent tells the operator and ends this.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            with progress_bar() as progress:
                records = read_records(self.path, self.encoding, progress)
                for chunk in batches(records, self.batch_size):
                    self._queue.put(("batch", self.parse(chunk)))
            self._queue.put(("done", None))
        except UsageError as error:
            self._queue.put(("error", str(error)))
        except Exception as error:  # noqa: BLE001 - reported to the parent, never lost
            self._queue.put(("error", f"{type(error).__name__}: {error}"))

    def _next(self) -> tuple[str, Any]:
        # Waits in slices: a child that died (killed, out of memory) sends nothing, ever.
        while True:
            try:
                return self._queue.get(timeout=1)
            except queue.Empty:
                if not self._process.is_alive():
                    code = self._process.exitcode
                    return "error", f"{self.path}: the process reading the file ended (exit code {code})"

    async def __aiter__(self) -> AsyncIterator[T]:
        while True:
            kind, payload = await asyncio.to_thread(self._next)
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
    return valid, rejected
