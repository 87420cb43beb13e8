"""Streaming readers for registry files: delimited text (CSV, Excel's tab-separated "Unicode text"),
JSON Lines and XLSX, chosen by suffix.

Readers yield Blocks of rows (rows.py) with the line number a user sees in an editor or
spreadsheet. The header is the first row that names a known field (rows.find_header): a title
and blank rows above it, as offices lay out a sheet, are passed over and reported
(`header_line`, `title_lines`). Every line below the header is accounted for: screened, failed
with its line number, skipped as blank, or skipped as a totals row (screen.py). Neither reader
holds the file in memory.

Delimited text is read line-aware: a quoted cell may span lines (Excel writes Alt+Enter breaks
so), but a quote that does not close within MAX_QUOTED_LINES lines, or that closes into a row of
the wrong width, fails its own line only, and reading goes on with the next line. The delimiter
is the header line's: a tab when it has more tabs than commas, else a comma. The text encoding
is found once for the whole file (encoding.py: UTF-8, GB18030, UTF-16); a line that is too long,
does not decode or holds a NUL character fails alone.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .encoding import TextEncoding, detect_encoding, undecodable
from .errors import BatchInputError
from .limits import MAX_LINE_BYTES, MAX_QUOTED_LINES
from .rows import Block, HeaderTest, Problem, RowReader, find_header, is_blank
from .xlsx import XlsxReader

SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".xlsx")  # registries read
OUTPUT_SUFFIXES = (".csv", ".jsonl", ".xlsx")  # files written
_KINDS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}


def _unsupported(path: Path, suffixes: tuple[str, ...]) -> BatchInputError:
    shown = path.suffix.lower()[:20] or "(none)"
    return BatchInputError(f"{path.name[:80]}: unsupported file type {shown!r}; use {', '.join(suffixes)}",
                           f"{path.name[:80]}：不支持的文件类型 {shown}，请使用 {'、'.join(suffixes)}")


def input_format(path: Path) -> str:
    """How a registry file is read, from its suffix: 'csv' (.csv, .tsv, .txt: delimited text),
    'jsonl' or 'xlsx'; BatchInputError for anything else."""
    kind = _KINDS.get(path.suffix.lower())
    if kind is None:
        raise _unsupported(path, SUFFIXES)
    return kind


def file_format(path: Path) -> str:
    """'csv', 'jsonl' or 'xlsx': the format of an output file, from its suffix; BatchInputError otherwise."""
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        suffix = ".jsonl"
    if suffix not in OUTPUT_SUFFIXES:
        raise _unsupported(path, OUTPUT_SUFFIXES)
    return suffix[1:]


Line = tuple[int, str | None, Problem | None]  # (line number, text or None, why it could not be read)


class _Utf16Lines:
    """A UTF-16 byte stream split into lines like IO.readline: at a two-byte line break on a
    character boundary (a byte 0x0A inside a character, as in 上 U+4E0A, is not one)."""

    def __init__(self, stream: IO[bytes], newline: bytes) -> None:
        self.stream = stream
        self.newline = newline
        self.buffer = bytearray()

    def readline(self, limit: int) -> bytes:
        start = 0
        while True:
            at = self.buffer.find(self.newline, start)
            while at % 2 and at != -1:
                at = self.buffer.find(self.newline, at + 1)
            end = at + 2 if at != -1 else -1
            if end == -1 and len(self.buffer) >= limit:
                end = limit
            if end != -1:
                end = min(end, limit)
                line = bytes(self.buffer[:end])
                del self.buffer[:end]
                return line
            start = max(len(self.buffer) - 1, 0) & ~1  # a break may straddle the chunks
            chunk = self.stream.read(1 << 16)
            if not chunk:
                line = bytes(self.buffer)
                self.buffer.clear()
                return line
            self.buffer += chunk


class _Lines:
    """The physical lines of a binary file as text, counted, with lines pushed back to read again."""

    def __init__(self, stream: IO[bytes], encoding: TextEncoding) -> None:
        stream.seek(encoding.skip)
        self.newline = encoding.newline
        self.source: Any = stream if len(self.newline) == 1 else _Utf16Lines(stream, self.newline)
        self.codec = encoding.codec
        self.read = encoding.skip
        self.number = 0
        self.pushed: list[Line] = []

    def next(self) -> Line | None:
        if self.pushed:
            return self.pushed.pop()
        raw = self.source.readline(MAX_LINE_BYTES + len(self.newline))
        if not raw:
            return None
        self.number += 1
        self.read += len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(self.newline):
            while (more := self.source.readline(MAX_LINE_BYTES)) and not more.endswith(self.newline):
                self.read += len(more)
            self.read += len(more)
            return self.number, None, (f"该行超过{MAX_LINE_BYTES // 1024 // 1024} MiB，未读取",
                                       f"the line is longer than {MAX_LINE_BYTES // 1024 // 1024} MiB; not read")
        try:
            text = raw.decode(self.codec)
        except UnicodeDecodeError as error:
            return self.number, None, undecodable(error, self.codec)
        if "\x00" in text:
            at = text.index("\x00") + 1
            return self.number, None, (f"第{at}个字符为空字符（NUL，0x00），该行未读取：文件可能已损坏，请删去该字符",
                                       f"character {at} is a NUL (0x00), so the line was not read: "
                                       "the file may be damaged; remove the character")
        return self.number, text, None

    def push(self, lines: list[Line]) -> None:
        self.pushed.extend(reversed(lines))


_UNCLOSED: Problem = (f"引号未闭合：以引号开始的单元格在{MAX_QUOTED_LINES}行内没有结束，或结束后列数不符；"
                      "请检查该行的引号",
                      f"unclosed quote: a quoted cell that starts on this line does not end within "
                      f"{MAX_QUOTED_LINES} lines, or ends in a row of the wrong width; check its quotes")


def _delimiter(text: str) -> str:
    """Excel's "Unicode text" and "Text (tab delimited)" separate cells with tabs; CSV with commas."""
    return "\t" if text.count("\t") > text.count(",") else ","


class _TextReader(RowReader):
    kind = "jsonl"

    def __init__(self, path: Path, encoding: str | None) -> None:
        found = detect_encoding(path, encoding)
        self.encoding = found.codec
        self.size = max(path.stat().st_size, 1)
        self.stream = path.open("rb")
        self.lines = _Lines(self.stream, found)
        self.width: int | None = None
        self.delimiter: str | None = None

    def _cells(self, text: str) -> list[str]:
        """The cells of one record, with the file's delimiter (the line's own before the header is known)."""
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter or _delimiter(text)), [])

    def _one_row(self, text: str) -> bool:
        """Whether text that spans lines is one CSV record of the header's width."""
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter or _delimiter(text)))
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
            yield (Block(self.kind, first, text[:-1] if self.kind == "jsonl" else text, broken=tuple(broken),
                         delimiter=self.delimiter or ","), self.fraction())

    def fraction(self) -> float | None:
        return min(self.lines.read / self.size, 1.0)

    def close(self) -> None:
        self.stream.close()


class CsvReader(_TextReader):
    """Delimited text (CSV, or tab-separated as Excel saves "Unicode text") with a header row of column
    names, found below any title (`names_field`: see rows.find_header)."""

    kind = "csv"

    def __init__(self, path: Path, encoding: str | None = None, names_field: HeaderTest | None = None) -> None:
        super().__init__(path, encoding)

        def cells_of(record: Line) -> list[str] | None:
            if record[1] is None:
                return None
            try:
                return self._cells(record[1])
            except csv.Error:
                return None

        try:
            record, above, past = find_header(iter(self._record, None), cells_of, names_field)
            self.lines.push(past)  # rows below the header, read while looking for it
            if record is not None and record[1] is None:
                raise csv.Error(record[2][1] if record[2] else "unreadable")
            header = record[1] if record else ""
            if "\r" in header.rstrip("\r\n"):  # "CSV (Macintosh)": lines end in CR alone
                raise csv.Error("lines end with CR only (old Mac format); save as 'CSV UTF-8'")
            self.delimiter = _delimiter(header)
            self.columns = [name.strip() for name in self._cells(header)]
        except csv.Error as error:
            self.close()
            raise BatchInputError(f"{path.name[:80]}: cannot read the header: {str(error)[:200]}",
                                  f"{path.name[:80]}：无法读取表头：{str(error)[:200]}") from error
        self.width = len(self.columns)
        self.header_line = record[0] if record else None
        self.title_lines = tuple(line[0] for line in above if (cells := cells_of(line)) is None or not is_blank(cells))


class JsonLinesReader(_TextReader):
    """One JSON object per line: flat (dotted keys) or nested like the API's profile, with `id` beside."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        super().__init__(path, encoding)
        self.columns = []  # no header: the profile model names unknown keys row by row


def open_reader(path: Path, encoding: str | None = None, names_field: HeaderTest | None = None) -> RowReader:
    """A reader for a registry file, by suffix; BatchInputError if it cannot be opened.

    `encoding` (delimited text, JSON Lines) overrides detection, e.g. "gb18030". `names_field`
    (columns.ColumnMap.names_a_field) finds the header below a title; without it the first row
    with content is the header (an output file)."""
    kind = input_format(path)
    if not path.is_file():
        raise BatchInputError(f"{path}: no such file", f"{path}：文件不存在")
    if kind == "csv":
        return CsvReader(path, encoding, names_field)
    if kind == "jsonl":
        return JsonLinesReader(path, encoding)
    return XlsxReader(path, names_field=names_field)


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
