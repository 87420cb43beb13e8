"""Streaming readers for registry files: CSV, JSON Lines and XLSX, chosen by suffix.

Readers yield Blocks of rows with the line number a user sees in an editor or spreadsheet (the
CSV/XLSX header is line 1). Every input line is accounted for: screened, failed with its line
number, or skipped as blank. Neither reader holds the file in memory.

CSV is read line-aware: a quoted cell may span lines (Excel writes Alt+Enter breaks so), but a
quote that does not close within MAX_QUOTED_LINES lines, or that closes into a row of the wrong
width, fails its own line only, and reading goes on with the next line. The text encoding is
found once for the whole file (encoding.py); a line that is too long or does not decode fails alone.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .encoding import FIX_EN, FIX_ZH, detect_encoding
from .errors import BatchInputError
from .limits import MAX_LINE_BYTES, MAX_QUOTED_LINES

SUFFIXES = (".csv", ".jsonl", ".xlsx")
Problem = tuple[str, str]  # (zh, en)
_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")


@dataclass(frozen=True, slots=True)
class Row:
    """One registry row: its cells, or why it could not be read as (zh, en) (the run goes on).

    Cells are a tuple aligned with the reader's header (CSV, XLSX: cheap to send to a worker)
    or a mapping (a JSON Lines object).
    """

    line: int
    cells: dict[str, Any] | tuple[Any, ...] | None
    error: Problem | None = None


def file_format(path: Path) -> str:
    """'csv', 'jsonl' or 'xlsx' from the file's suffix; BatchInputError for anything else."""
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        suffix = ".jsonl"
    if suffix not in SUFFIXES:
        shown = suffix[:20] or "(none)"
        raise BatchInputError(f"{path.name[:80]}: unsupported file type {shown!r}; use .csv, .jsonl or .xlsx",
                              f"{path.name[:80]}：不支持的文件类型 {shown}，请使用 .csv、.jsonl 或 .xlsx")
    return suffix[1:]


@dataclass(frozen=True, slots=True)
class Block:
    """A chunk of a registry file as a worker receives it.

    CSV and JSON Lines travel as raw text (the reading process only finds record boundaries,
    so parsing happens in the workers), with the lines that could not be read (`broken`, left
    blank in the text so line numbers hold); XLSX rows travel parsed. `Block.of_rows` makes a
    block from rows already in hand (a DataFrame partition, a test).
    """

    kind: str  # "csv", "jsonl" or "rows"
    first_line: int
    text: str = ""
    rows: tuple[Row, ...] = ()
    broken: tuple[tuple[int, Problem], ...] = ()

    @classmethod
    def of_rows(cls, rows: list[Row] | tuple[Row, ...]) -> "Block":
        """A block of parsed rows (tuples aligned with a header, or mappings)."""
        return cls("rows", rows[0].line if rows else 1, rows=tuple(rows))


def _json_row(line: int, text: str) -> Row:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return Row(line, None, (f"不是有效的JSON：{error.msg}（第{error.colno}列）",
                                f"not valid JSON: {error.msg} (column {error.colno})"))
    except RecursionError:
        return Row(line, None, ("JSON嵌套过深", "the JSON is nested too deeply"))
    except ValueError:  # an integer of more than 4,300 digits
        return Row(line, None, ("JSON中的数字位数过多", "a number in the JSON has too many digits"))
    if not isinstance(value, dict):
        return Row(line, None, ("每行应为一个JSON对象", "a line must be a JSON object"))
    if _SURROGATE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return Row(line, None, ("含有无效字符（单个代理项 \\uD800–\\uDFFF）",
                                    "holds an invalid character (a lone surrogate \\uD800-\\uDFFF)"))
        except (ValueError, RecursionError):
            return Row(line, None, ("JSON嵌套过深", "the JSON is nested too deeply"))
    return Row(line, value)


def parse_block(block: Block, width: int) -> tuple[list[Row], int]:
    """(rows of a block, blank lines skipped); a row that cannot be read becomes a Row with its error."""
    if block.kind == "rows":
        return list(block.rows), 0
    rows: list[Row] = []
    blank = 0
    if block.kind == "jsonl":
        for line, text in enumerate(block.text.split("\n"), start=block.first_line):
            if not text.strip():
                blank += 1
                continue
            rows.append(_json_row(line, text))
    else:
        reader = csv.reader(io.StringIO(block.text, newline=""))
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                rows.append(Row(block.first_line - 1 + reader.line_num, None,
                                (f"无法读取该行：{error}", f"unreadable line: {error}")))
                continue
            line = block.first_line - 1 + reader.line_num
            if not any(cell.strip() for cell in cells):
                blank += 1
                continue
            if len(cells) != width:
                rows.append(Row(line, None, (f"该行有{len(cells)}个单元格，表头有{width}列",
                                             f"the row has {len(cells)} cells, the header {width}")))
                continue
            rows.append(Row(line, tuple(cells)))
    if block.broken:  # their lines were left blank in the text
        blank -= len(block.broken)
        rows.extend(Row(line, None, problem) for line, problem in block.broken)
        rows.sort(key=lambda row: row.line)
    return rows, blank


class RowReader:
    """A registry file: its header, its blocks of rows, and how much of it has been read (for time left)."""

    columns: list[str]
    encoding: str | None = None

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        """Blocks of about `size` records each, with the share of the file read once each was read."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Row]:
        for block, _ in self.blocks(200):
            yield from parse_block(block, len(self.columns))[0]

    def fraction(self) -> float | None:
        return None

    def close(self) -> None:
        pass


Line = tuple[int, str | None, Problem | None]  # (line number, text or None, why it could not be read)


class _Lines:
    """The physical lines of a binary file as text, counted, with lines pushed back to read again."""

    def __init__(self, stream: IO[bytes], encoding: str, skip: int) -> None:
        stream.seek(skip)
        self.stream = stream
        self.encoding = encoding
        self.read = skip
        self.number = 0
        self.pushed: list[Line] = []

    def next(self) -> Line | None:
        if self.pushed:
            return self.pushed.pop()
        raw = self.stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return None
        self.number += 1
        self.read += len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (more := self.stream.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                self.read += len(more)
            self.read += len(more)
            return self.number, None, (f"该行超过{MAX_LINE_BYTES // 1024 // 1024} MiB，未读取",
                                       f"the line is longer than {MAX_LINE_BYTES // 1024 // 1024} MiB; not read")
        try:
            return self.number, raw.decode(self.encoding), None
        except UnicodeDecodeError as error:
            return self.number, None, (f"第{error.start + 1}字节无法按 {self.encoding} 解码。{FIX_ZH}",
                                       f"byte {error.start + 1} cannot be decoded as {self.encoding}; {FIX_EN}")

    def push(self, lines: list[Line]) -> None:
        self.pushed.extend(reversed(lines))


_UNCLOSED: Problem = (f"引号未闭合：以引号开始的单元格在{MAX_QUOTED_LINES}行内没有结束，或结束后列数不符；"
                      "请检查该行的引号",
                      f"unclosed quote: a quoted cell that starts on this line does not end within "
                      f"{MAX_QUOTED_LINES} lines, or ends in a row of the wrong width; check its quotes")


class _TextReader(RowReader):
    kind = "jsonl"

    def __init__(self, path: Path, encoding: str | None) -> None:
        self.encoding, skip = detect_encoding(path, encoding)
        self.size = max(path.stat().st_size, 1)
        self.stream = path.open("rb")
        self.lines = _Lines(self.stream, self.encoding, skip)
        self.width: int | None = None

    def _one_row(self, text: str) -> bool:
        """Whether text that spans lines is one CSV record of the header's width."""
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return False
        return len(rows) == 1 and (self.width is None or len(rows[0]) == self.width)

    def _record(self) -> Line | None:
        """The next record (a CSV record may span lines inside quotes), or None at the end."""
        first = self.lines.next()
        if first is None or self.kind != "csv" or first[1] is None:
            return first
        line, text, _ = first
        quotes = text.count('"')  # type: ignore[union-attr]
        if quotes % 2 == 0:
            return first
        parts, taken = [text], []
        while quotes % 2 and len(taken) < MAX_QUOTED_LINES:
            more = self.lines.next()
            if more is None:
                break
            taken.append(more)
            if more[1] is None:
                break
            parts.append(more[1])
            quotes += more[1].count('"')
        joined = "".join(parts)  # type: ignore[arg-type]
        if quotes % 2 == 0 and self._one_row(joined):
            return line, joined, None
        self.lines.push(taken)  # read the following lines again, each on its own
        return line, None, _UNCLOSED

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        while True:
            parts: list[str] = []
            broken: list[tuple[int, Problem]] = []
            first = 0
            while len(parts) < size and (record := self._record()) is not None:
                line, text, problem = record
                first = first or line
                if text is None:
                    broken.append((line, problem))  # type: ignore[arg-type]
                    parts.append("\n")
                else:
                    parts.append(text if text.endswith("\n") else text + "\n")
            if not parts:
                return
            text = "".join(parts)
            yield (Block(self.kind, first, text[:-1] if self.kind == "jsonl" else text, broken=tuple(broken)),
                   self.fraction())

    def fraction(self) -> float | None:
        return min(self.lines.read / self.size, 1.0)

    def close(self) -> None:
        self.stream.close()


class CsvReader(_TextReader):
    """A CSV file with a header row of column names."""

    kind = "csv"

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        super().__init__(path, encoding)
        record = self._record()
        try:
            if record is not None and record[1] is None:
                raise csv.Error(record[2][1] if record[2] else "unreadable")  # type: ignore[index]
            header = record[1] if record else ""
            if "\r" in header.rstrip("\r\n"):  # "CSV (Macintosh)": lines end in CR alone
                raise csv.Error("lines end with CR only (old Mac format); save as 'CSV UTF-8'")
            self.columns = [name.strip() for name in next(csv.reader(io.StringIO(header, newline="")), [])]
        except csv.Error as error:
            self.close()
            raise BatchInputError(f"{path.name[:80]}: cannot read the header: {str(error)[:200]}",
                                  f"{path.name[:80]}：无法读取表头：{str(error)[:200]}") from error
        self.width = len(self.columns)


class JsonLinesReader(_TextReader):
    """One JSON object per line: flat (dotted keys) or nested like the API's profile, with `id` beside."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        super().__init__(path, encoding)
        self.columns = []  # no header: the profile model names unknown keys row by row


def open_reader(path: Path, encoding: str | None = None) -> RowReader:
    """A reader for a registry file, by suffix; BatchInputError if it cannot be opened.

    `encoding` (CSV, JSON Lines) overrides detection, e.g. "gb18030"."""
    kind = file_format(path)
    if not path.is_file():
        raise BatchInputError(f"{path}: no such file", f"{path}：文件不存在")
    if kind == "csv":
        return CsvReader(path, encoding)
    if kind == "jsonl":
        return JsonLinesReader(path, encoding)
    from .xlsx import XlsxReader

    return XlsxReader(path)


def rows_in_blocks(rows: Iterator[Row], size: int, fraction: "Any") -> Iterator[tuple[Block, float | None]]:
    """Parsed rows in blocks of `size` (XLSX), with the share read from `fraction()`."""
    while chunk := tuple(islice(rows, size)):
        yield Block.of_rows(chunk), fraction()


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every record of a registry or output file, as {column: cell} (a JSON Lines object as it is)."""
    reader = open_reader(path)
    try:
        for row in reader:
            if isinstance(row.cells, dict):
                yield row.cells
            elif row.cells is not None:
                yield dict(zip(reader.columns, row.cells, strict=True))
    finally:
        reader.close()
