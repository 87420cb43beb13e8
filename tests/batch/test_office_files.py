"""`advisor batch` on registry files as offices save them (officefiles.py): a merged title and a blank
row above the header, totals rows, Excel's "Unicode text" (UTF-16, tabs), GB18030 CSV; a damaged line
costs its own row. Each file screens exactly its 30 enterprises."""

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.batch import run_batch
from advisor.batch.columns import ColumnMap, totals_label
from advisor.batch.formats import open_reader, read_records
from advisor.cli import main
from advisor.rulebase import RuleBase

from . import officefiles
from .officefiles import HEADER_LINE, IDS, SMALL_INDUSTRIAL, SUBTOTAL_LINE, TOTAL_LINE

WRITERS: dict[str, Callable[[Path], Path]] = {
    "title.xlsx": officefiles.write_xlsx,
    "unicode.txt": officefiles.write_unicode_text,
    "unicode-without-bom.txt": lambda path: officefiles.write_unicode_text(path, bom=False),
    "excel.csv": officefiles.write_gb18030_csv,
}
ENCODINGS = {"title.xlsx": None, "unicode.txt": "utf-16-le", "unicode-without-bom.txt": "utf-16-le",
             "excel.csv": "gb18030"}


def _expected_lines() -> list[int]:
    return [HEADER_LINE + 1 + index + (1 if index >= 15 else 0) for index in range(30)]


@pytest.mark.parametrize("name", list(WRITERS))
def test_an_office_file_screens_exactly_its_enterprises(name: str, tmp_path: Path, rulebase: RuleBase,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = WRITERS[name](tmp_path / name)
    out = tmp_path / "out.csv"
    code = main(["batch", str(source), "--out", str(out), "--workers", "0", "--quiet"])
    err = capsys.readouterr().err
    assert code == 0, err
    results = list(read_records(out))
    assert [row["编号"] for row in results] == IDS  # 30 enterprises: not the title, not 小计 or 合计
    assert [int(row["行号"]) for row in results] == _expected_lines()
    assert [row["企业名称"] for row in results] == [f"成都上{number}号仓储有限公司" for number in range(1, 31)]
    assert all(SMALL_INDUSTRIAL in row["可享受政策编号"].split() for row in results)  # every cell read right
    assert list(read_records(tmp_path / "out.errors.csv")) == []
    counts = {row["政策编号"]: int(row["可享受企业数"]) for row in read_records(tmp_path / "out.summary.csv")}
    assert counts[SMALL_INDUSTRIAL] == 30 and max(counts.values()) <= 30
    # the terminal says which row the header was read from, and which rows were skipped
    assert "表头：第3行（其上第1行为标题，未筛查）" in err
    assert f"跳过合计行2行（不是企业，未筛查）：第{SUBTOTAL_LINE}行（小计），第{TOTAL_LINE}行（合计）" in err
    assert "共30行：完成30行，失败0行" in err
    assert f"编码 {ENCODINGS[name] or 'xlsx'}" in err


def test_every_format_gives_the_same_results(tmp_path: Path) -> None:
    outputs = []
    for name, write in WRITERS.items():
        summary = run_batch(write(tmp_path / name), tmp_path / f"{name}.csv", workers=0, lang="en")
        assert (summary.rows, summary.screened, summary.failed) == (30, 30, 0)
        assert (summary.header_line, summary.title_lines) == (HEADER_LINE, (1,))
        assert summary.skipped == [(SUBTOTAL_LINE, "小计"), (TOTAL_LINE, "合计")]
        assert summary.encoding == ENCODINGS[name]
        reading = summary.as_dict()
        assert (reading["header_line"], reading["skipped_total"]) == (3, 2)
        assert reading["skipped"] == [{"line": SUBTOTAL_LINE, "label": "小计"}, {"line": TOTAL_LINE, "label": "合计"}]
        outputs.append((tmp_path / f"{name}.csv").read_bytes())
    assert outputs.count(outputs[0]) == len(outputs)


def test_the_english_report_names_the_header_row_and_the_skipped_rows(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = officefiles.write_xlsx(tmp_path / "title.xlsx")
    assert main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--workers", "0", "--quiet",
                 "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "header: row 3 (row 1 above it: a title, not screened)" in err
    assert f"2 totals row(s) skipped (not enterprises, not screened): line {SUBTOTAL_LINE} (小计), " \
           f"line {TOTAL_LINE} (合计)" in err
    assert "30 rows: 30 screened, 0 failed" in err


DAMAGES = {  # file, bytes put inside one enterprise's name, what its error says
    "utf-8 invalid byte": ("utf-8", b"\xff", "cannot be decoded as utf-8"),
    "gb18030 invalid byte": ("gb18030", b"\xff", "cannot be decoded as gb18030"),
    "utf-16 lone surrogate": ("utf-16-le", "\ud800".encode("utf-16-le", "surrogatepass"),
                              "cannot be decoded as utf-16-le"),
    "utf-8 NUL": ("utf-8", b"\x00", "is a NUL (0x00)"),
    "utf-16 NUL": ("utf-16-le", b"\x00\x00", "is a NUL (0x00)"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_line_costs_its_row_not_the_file(damage: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    encoding, inserted, message = DAMAGES[damage]
    source = tmp_path / ("registry.txt" if encoding == "utf-16-le" else "registry.csv")
    text = officefiles.delimited("\t" if encoding == "utf-16-le" else ",")
    source.write_bytes((b"\xff\xfe" if encoding == "utf-16-le" else b"") + text.encode(encoding))
    line = officefiles.damage(source, "Q17", inserted, encoding)
    out = tmp_path / "out.csv"
    code = main(["batch", str(source), "--out", str(out), "--workers", "0", "--quiet", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1, err  # a row failed; the other 29 are screened
    assert [row["id"] for row in read_records(out)] == [ident for ident in IDS if ident != "Q17"]
    [error] = read_records(tmp_path / "out.errors.csv")
    assert (int(error["line"]), error["field"]) == (line, "(row)")
    assert message in error["message"]
    assert f"encoding {encoding}" in err and "30 rows: 29 screened, 1 failed" in err


def test_a_wrong_encoding_is_refused_naming_the_one_suspected(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    source = officefiles.write_gb18030_csv(tmp_path / "excel.csv")
    code = main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--encoding", "utf-8", "--quiet",
                 "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert "not valid utf-8" in err and "it looks like gb18030: pass --encoding gb18030" in err
    assert "gb18030" not in err.split("it looks like")[0]  # the hint names what it suspects, nothing else


def test_forcing_utf16_finds_the_byte_order(tmp_path: Path) -> None:
    """Forcing UTF-16 on "Unicode text" works, named either way (utf-16 finds the byte order)."""
    source = officefiles.write_unicode_text(tmp_path / "unicode.txt", bom=False)
    for forced in ("utf-16", "utf-16-le"):
        summary = run_batch(source, tmp_path / "out.csv", workers=0, encoding=forced)
        assert (summary.screened, summary.encoding) == (30, "utf-16-le")


def test_excel_csv_of_a_merged_title_has_its_header_found(tmp_path: Path, rulebase: RuleBase) -> None:
    source = officefiles.write_gb18030_csv(tmp_path / "excel.csv")
    columns = ColumnMap(rulebase.questions)
    reader = open_reader(source, names_field=columns.names_a_field)
    try:
        assert (reader.header_line, reader.title_lines, reader.columns) == (3, (1,), officefiles.HEADER)
    finally:
        reader.close()
    reader = open_reader(source)  # without the field test (an output file): the first row with content
    try:
        assert reader.header_line == 1 and reader.columns[0] == officefiles.TITLE
    finally:
        reader.close()


def test_a_file_whose_rows_name_no_field_keeps_its_first_row_as_header(tmp_path: Path) -> None:
    source = tmp_path / "registry.csv"
    source.write_text("名录\n企业名称,地址\n甲公司,光华大道\n", encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, lang="en")
    assert summary.header_line == 1 and summary.failed == 2  # each row is wider than the header, and says so
    assert [row["message"] for row in read_records(summary.errors)] == ["the row has 2 cells, the header 1"] * 2


@pytest.mark.parametrize(("cells", "label_at", "label"), [
    (("合计", None, 36000), (0,), "合计"),
    ((None, "小计", 12000), (0, 1), "小计"),
    (("31", "合 计", 36000), (0, 1), "合 计"),  # a row number first: the label in the name column
    (("", "总计（30家）", 36000), (1,), "总计（30家）"),
    (("合计：", 36000), (), "合计："),
    (("Grand total", 36000), (), "Grand total"),
    (("Q01", "合计达仓储有限公司", 800), (0, 1), None),  # an enterprise whose name starts so
    (("Q01", "小型", "合计"), (0,), None),  # the label in another column: a value, not a totals row
    ({"id": "合计", "project": {"floor_area_m2": 36000}}, (), "合计"),
    ({"id": "E1", "企业名称": "小计"}, (), "小计"),
    ({"id": "E1", "企业名称": "某公司"}, (), None),
])
def test_totals_rows_are_told_from_enterprises(cells: tuple | dict, label_at: tuple[int, ...],
                                               label: str | None) -> None:
    assert totals_label(cells, label_at) == label


def test_a_jsonl_totals_row_is_skipped_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "registry.jsonl"
    source.write_text('{"id": "E1", "project": {"floor_area_m2": 800}}\n'
                      '{"id": "合计", "project": {"floor_area_m2": 800}}\n', encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0)
    assert (summary.rows, summary.failed, summary.skipped, summary.header_line) == (1, 0, [(2, "合计")], None)
    assert [row["编号"] for row in read_records(tmp_path / "out.csv")] == ["E1"]


def test_tab_separated_text_in_utf8_is_read_like_csv(tmp_path: Path) -> None:
    csv_text = officefiles.delimited(",")
    tsv = tmp_path / "registry.tsv"
    tsv.write_text(officefiles.delimited("\t"), encoding="utf-8")
    plain = tmp_path / "registry.csv"
    plain.write_text(csv_text, encoding="utf-8")
    first = run_batch(tsv, tmp_path / "a.csv", workers=0)
    run_batch(plain, tmp_path / "b.csv", workers=0)
    assert (first.screened, first.skipped) == (30, [(SUBTOTAL_LINE, "小计"), (TOTAL_LINE, "合计")])
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 31


def test_both_xlsx_readers_find_the_header_below_the_merged_title(tmp_path: Path, rulebase: RuleBase) -> None:
    from advisor.batch.xlsx import XlsxReader

    source = officefiles.write_xlsx(tmp_path / "title.xlsx")
    names_field = ColumnMap(rulebase.questions).names_a_field
    fast, streamed = XlsxReader(source, names_field=names_field), XlsxReader(source, False, names_field)
    try:
        for reader in (fast, streamed):
            assert (reader.header_line, reader.title_lines, reader.columns) == (3, (1,), officefiles.HEADER)
        fast_rows, streamed_rows = list(fast), list(streamed)
    finally:
        fast.close()
        streamed.close()
    assert fast_rows == streamed_rows
    assert [row.line for row in fast_rows] == [*range(4, 19), SUBTOTAL_LINE, *range(20, 35), TOTAL_LINE]
