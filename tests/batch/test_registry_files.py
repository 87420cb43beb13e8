"""Registry files as district offices have them: Excel's GB18030 CSV, Chinese headers, extra
columns, a mapping file, values as typed in China."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.batch import run_batch
from advisor.batch.columns import ColumnMap
from advisor.batch.errors import BatchInputError
from advisor.batch.formats import read_records
from advisor.cli import main
from advisor.rulebase import RuleBase

SMALL_INDUSTRIAL = "joint-acceptance-small-industrial"
# An office's own registry: its headers, its name column, values as staff type them.
OFFICE_HEADER = ["企业名称", "统一社会信用代码", "企业规模", "是否有拟建或在建的投资建设项目", "项目投资主体",
                 "项目类型", "是否属于低风险项目", "是否属于小型项目", "总建筑面积（平方米）",
                 "企业是否在青羊区注册或经营", "项目建设地点在青羊区吗？", "注册地址"]
OFFICE_ROWS = [
    ["成都某某科技有限公司", "", "小型", "是", "企业投资", "仓库", "√", "有", "1，200", "是", "是",
     "青羊区光华大道"],
    ["四川某某物流有限公司", "", "小型", "是", "enterprise", "warehouse", "是", "是", "１２００㎡", "是", "√",
     "青羊区蜀辉路"],
]


def _office_csv(path: Path, encoding: str) -> Path:
    text = io.StringIO(newline="")
    csv.writer(text).writerows([OFFICE_HEADER, *OFFICE_ROWS])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_an_office_csv_is_screened_whatever_its_encoding(tmp_path: Path, encoding: str, rulebase: RuleBase,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = _office_csv(tmp_path / "registry.csv", encoding)
    code = main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--workers", "0", "--quiet"])
    err = capsys.readouterr().err
    assert code == 0, err
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["企业名称"] for row in rows] == ["成都某某科技有限公司", "四川某某物流有限公司"]  # carried through
    assert [row["注册地址"] for row in rows] == ["青羊区光华大道", "青羊区蜀辉路"]
    for row in rows:
        assert SMALL_INDUSTRIAL in row["可享受政策编号"].split()
        assert rulebase.rules[SMALL_INDUSTRIAL].spec.title.zh in row["可享受政策"]
    # the unknown columns are reported once, not per row
    assert err.count("未识别为档案字段的列") == 1 and "企业名称" in err and "注册地址" in err


def test_an_undecodable_file_is_refused_once_with_the_fix(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "registry.csv"
    source.write_bytes("企业规模\n".encode() + b"\xff\xfe\x80\xff\n" * 50)
    code = main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--workers", "0", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("无法识别文件的文字编码") == 1 and err.count("另存为 CSV UTF-8") == 1
    assert not list(tmp_path.glob("out*")) and not list(tmp_path.glob(".out*"))


def test_encoding_can_be_given(tmp_path: Path) -> None:
    source = _office_csv(tmp_path / "registry.csv", "gb18030")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, encoding="gb18030")
    assert (summary.rows, summary.failed, summary.encoding) == (2, 0, "gb18030")
    with pytest.raises(BatchInputError, match="not valid utf-8"):
        run_batch(source, tmp_path / "out.csv", workers=0, encoding="utf-8")


def test_headers_by_path_label_alias_and_mapping(tmp_path: Path, rulebase: RuleBase) -> None:
    columns = ColumnMap(rulebase.questions)
    for header in ("project.floor_area_m2", "floor_area_m2", "总建筑面积", "建筑面积（㎡）", "Total floor area",
                   " 总建筑面积 (平方米) "):
        assert columns.target(header) == "project.floor_area_m2", header
    assert columns.target("企业规模") == "enterprise.size"
    assert columns.target("统一社会信用代码") == "enterprise.credit_code"
    assert columns.target("企业名称") is None  # carried through
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("房屋面积合计: 总建筑面积\n单位规模: enterprise.size\n企业序号: id\n", encoding="utf-8")
    source = tmp_path / "registry.csv"
    source.write_text("企业序号,单位规模,房屋面积合计,企业名称\nQ1,小型,1200,甲公司\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["batch", str(source), "--out", str(out), "--columns", str(mapping), "--workers", "0",
                 "--quiet", "--lang", "en", "--include", "undetermined"]) == 0
    [row] = read_records(out)
    assert (row["id"], row["企业名称"]) == ("Q1", "甲公司")
    # the area and the size were read: neither is asked for
    assert "project.floor_area_m2" not in row["questions"].split()
    assert "enterprise.size" not in row["questions"].split()


def test_a_mapping_to_an_unknown_field_is_refused(tmp_path: Path, rulebase: RuleBase) -> None:
    with pytest.raises(BatchInputError, match="not a profile field"):
        ColumnMap(rulebase.questions, {"面积": "no_such_field"})


@pytest.mark.parametrize("header", [["总建筑面积", "project.floor_area_m2"], ["备注", "备注"]])
def test_duplicate_columns_are_refused(tmp_path: Path, header: list[str]) -> None:
    source = tmp_path / "registry.csv"
    source.write_text(",".join(header) + "\n1200,999999\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="duplicate columns") as raised:
        run_batch(source, tmp_path / "out.csv", workers=0)
    assert header[0] in str(raised.value) and header[1] in str(raised.value)
    assert "列重复" in raised.value.message("zh")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("typed", "value"), [
    ("1，200", 1200), ("1,200", 1200), ("1200㎡", 1200), ("1200 平方米", 1200), ("1.2万", 12000),
    ("１２００", 1200), ("0.5万", 5000), ("1,234.5", 1234.5),
])
def test_numbers_as_typed(rulebase: RuleBase, typed: str, value: float) -> None:
    columns = ColumnMap(rulebase.questions)
    parsed = columns.parse((typed,), columns.layout(["总建筑面积"]))
    assert parsed.problems == [] and parsed.nested == {"project": {"floor_area_m2": value}}


@pytest.mark.parametrize(("typed", "value"), [
    ("√", True), ("✓", True), ("是", True), ("有", True), ("Y", True), ("ｙｅｓ", True), ("1", True),
    ("×", False), ("否", False), ("无", False), ("没有", False), ("N", False), ("0", False),
])
def test_yes_no_as_typed(rulebase: RuleBase, typed: str, value: bool) -> None:
    columns = ColumnMap(rulebase.questions)
    parsed = columns.parse((typed,), columns.layout(["是否属于小型项目"]))
    assert parsed.nested == {"project": {"small_scale": value}}


def test_a_wrong_value_says_what_is_allowed_in_chinese(rulebase: RuleBase) -> None:
    columns = ColumnMap(rulebase.questions)
    parsed = columns.parse(("巨型", "也许"), columns.layout(["企业规模", "是否属于小型项目"]))
    (size, zh_size, _), (small, zh_small, en_small) = parsed.problems
    assert size == "enterprise.size" and "大型、中型、小型、微型" in zh_size and "巨型" in zh_size
    assert small == "project.small_scale" and "是" in zh_small and "yes or no" in en_small
    assert parsed.nested == {}


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["{:,}", "{}", "{}㎡", "{:,}平方米"]),
       st.booleans())
def test_any_whole_number_written_any_way_reads_back(number: int, form: str, full_width: bool) -> None:
    from advisor.batch.values import to_number

    text = form.format(number)
    if full_width:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789,"})
    assert to_number(text, integer=True) == number


def test_an_office_xlsx_with_chinese_headers_and_extra_columns(tmp_path: Path, rulebase: RuleBase) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(OFFICE_HEADER)
    for row in OFFICE_ROWS:
        sheet.append(row)
    sheet.append(["某某餐饮店", None, "微型", "否", None, None, None, None, 80, True, None, None])  # typed cells
    source = tmp_path / "registry.xlsx"
    book.save(source)
    summary = run_batch(source, tmp_path / "out.xlsx", workers=0)
    assert (summary.rows, summary.failed) == (3, 0)
    assert summary.unknown_columns == ("企业名称", "注册地址")
    results = openpyxl.load_workbook(tmp_path / "out.xlsx")["结果"]
    values = list(results.values)
    assert values[0][:3] == ("行号", "编号", "企业名称")
    assert [row[2] for row in values[1:]] == ["成都某某科技有限公司", "四川某某物流有限公司", "某某餐饮店"]
    assert SMALL_INDUSTRIAL in values[1][values[0].index("可享受政策编号")]


def test_both_xlsx_readers_read_the_same_rows(tmp_path: Path, rulebase: RuleBase) -> None:
    from advisor.batch.synth import write_synthetic
    from advisor.batch.xlsx import XlsxReader

    source = tmp_path / "registry.xlsx"
    write_synthetic(source, 60, 12, rulebase)
    fast, streamed = XlsxReader(source), XlsxReader(source, calamine=False)
    try:
        assert fast.columns == streamed.columns
        fast_rows, streamed_rows = list(fast), list(streamed)
    finally:
        fast.close()
        streamed.close()
    assert len(fast_rows) == 60 and fast_rows == streamed_rows


def test_an_unreadable_mapping_file_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _office_csv(tmp_path / "registry.csv", "utf-8")
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("- 面积\n- 规模\n", encoding="utf-8")
    assert main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--columns", str(mapping),
                 "--quiet"]) == 2
    assert "列映射文件应为“表头: 字段”的形式" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_blocks_of_rows_in_hand_are_screened_like_a_file(tmp_path: Path, advisor: object) -> None:
    """The entry point other engines use: rows as tuples aligned with a header, or mappings; NaN is blank."""
    from advisor.batch import BlockScreener, ScreenOptions
    from advisor.batch.rows import Block, Row

    header = ("编号", "总建筑面积", "是否属于小型项目", "企业名称")
    screener = BlockScreener(ScreenOptions(header=header, lang="en", include_undetermined=True))
    outcome = screener(Block.of_rows([Row(2, ("A", 1200, float("nan"), "甲")), Row(3, ("B", "abc", "是", "乙")),
                                      Row(4, ("C", None, None, None))]))
    assert (outcome.rows, outcome.failed) == (3, 1)
    results = outcome.tables["results"]
    assert [(row[0], row[1], row[2]) for row in results] == [(2, "A", "甲"), (4, "C", None)]
    assert "project.small_scale" in results[0][6].split()  # NaN was read as unanswered
    assert outcome.tables["errors"] == [[3, "B", "总建筑面积", "must be a number, got 'abc'"]]
