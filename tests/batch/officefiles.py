"""Registry files as district offices save them, built as Excel and its users make them: a merged title
row and a blank row above the header, a 小计 row in the middle and a 合计 row at the end (numbers summed),
saved as XLSX (openpyxl), as "Unicode text" (UTF-16 LE, tab-separated, with or without BOM), as Excel's
Chinese-Windows CSV (GB18030); and the same with one damaged line (an invalid byte sequence, a NUL).

Every file holds the same 30 enterprises, Q01 … Q30, on the same lines: the title is row 1, the
header row 3, the 小计 row 19 and the 合计 row 35, so the results of every format are the same.
"""

import csv
import io
from pathlib import Path

import openpyxl

HEADER = ["编号", "企业名称", "统一社会信用代码", "企业规模", "是否有拟建或在建的投资建设项目", "项目投资主体",
          "项目类型", "是否属于低风险项目", "是否属于小型项目", "总建筑面积（平方米）", "企业是否在青羊区注册或经营",
          "项目建设地点在青羊区吗？", "注册地址"]
TITLE = "青羊区2026年第四季度企业名录（工业仓储项目）"
IDS = [f"Q{number:02d}" for number in range(1, 31)]
HEADER_LINE = 3
SUBTOTAL_LINE = 19  # after the first 15 enterprises (lines 4-18)
TOTAL_LINE = 35  # after the other 15 (lines 20-34)
SMALL_INDUSTRIAL = "joint-acceptance-small-industrial"  # every one of the 30 qualifies


def _enterprise(number: int) -> list[object]:
    return [IDS[number - 1], f"成都上{number}号仓储有限公司", "", "小型", "是", "企业投资", "仓库", "√", "是",
            800 + number, "是", "是", f"青羊区蜀辉路{number}号"]


def table() -> list[list[object]]:
    """The sheet as its rows: title, blank, header, 15 enterprises, 小计, 15 more, 合计 (areas summed)."""
    first = [_enterprise(number) for number in range(1, 16)]
    second = [_enterprise(number) for number in range(16, 31)]
    width = len(HEADER)

    def totals(label_at: int, label: str, rows: list[list[object]]) -> list[object]:
        row: list[object] = [None] * width
        row[label_at] = label
        row[9] = sum(int(r[9]) for r in rows)  # type: ignore[call-overload]
        return row

    return [[TITLE] + [None] * (width - 1), [None] * width, HEADER, *first,
            totals(1, "小计", first),  # in the name column, the id left blank
            *second, totals(0, "合计", first + second)]  # in the id column


def write_xlsx(path: Path) -> Path:
    """A workbook as an office formats one: the title merged across the columns, a blank row, the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in table():
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    book.save(path)
    return path


def delimited(delimiter: str) -> str:
    """The sheet as Excel saves it as text: every row as wide as the sheet, CRLF line ends."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if cell is None else cell for cell in row] for row in table()])
    return out.getvalue()


def write_unicode_text(path: Path, bom: bool = True) -> Path:
    """Excel's "Unicode text": UTF-16 LE (with a BOM as Excel writes it), tab-separated."""
    path.write_bytes((b"\xff\xfe" if bom else b"") + delimited("\t").encode("utf-16-le"))
    return path


def write_gb18030_csv(path: Path) -> Path:
    """Excel's "CSV (comma delimited)" on Chinese Windows: GB18030."""
    path.write_bytes(delimited(",").encode("gb18030"))
    return path


def damage(path: Path, ident: str, inserted: bytes, encoding: str) -> int:
    """Insert bytes into enterprise `ident`'s name, in place; the line damaged."""
    data = path.read_bytes()
    at = data.index(f"{ident}{',' if encoding != 'utf-16-le' else chr(9)}".encode(encoding))
    at += len(f"{ident},".encode(encoding)) + len("成都".encode(encoding))  # inside the name
    path.write_bytes(data[:at] + inserted + data[at:])
    return HEADER_LINE + (IDS.index(ident) + 1) + (1 if IDS.index(ident) >= 15 else 0)
