"""Bad input never costs the good rows: each crafted row or cell fails alone, with its line;
a crafted file stops at a documented limit with a short, clear error."""

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from advisor.batch import run_batch
from advisor.batch import xlsx as xlsx_reader
from advisor.batch.errors import BatchInputError
from advisor.batch.formats import read_records
from advisor.batch.limits import MAX_COLUMNS
from advisor.batch.synth import write_synthetic
from advisor.cli import main
from advisor.rulebase import RuleBase

GOOD = {"id": "good", "project": {"floor_area_m2": 1200}}


def _errors(summary: object) -> list[tuple[int, str, str]]:
    return [(int(row["line"]), row["field"], row["message"]) for row in read_records(summary.errors)]  # type: ignore[attr-defined]


def _ids(path: Path) -> list[str]:
    return [row["id"] for row in read_records(path)]


def test_crafted_json_lines_fail_alone(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(GOOD),
        '{"id": "surrogate", "enterprise": {"credit_code": "91510105\\ud800XXXXXXXX"}}',
        '{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "huge", "project": {"floor_area_m2": ' + "9" * 5000 + "}}",
        json.dumps({**GOOD, "id": "good-too"}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, lang="en")
    assert (summary.rows, summary.failed) == (5, 3)
    assert _ids(tmp_path / "out.csv") == ["good", "good-too"]
    errors = {line: message for line, _, message in _errors(summary)}
    assert set(errors) == {2, 3, 4}
    assert "surrogate" in errors[2] and "nested too deeply" in errors[3] and "too many digits" in errors[4]


def test_a_huge_number_in_a_csv_cell_fails_its_row(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"id,总建筑面积\na,1200\nb,{'9' * 5000}\nc,9999\n", encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, lang="en")
    assert _ids(tmp_path / "out.csv") == ["a", "c"]
    [(line, field, message)] = _errors(summary)
    assert (line, field) == (3, "总建筑面积") and "too long" in message and len(message) < 200


def test_a_stray_quote_costs_only_its_own_line(tmp_path: Path, rulebase: RuleBase) -> None:
    source = tmp_path / "registry.csv"
    write_synthetic(source, 1000, 4, rulebase)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 1001
    lines[2] = lines[2].replace(",", ',"', 1)  # line 3: a quote opens a cell and never closes
    lines[500] = "\n"  # and a blank line
    source.write_text("".join(lines), encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, lang="en")
    assert summary.blank == 1
    assert summary.rows + summary.blank == 1000  # every line after the header is accounted for
    assert (summary.screened, summary.failed) == (998, 1)
    [(line, field, message)] = _errors(summary)
    assert (line, field) == (3, "(row)") and "unclosed quote" in message
    ids = _ids(tmp_path / "out.csv")
    assert len(ids) == 998 and "E0002" not in ids and ids[-1] == "E1000"


def test_an_overlong_line_fails_alone(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,企业名称\na,甲\nb," + "长" * 600_000 + "\nc,丙\n", encoding="utf-8")
    summary = run_batch(source, tmp_path / "out.csv", workers=0, lang="en")
    assert _ids(tmp_path / "out.csv") == ["a", "c"]
    assert [(line, field) for line, field, _ in _errors(summary)] == [(3, "(row)")]


def _xlsx_with_formula(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "总建筑面积", "企业名称"])
    sheet.append(["a", 1200, "甲"])
    sheet.append(["b", "=1000+200", "乙"])  # openpyxl saves no cached value: Excel never computed it
    sheet.append(["c", 900, "=CONCAT(\"丙\")"])
    sheet.append(["d", 800, "丁"])
    book.save(path)


def test_a_formula_without_a_saved_value_is_that_cells_error(tmp_path: Path) -> None:
    _xlsx_with_formula(tmp_path / "in.xlsx")
    summary = run_batch(tmp_path / "in.xlsx", tmp_path / "out.csv", workers=0, lang="en")
    assert _ids(tmp_path / "out.csv") == ["a", "d"]
    errors = _errors(summary)
    assert [(line, field) for line, field, _ in errors] == [(3, "总建筑面积"), (4, "企业名称")]
    assert all("formula" in message for *_, message in errors)


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _workbook_parts(sheet: bytes, strings: bytes | None = None) -> dict[str, bytes]:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["id"])
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    return parts


_SHEET_HEAD = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def test_a_huge_shared_string_is_refused_at_once(tmp_path: Path) -> None:
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
               + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>")
    sheet = _SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    source = _zip(tmp_path / "bomb.xlsx", _workbook_parts(sheet, strings))
    assert source.stat().st_size < 1024 * 1024
    with pytest.raises(BatchInputError, match=r"sharedStrings\.xml is compressed more than") as raised:
        run_batch(source, tmp_path / "out.csv", workers=0)
    assert len(str(raised.value)) < 300 and "压缩" in raised.value.message("zh")


def test_millions_of_declared_rows_are_refused_at_once(tmp_path: Path) -> None:
    sheet = (_SHEET_HEAD + b'<dimension ref="A1:A5000000"/><sheetData>'
             + b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row></sheetData></worksheet>')
    source = _zip(tmp_path / "rows.xlsx", _workbook_parts(sheet))
    with pytest.raises(BatchInputError, match="declares 5,000,000 rows"):
        run_batch(source, tmp_path / "out.csv", workers=0)


def test_rows_past_the_limit_stop_the_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_reader, "XLSX_MAX_ROWS", 50)  # the real limit is Excel's, 1,048,576
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, 200))
    sheet = (_SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
             + rows + b"</sheetData></worksheet>")
    source = _zip(tmp_path / "rows.xlsx", _workbook_parts(sheet))
    with pytest.raises(BatchInputError, match="more than 50 rows"):
        run_batch(source, tmp_path / "out.csv", workers=0)
    assert not list(tmp_path.glob("*out*"))  # nothing half-written


def test_an_error_echoes_little_of_a_huge_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"列{n}" + "x" * 300 for n in range(MAX_COLUMNS + 1)) + "\n1\n", encoding="utf-8")
    huge = tmp_path / "huge.csv"
    huge.write_text("," .join("y" * 1000 + str(n) for n in range(3000)) + "\n1\n", encoding="utf-8")
    for source in (wide, huge):
        assert main(["batch", str(source), "--out", str(tmp_path / "out.csv"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert len(err) < 600, err[:600]
    # many unknown columns within the limits: reported once, in a few names
    many = tmp_path / "many.csv"
    many.write_text(",".join(f"备注{n}" + "z" * 200 for n in range(500)) + ",总建筑面积\n" + "," * 500 + "1200\n",
                    encoding="utf-8")
    assert main(["batch", str(many), "--out", str(tmp_path / "out.csv"), "--quiet", "--workers", "0"]) == 0
    err = capsys.readouterr().err
    assert "490" in err and len(err) < 2000
    status = run_batch(many, tmp_path / "again.csv", workers=0).as_dict()  # what the web API's status shows
    assert status["unknown_columns_total"] == 500 and len(json.dumps(status, ensure_ascii=False)) < 2000
