"""Streaming readers and writers for registry files: CSV, JSON Lines and XLSX, chosen by suffix.

Readers yield one Row at a time with the line number a user sees in an editor or spreadsheet
(the CSV/XLSX header is line 1); writers write one record at a time. Neither holds the file in
memory: XLSX is read with openpyxl's read_only mode and written with its write_only mode.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .columns import BatchInputError, cell_text

SUFFIXES = (".csv", ".jsonl", ".xlsx")


@dataclass(frozen=True, slots=True)
class Row:
    """One registry row: its cells, or why it could not be read (the run goes on).

    Cells are a tuple aligned with the reader's header (CSV, XLSX: cheap to send to a worker)
    or a mapping (a JSON Lines object).
    """

    line: int
    cells: dict[str, Any] | tuple[Any, ...] | None
    error: str | None = None


def file_format(path: Path) -> str:
    """'csv', 'jsonl' or 'xlsx' from the file's suffix; BatchInputError for anything else."""
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        suffix = ".jsonl"
    if suffix not in SUFFIXES:
        raise BatchInputError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; use .csv, .jsonl or .xlsx",
                              f"{path.name}：不支持的文件类型 {suffix or '(无)'}，请使用 .csv、.jsonl 或 .xlsx")
    return suffix[1:]


@dataclass(frozen=True, slots=True)
class Block:
    """A chunk of a registry file as a worker receives it.

    CSV and JSON Lines travel as raw text (the reading process only finds record boundaries,
    so parsing happens in the workers); XLSX rows travel parsed, as the sheet is a zip stream.
    """

    kind: str  # "csv", "jsonl" or "rows"
    first_line: int
    text: str = ""
    rows: tuple[Row, ...] = ()


def parse_block(block: Block, width: int) -> list[Row]:
    """The rows of a block; a row that cannot be read becomes a Row with its error (blank rows are skipped)."""
    if block.kind == "rows":
        return list(block.rows)
    rows: list[Row] = []
    if block.kind == "jsonl":
        for line, text in enumerate(block.text.split("\n"), start=block.first_line):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                rows.append(Row(line, None, f"not valid JSON: {error.msg} (column {error.colno})"))
                continue
            if not isinstance(value, dict):
                rows.append(Row(line, None, "a line must be a JSON object"))
                continue
            rows.append(Row(line, value))
        return rows
    reader = csv.reader(io.StringIO(block.text, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            rows.append(Row(block.first_line - 1 + reader.line_num, None, f"unreadable line: {error}"))
            continue
        line = block.first_line - 1 + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            rows.append(Row(line, None, f"the row has {len(cells)} cells, the header {width}"))
            continue
        rows.append(Row(line, tuple(cells)))


class RowReader:
    """A registry file: its header, its blocks of rows, and how much of it has been read (for time left)."""

    columns: list[str]

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        """Blocks of about `size` records each, with the share of the file read once each was read."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Row]:
        for block, _ in self.blocks(200):
            yield from parse_block(block, len(self.columns))

    def fraction(self) -> float | None:
        return None

    def close(self) -> None:
        pass


class _Counting:
    """Iterates a binary file's lines as text, counting the bytes read so far."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.read = 0
        self.first = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = next(self.stream)
        self.read += len(raw)
        text = raw.decode("utf-8", errors="replace")  # a bad byte fails its row, not the run
        if self.first:
            text = text.removeprefix("\ufeff")  # Excel writes a BOM before UTF-8 CSV
            self.first = False
        return text


class _TextReader(RowReader):
    kind = "jsonl"

    def __init__(self, path: Path) -> None:
        self.size = max(path.stat().st_size, 1)
        self.stream = path.open("rb")
        self.lines = _Counting(self.stream)
        self.line = 0  # lines read so far

    def _record(self) -> str | None:
        """The raw text of the next record (a CSV record may span lines inside quotes), or None at the end."""
        text = next(self.lines, None)
        if text is None:
            return None
        self.line += 1
        if self.kind == "csv":
            quotes = text.count('"')
            parts = [text]
            while quotes % 2:  # inside a quoted cell: the record goes on (doubled "" keep the parity)
                more = next(self.lines, None)
                if more is None:
                    break
                self.line += 1
                quotes += more.count('"')
                parts.append(more)
            text = "".join(parts)
        return text

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        while True:
            first = self.line + 1
            parts: list[str] = []
            while len(parts) < size and (record := self._record()) is not None:
                parts.append(record if record.endswith("\n") else record + "\n")
            if not parts:
                return
            text = "".join(parts)
            yield Block(self.kind, first, text[:-1] if self.kind == "jsonl" else text), self.fraction()

    def fraction(self) -> float | None:
        return min(self.lines.read / self.size, 1.0)

    def close(self) -> None:
        self.stream.close()


class CsvReader(_TextReader):
    """A CSV file with a header row of column names."""

    kind = "csv"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        header = self._record() or ""
        try:
            self.columns = [name.strip() for name in next(csv.reader(io.StringIO(header, newline="")), [])]
        except csv.Error as error:
            self.close()
            raise BatchInputError(f"{path.name}: cannot read the header: {error}",
                                  f"{path.name}：无法读取表头：{error}") from error


class JsonLinesReader(_TextReader):
    """One JSON object per line: flat (dotted keys) or nested like the API's profile, with `id` beside."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.columns = []  # no header: the profile model names unknown keys row by row


class XlsxReader(RowReader):
    """The first sheet of a workbook, header in row 1 (openpyxl read_only: rows are streamed)."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise BatchInputError(f"{path.name}: not a readable XLSX workbook: {error}",
                                  f"{path.name}：不是可读取的XLSX工作簿：{error}") from error
        self.sheet = self.book.worksheets[0]
        self.rows = self.sheet.iter_rows(values_only=True)
        header = next(self.rows, ())
        self.columns = [str(name).strip() if name is not None else "" for name in header]
        while self.columns and not self.columns[-1]:
            self.columns.pop()
        self.total = self.sheet.max_row or 0
        self.line = 1

    def _rows(self) -> Iterator[Row]:
        width = len(self.columns)
        for values in self.rows:
            self.line += 1
            cells = list(values[:width])
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            cells += [None] * (width - len(cells))
            yield Row(self.line, tuple(cells))

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        rows = self._rows()
        while chunk := tuple(islice(rows, size)):
            yield Block("rows", chunk[0].line, rows=chunk), self.fraction()

    def fraction(self) -> float | None:
        return min(self.line / self.total, 1.0) if self.total > 1 else None

    def close(self) -> None:
        self.book.close()


def open_reader(path: Path) -> RowReader:
    """A reader for a registry file, by suffix; BatchInputError if it cannot be opened."""
    kind = file_format(path)
    if not path.is_file():
        raise BatchInputError(f"{path}: no such file", f"{path}：文件不存在")
    if kind == "csv":
        return CsvReader(path)
    if kind == "jsonl":
        return JsonLinesReader(path)
    return XlsxReader(path)


class TableWriter:
    """Writes records ({column: value}); lists become space-separated cells in CSV and XLSX."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        self.kind = file_format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "xlsx":
            import openpyxl

            self.book = openpyxl.Workbook(write_only=True)
            self.sheet = self.book.create_sheet()
            self.sheet.append(columns)
        else:
            self.stream = path.open("w", encoding="utf-8", newline="")
            if self.kind == "csv":
                self.csv = csv.writer(self.stream)
                self.csv.writerow(columns)

    def write(self, record: dict[str, Any]) -> None:
        """Write one record; JSON Lines keeps it as given (nested or flat, lists as lists)."""
        if self.kind == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        values = [record.get(column) for column in self.columns]
        if self.kind == "csv":
            self.csv.writerow([_flat(value) for value in values])
        else:
            self.sheet.append([_xlsx_cell(value) for value in values])

    def write_rendered(self, rendered: "str | list[dict[str, Any]]") -> None:
        """Write what render() made (text for CSV and JSON Lines, records for XLSX)."""
        if isinstance(rendered, str):
            self.stream.write(rendered)
        else:
            for record in rendered:
                self.write(record)

    def close(self) -> None:
        if self.kind == "xlsx":
            self.book.save(self.path)
        else:
            self.stream.close()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def render(kind: str, columns: list[str], records: list[dict[str, Any]]) -> "str | list[dict[str, Any]]":
    """Records as TableWriter would write them: text for CSV and JSON Lines (so a worker process can
    do the formatting), the records themselves for XLSX."""
    if kind == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if kind == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        for record in records:
            writer.writerow([_flat(record.get(column)) for column in columns])
        return out.getvalue()
    return records


def _flat(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(value) if all(isinstance(item, str) for item in value) else " ".join(map(str, value))
    return cell_text(value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value) or None
    return value


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every record of a file written by TableWriter (or any registry file), as {column: cell}."""
    reader = open_reader(path)
    try:
        for row in reader:
            if isinstance(row.cells, dict):
                yield row.cells
            elif row.cells is not None:
                yield dict(zip(reader.columns, row.cells, strict=True))
    finally:
        reader.close()
