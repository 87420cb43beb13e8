"""Output files people open in Excel: UTF-8 with BOM, guarded cells, nothing half-written.

- CSV is written UTF-8 with a BOM (Excel on Chinese Windows then reads it as UTF-8, not GB18030);
  `bom=False` for programs. JSON Lines is plain UTF-8.
- Every text cell passes `guard`: a cell starting with = + - @ (or a tab / carriage return) is a
  formula to a spreadsheet, so it gets a leading apostrophe (CSV injection; the staff export uses
  the same function). Text files are written with errors="replace": a lone surrogate (which the
  readers already refuse row by row) could not break a file either.
- `OutputSet` writes every table of a run to temporary files beside their targets and renames
  them only when the run completes (`commit`); `discard` (Ctrl-C, a crash) removes them, so no
  half file ever stands under an output name. An `.xlsx` output holds every table as a sheet of
  one workbook.
"""

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from .formats import file_format

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """A text cell made safe for a spreadsheet: a formula is quoted with '."""
    return "'" + text if text[:1] in _FORMULA_START else text


def safe_cell(value: Any) -> str:
    """Any value as a guarded spreadsheet cell (None: blank)."""
    return "" if value is None else guard(str(value))


def _cell(value: Any) -> Any:
    """A typed cell for CSV or XLSX: lists joined by spaces, text guarded, numbers and booleans kept."""
    if value is None:
        return None
    if value.__class__ is str:
        return guard(value) if value else None
    if isinstance(value, list | tuple):
        return guard(" ".join(str(item) for item in value)) if value else None
    if isinstance(value, bool | int | float):
        return value
    return guard(str(value))


def csv_text(rows: list[list[Any]]) -> str:
    """Rows as CSV text (cells guarded), as a worker renders them for the writer."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in map(_cell, row)])
    return out.getvalue()


def jsonl_text(header: list[str], rows: list[list[Any]]) -> str:
    """Rows as JSON Lines objects keyed by the header (lists stay lists); invalid characters replaced."""
    return "".join(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
                   .encode("utf-8", "replace").decode("utf-8") + "\n" for row in rows)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")


class _Table:
    """One table being written: to a CSV or JSON Lines file, or a sheet of a workbook."""

    def __init__(self, header: list[str], kind: str, stream: Any = None, sheet: Any = None) -> None:
        self.header, self.kind, self.stream, self.sheet = header, kind, stream, sheet
        self.rows = 0
        if kind == "csv":
            stream.write(csv_text([header]))  # type: ignore[arg-type]
        elif kind == "xlsx":
            sheet.append([_cell(name) for name in header])

    def write(self, rendered: "str | list[list[Any]]", count: int | None = None) -> None:
        """Rows as lists, or text a worker already rendered for this table's kind."""
        if isinstance(rendered, str):
            self.stream.write(rendered)
            self.rows += count or 0
            return
        self.rows += len(rendered)
        if self.kind == "xlsx":
            for row in rendered:
                self.sheet.append([_cell(cell) for cell in row])
        elif self.kind == "csv":
            self.stream.write(csv_text(rendered))
        else:
            self.stream.write(jsonl_text(self.header, rendered))


class OutputSet:
    """The output tables of one run, committed together by renaming, or discarded."""

    def __init__(self, bom: bool = True) -> None:
        self.bom = bom
        self.tables: dict[str, _Table] = {}
        self.pending: dict[Path, Path] = {}  # temporary file -> final name
        self.books: dict[Path, Any] = {}  # final workbook path -> workbook

    def add(self, name: str, path: Path, header: list[str], sheet_title: str = "") -> None:
        """A table `name` written to `path` (a sheet `sheet_title` when path is .xlsx)."""
        kind = file_format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            book = self.books.get(path)
            if book is None:
                import openpyxl

                book = self.books[path] = openpyxl.Workbook(write_only=True)
                self.pending[_temporary(path)] = path
            self.tables[name] = _Table(header, kind, sheet=book.create_sheet(sheet_title[:31] or name))
            return
        temporary = _temporary(path)
        self.pending[temporary] = path
        stream = temporary.open("w", encoding="utf-8-sig" if kind == "csv" and self.bom else "utf-8",
                                newline="", errors="replace")
        self.tables[name] = _Table(header, kind, stream=stream)

    def kind(self, name: str) -> str:
        return self.tables[name].kind

    def write(self, name: str, rendered: "str | list[list[Any]]", count: int | None = None) -> None:
        self.tables[name].write(rendered, count)

    def _close(self) -> None:
        for table in self.tables.values():
            if table.stream is not None and not table.stream.closed:
                table.stream.close()

    def commit(self) -> None:
        """Finish every file and move each to its name."""
        self._close()
        for final, book in self.books.items():
            book.save(_temporary(final))
        for temporary, final in self.pending.items():
            os.replace(temporary, final)
        self.pending.clear()

    def discard(self) -> None:
        """Remove every temporary file: nothing is left under an output name."""
        self._close()
        for temporary in self.pending:
            temporary.unlink(missing_ok=True)
        self.pending.clear()
