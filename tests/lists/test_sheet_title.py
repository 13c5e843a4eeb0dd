"""XLSX exports: a list title with a character a spreadsheet refuses still exports."""

from openpyxl import load_workbook

from pfspilot.lists.exports import Column, Table, sheet_title, to_xlsx


def test_forbidden_characters_become_dashes_and_the_name_is_cut_to_31():
    assert sheet_title("Demandes de niveau 2 : PIRA") == "Demandes de niveau 2 - PIRA"
    assert sheet_title("a/b\\c?d*e[f]g") == "a-b-c-d-e-f-g"
    assert len(sheet_title("x" * 40)) == 31


def test_a_title_with_a_colon_exports(tmp_path):
    table = Table("t", "Urgences : boîte", [Column("N°", "id", kind="int")], rows=[{"id": 1}])
    path = tmp_path / "t.xlsx"
    path.write_bytes(to_xlsx(table))
    assert load_workbook(path).active.title == "Urgences - boîte"
