"""Issue 12, item 3: XLSX read safely (decompressed size, declared dimension, formula cells)."""

import io
import re
import zipfile

from openpyxl import Workbook

from pfspilot.contacts.reader import read_file

from .helpers import CALL_HEADER, CALL_ROWS


def _book(rows, *, formula=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CALL_HEADER.split(","))
    for row in rows:
        sheet.append(row.split(","))
    if formula:
        sheet[formula[0]] = formula[1]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                content = change(content)
            target.writestr(item.filename, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def test_a_workbook_expanding_beyond_the_limit_is_refused_unopened(tmp_path, settings):
    # 6.5 MB expanding to 373 MB of XML, scaled down: a 40 KiB file expanding to 3 MiB.
    settings.IMPORT_MAX_XLSX_BYTES = 2 * 1024**2
    padding = b"<!--" + b" " * (3 * 1024**2) + b"-->"
    data = _rewrite(
        _book(CALL_ROWS),
        SHEET,
        lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>", 1),
    )
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(data)
    assert path.stat().st_size < 100 * 1024
    (error,) = read_file("calls", path, "canonical").errors
    assert error.line == 0
    assert error.message_fr.startswith(
        "classeur XLSX trop volumineux une fois décompressé (3\u00a0Mo"
    )
    assert "maximum 2\u00a0Mo" in error.message_fr


def test_the_declared_dimension_of_a_sheet_is_not_trusted(tmp_path):
    # The sheet declares 3 rows (header + 2) and holds 4: every row is read.
    data = _rewrite(
        _book(CALL_ROWS + ["c4,,2026-03-02 12:00:00,,,,,,,,,,,,,"]),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:P3"/>', xml),
    )
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(data)
    result = read_file("calls", path, "canonical")
    assert result.errors == []
    assert result.frame["call_id"].to_list() == ["c1", "c2", "c3", "c4"]
    assert result.lines.to_list() == [2, 3, 4, 5]


def test_a_formula_without_cached_value_is_refused_with_line_and_column(tmp_path):
    # openpyxl writes the formula alone: a spreadsheet never computed its value.
    path = tmp_path / "formule.xlsx"
    path.write_bytes(_book(CALL_ROWS, formula=("J3", "=I3*2")))
    result = read_file("calls", path, "canonical")
    assert [(e.line, e.field) for e in result.errors] == [(3, "talk_s")]
    assert result.errors[0].message_fr.startswith("formule sans valeur calculée (cellule J3)")
    assert result.frame.is_empty()


def test_a_formula_with_its_cached_value_is_read(tmp_path):
    data = _book(CALL_ROWS, formula=("J3", "=I3*2"))
    data = _rewrite(data, SHEET, lambda xml: xml.replace(b"<f>I3*2</f>", b"<f>I3*2</f><v>90</v>"))
    path = tmp_path / "formule.xlsx"
    path.write_bytes(data)
    result = read_file("calls", path, "canonical")
    assert result.errors == []
    assert result.frame["talk_s"].to_list()[1] == 90.0


def test_blank_rows_keep_the_line_numbers_of_the_sheet(tmp_path):
    data = _book([CALL_ROWS[0], ",,,,,,,,,,,,,,,", CALL_ROWS[1].replace(",45,", ",-3,")])
    path = tmp_path / "trou.xlsx"
    path.write_bytes(data)
    result = read_file("calls", path, "canonical")
    assert [(e.line, e.field) for e in result.errors] == [(4, "wait_s")]
