"""The rows of a registry file as every reader gives them and every engine screens them.

A `Row` is one line of the file (the line number a user sees in an editor or spreadsheet) with
its cells, or why it could not be read. A `Block` is a chunk of rows as a worker receives it:
delimited text (parsed in the worker), JSON Lines text, or rows already parsed (XLSX, a
DataFrame partition). A `RowReader` is an open registry file: its header, where the header was
found (`find_header`: offices put a title and a blank row above it), and its blocks.

The readers (formats.py for text, xlsx.py for workbooks) and the screener (screen.py) share
these types; none of them imports another reader.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from .limits import HEADER_SEARCH_ROWS

Problem = tuple[str, str]  # (zh, en)
# Whether a row's cells name a known field (columns.ColumnMap.names_a_field): the header row's test.
HeaderTest = Callable[[Sequence[Any]], bool]
_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
_Item = TypeVar("_Item")


@dataclass(frozen=True, slots=True)
class Row:
    """One registry row: its cells, or why it could not be read as (zh, en) (the run goes on).

    Cells are a tuple aligned with the reader's header (CSV, XLSX: cheap to send to a worker)
    or a mapping (a JSON Lines object).
    """

    line: int
    cells: dict[str, Any] | tuple[Any, ...] | None
    error: Problem | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A chunk of a registry file as a worker receives it.

    Delimited text ("csv", with its `delimiter`: a comma or Excel's tab) and JSON Lines travel as
    raw text (the reading process only finds record boundaries, so parsing happens in the
    workers), with the lines that could not be read (`broken`, left blank in the text so line
    numbers hold); XLSX rows travel parsed. `Block.of_rows` makes a block from rows already in
    hand (a DataFrame partition, a test).
    """

    kind: str  # "csv", "jsonl" or "rows"
    first_line: int
    text: str = ""
    rows: tuple[Row, ...] = ()
    broken: tuple[tuple[int, Problem], ...] = ()
    delimiter: str = ","

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
        reader = csv.reader(io.StringIO(block.text, newline=""), delimiter=block.delimiter)
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


def is_blank(cells: Sequence[Any]) -> bool:
    """Whether a row has no cell with content (None, empty or spaces only)."""
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def find_header(items: Iterator[_Item], cells_of: Callable[[_Item], Sequence[Any] | None],
                names_field: HeaderTest | None) -> tuple[_Item | None, list[_Item], list[_Item]]:
    """(the header, the items above it, the items read past it) of a registry's first rows.

    The header is the first of the first HEADER_SEARCH_ROWS non-blank rows whose cells name a
    known field (`names_field`), so a title (a merged cell) and blank rows above it are passed
    over; when none does (or without `names_field`), the first non-blank row. `cells_of` gives an
    item's cells, None for a line that could not be read (never the header unless nothing else is).
    The items read past the header are to be read again as data.
    """
    read: list[_Item] = []
    found = None
    candidates = 0
    for item in items:
        read.append(item)
        cells = cells_of(item)
        if cells is not None and is_blank(cells):
            continue
        if cells is not None and (names_field is None or names_field(cells)):
            found = len(read) - 1
            break
        candidates += 1
        if candidates == HEADER_SEARCH_ROWS:
            break
    if found is None:  # no row names a field: the first row with content is the header, as it always was
        found = next((index for index, item in enumerate(read)
                      if (cells := cells_of(item)) is None or not is_blank(cells)), None)
    if found is None:
        return None, read, []
    return read[found], read[:found], read[found + 1:]


class RowReader:
    """A registry file: its header, its blocks of rows, and how much of it has been read (for time left).

    `header_line` is the line (row) the header was found on; `title_lines` the lines with content
    above it (a title, a note), which are not screened."""

    columns: list[str]
    encoding: str | None = None
    header_line: int | None = None
    title_lines: tuple[int, ...] = ()

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


def rows_in_blocks(rows: Iterator[Row], size: int, fraction: Callable[[], float | None]
                   ) -> Iterator[tuple[Block, float | None]]:
    """Parsed rows in blocks of `size` (XLSX), with the share read from `fraction()`."""
    while chunk := tuple(islice(rows, size)):
        yield Block.of_rows(chunk), fraction()
