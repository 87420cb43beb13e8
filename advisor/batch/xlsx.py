"""Reading the first sheet of an XLSX workbook as a stream of rows, within the limits of limits.py.

The sheet's XML is parsed incrementally (ElementTree.iterparse, element by element, then
cleared), so memory does not grow with the rows. Before anything is parsed, every part's
unzipped size and compression ratio are checked, and the sheet's declared dimension: a 1 GiB
shared string or five million rows in a 1.6 MB file are refused at once with the limit named.

A cell is read from its saved value. A formula cell without a saved value (a file written by a
program rather than saved by Excel) is an error for that cell, never a blank; so is an Excel
error value (#DIV/0!, #N/A) or a cell over 32,767 characters.

python-calamine (Rust) reads about eight times faster than this parser and than openpyxl
(bench/batch.py measures all three), but it loads the whole sheet into memory and does not tell
a formula without a saved value from a blank. So it reads the sheet when it is installed, the
sheet holds no formula at all (one byte scan of the unzipped XML) and the sheet unzips to at
most XLSX_CALAMINE_MAX_BYTES; otherwise this streaming parser does.
"""

import re
import zipfile
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from .errors import BatchInputError
from .limits import (
    XLSX_CALAMINE_MAX_BYTES,
    XLSX_MAX_CELL_CHARS,
    XLSX_MAX_PART_BYTES,
    XLSX_MAX_RATIO,
    XLSX_MAX_ROWS,
    XLSX_MAX_STRINGS_BYTES,
    XLSX_RATIO_FLOOR,
)
from .rows import Block, HeaderTest, Row, RowReader, find_header, is_blank, rows_in_blocks
from .values import Unfit

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT = (f"{_NS}{tag}" for tag in ("row", "c", "v", "f", "is", "t"))
_RUN = f"{_NS}r"
_SHEET_DATA = f"{_NS}sheetData"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]{1,3}\d+:[A-Z]{1,3}(\d+)\"")


def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _refuse(path: Path, en: str, zh: str) -> BatchInputError:
    return BatchInputError(f"{path.name[:80]}: {en}", f"{path.name[:80]}：{zh}")


def _no_value() -> Unfit:
    return Unfit("公式单元格没有保存的计算结果：请在 Excel 中打开并保存，或复制后“粘贴为数值”",
                 "a formula cell without a saved value: open and save the file in Excel, or paste as values")


def _text(element: Any) -> str:
    """The text of a shared or inline string: its runs, without phonetic guides (rPh)."""
    parts = []
    for child in element:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.extend(node.text or "" for node in child.findall(_TEXT))
    return "".join(parts)


class XlsxReader(RowReader):
    """The first sheet of a workbook, rows streamed (calamine=False: never calamine). The header is the
    first row that names a known field (`names_field`: see rows.find_header), so a merged title and
    blank rows above it are passed over; without `names_field`, the first row with content."""

    def __init__(self, path: Path, calamine: bool = True, names_field: HeaderTest | None = None) -> None:
        self.path = path
        self.stream: Any = None
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise _refuse(path, f"not a readable XLSX workbook: {str(error)[:200]}",
                          f"不是可读取的XLSX工作簿：{str(error)[:200]}") from error
        try:
            self.sheet_name = self._first_sheet()
            self._check_parts()
            self.total = self._declared_rows()
            fast = calamine and self._calamine_fits()
            self.strings = [] if fast else self._shared_strings()
            rows = self._calamine_rows() if fast else self._sheet_rows()
            first, above, past = find_header(rows, lambda row: row.cells, names_field)
            self.rows = chain(past, rows)
        except (KeyError, ParseError, zipfile.BadZipFile, ValueError, EOFError) as error:
            self.close()
            if isinstance(error, BatchInputError):
                raise
            raise _refuse(path, f"not a readable XLSX workbook: {str(error)[:200]}",
                          f"不是可读取的XLSX工作簿：{str(error)[:200]}") from error
        header = first.cells if first is not None and first.cells is not None else ()
        self.columns = ["" if cell is None or isinstance(cell, Unfit) else str(cell).strip() for cell in header]
        while self.columns and not self.columns[-1]:
            self.columns.pop()
        self.line = first.line if first is not None else 1
        self.header_line = first.line if first is not None else None
        self.title_lines = tuple(row.line for row in above if row.cells and not is_blank(row.cells))

    def _first_sheet(self) -> str:
        """The zip path of the workbook's first sheet (by workbook.xml and its relationships)."""
        names = set(self.zip.namelist())
        try:
            with self.zip.open("xl/_rels/workbook.xml.rels") as stream:
                rels = {rel.get("Id"): rel.get("Target", "") for _, rel in iterparse(stream)
                        if rel.tag == f"{_PKG_REL}Relationship"}
            with self.zip.open("xl/workbook.xml") as stream:
                sheets = [sheet for _, sheet in iterparse(stream) if sheet.tag == f"{_NS}sheet"]
            if sheets:
                target = rels.get(sheets[0].get(f"{_REL_NS}id"), "").lstrip("/")
                target = target if target.startswith("xl/") else f"xl/{target}"
                if target in names:
                    return target
        except KeyError:
            pass
        if "xl/worksheets/sheet1.xml" in names:
            return "xl/worksheets/sheet1.xml"
        raise _refuse(self.path, "the workbook has no worksheet", "工作簿中没有工作表")

    def _check_parts(self) -> None:
        for info in self.zip.infolist():
            limit = XLSX_MAX_STRINGS_BYTES if info.filename == "xl/sharedStrings.xml" else XLSX_MAX_PART_BYTES
            if info.file_size > limit:
                raise _refuse(self.path, f"{info.filename} unzips to {info.file_size:,} bytes, over the limit of "
                                         f"{limit:,} (limits.py)",
                              f"{info.filename} 解压后为{info.file_size:,}字节，超过上限{limit:,}字节")
            if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(self.path, f"{info.filename} is compressed more than {XLSX_MAX_RATIO}:1 "
                                         "(a zip bomb?); save the sheet again in Excel",
                              f"{info.filename} 压缩比超过{XLSX_MAX_RATIO}:1（疑似压缩炸弹），请在 Excel 中重新保存")

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings: list[str] = []
        with self.zip.open("xl/sharedStrings.xml") as stream:
            for _, element in iterparse(stream):
                if element.tag == f"{_NS}si":
                    strings.append(_text(element))
                    element.clear()
        return strings

    def _declared_rows(self) -> int:
        """The last row the sheet's <dimension> declares (0 if none); over XLSX_MAX_ROWS refuses the file."""
        with self.zip.open(self.sheet_name) as stream:
            head = stream.read(4096)
        match = _DIMENSION.search(head)
        rows = int(match.group(1)) if match else 0
        if rows > XLSX_MAX_ROWS:
            raise _refuse(self.path, f"the sheet declares {rows:,} rows; at most {XLSX_MAX_ROWS:,} are read",
                          f"工作表声明有{rows:,}行，最多可读取{XLSX_MAX_ROWS:,}行")
        return rows

    def _calamine_fits(self) -> bool:
        """Whether python-calamine may read this sheet: installed, small enough, and no formula in it."""
        if self.zip.getinfo(self.sheet_name).file_size > XLSX_CALAMINE_MAX_BYTES:
            return False
        try:
            import python_calamine  # noqa: F401
        except ImportError:
            return False
        tail = b""
        with self.zip.open(self.sheet_name) as stream:
            while chunk := stream.read(1 << 20):
                if _FORMULA_TAG.search(tail + chunk):
                    return False
                tail = chunk[-16:]
        return True

    def _calamine_rows(self) -> Iterator[Row]:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(self.path))
        try:
            sheet = workbook.get_sheet_by_index(0)
            first = (sheet.start or (0, 0))[0] + 1
            for offset, values in enumerate(sheet.iter_rows()):
                if first + offset > XLSX_MAX_ROWS:
                    raise _refuse(self.path, f"the sheet has more than {XLSX_MAX_ROWS:,} rows",
                                  f"工作表超过{XLSX_MAX_ROWS:,}行")
                cells = tuple(self._calamine_cell(value) for value in values)
                while cells and cells[-1] is None:
                    cells = cells[:-1]
                if cells:
                    yield Row(first + offset, cells)
        finally:
            workbook.close()

    @staticmethod
    def _calamine_cell(value: Any) -> Any:
        if value == "" or value is None:
            return None
        if value.__class__ is float and value.is_integer() and abs(value) < 1e15:
            return int(value)  # calamine gives every number as a float
        if value.__class__ in (str, int, float, bool):
            if value.__class__ is str and len(value) > XLSX_MAX_CELL_CHARS:
                return Unfit(f"单元格超过{XLSX_MAX_CELL_CHARS:,}个字符",
                             f"the cell is over {XLSX_MAX_CELL_CHARS:,} characters")
            return value
        return str(value)  # dates and times as text

    def _cell(self, cell: Any) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            node = cell.find(_INLINE)
            value: Any = _text(node) if node is not None else ""
        else:
            node = cell.find(_VALUE)
            if node is None or node.text is None:
                return _no_value() if cell.find(_FORMULA) is not None else None
            text = node.text
            if kind == "s":
                value = self.strings[int(text)]
            elif kind == "b":
                return text == "1"
            elif kind == "e":
                return Unfit(f"单元格为 Excel 错误值 {text[:20]}", f"the cell holds the Excel error {text[:20]}")
            elif kind in ("str", "d"):
                value = text
            else:
                try:
                    return int(text) if text.lstrip("-").isdigit() and len(text) < 20 else float(text)
                except ValueError:
                    return Unfit("数值单元格无法读取", "a number cell that cannot be read")
        if len(value) > XLSX_MAX_CELL_CHARS:
            return Unfit(f"单元格超过{XLSX_MAX_CELL_CHARS:,}个字符",
                         f"the cell is over {XLSX_MAX_CELL_CHARS:,} characters")
        return value

    def _sheet_rows(self) -> Iterator[Row]:
        number = 0
        rows: Any = None
        self.stream = self.zip.open(self.sheet_name)
        for event, element in iterparse(self.stream, events=("start", "end")):
            if event == "start":
                if element.tag == _SHEET_DATA:
                    rows = element
                continue
            if element.tag != _ROW:
                continue
            number = int(element.get("r") or number + 1)
            if number > XLSX_MAX_ROWS:
                raise _refuse(self.path, f"the sheet has more than {XLSX_MAX_ROWS:,} rows",
                              f"工作表超过{XLSX_MAX_ROWS:,}行")
            cells: dict[int, Any] = {}
            position = 0
            for cell in element.iter(_CELL):
                ref = _REF.match(cell.get("r") or "")
                position = _column(ref.group(1)) if ref else position
                value = self._cell(cell)
                if value is not None and value != "":
                    cells[position] = value
                position += 1
            if rows is not None:
                rows.clear()  # the rows read so far: memory stays flat
            if cells:
                width = max(cells) + 1
                yield Row(number, tuple(cells.get(index) for index in range(width)))

    def _data_rows(self) -> Iterator[Row]:
        width = len(self.columns)
        for row in self.rows:
            self.line = row.line
            cells = row.cells or ()
            if any(isinstance(cell, str) and not cell.strip() for cell in cells):
                cells = tuple(None if isinstance(cell, str) and not cell.strip() else cell for cell in cells)
            if all(cell is None for cell in cells):
                continue
            if len(cells) > width:
                extra = [cell for cell in cells[width:] if cell is not None]
                if extra:
                    yield Row(row.line, None, (f"该行在表头之外还有{len(extra)}个非空单元格",
                                               f"the row has {len(extra)} cells beyond the header's columns"))
                    continue
            yield Row(row.line, tuple(cells[:width]) + (None,) * (width - len(cells)))

    def blocks(self, size: int) -> Iterator[tuple[Block, float | None]]:
        return rows_in_blocks(self._data_rows(), size, self.fraction)

    def fraction(self) -> float | None:
        return min(self.line / self.total, 1.0) if self.total > 1 else None

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.zip.close()
