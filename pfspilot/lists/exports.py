"""Exports of the dashboard's tables: CSV for Excel-FR (UTF-8 with BOM, `;`) and XLSX.

Text that a spreadsheet would run as a formula (a motif, team or agent name beginning with
`=`, `+`, `-`, `@`, a tab or a carriage return) is written as text: prefixed with `'` in CSV
and stored as a string cell with Excel's quote prefix in XLSX (OWASP, "CSV Injection").
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font

from pfspilot.formatting import KINDS

# Column kinds besides the figure kinds of `formatting.KINDS`: "text", and two short names.
ALIASES = {"int": "count", "percent": "rate"}


@dataclass
class Column:
    header: str  # French, as the user reads it
    key: str
    kind: str = "text"  # text, int (count), percent (rate), a kind of formatting.KINDS or float
    decimals: int = 1  # float columns only: the figure kinds fix their own decimals
    screen: bool = True  # shown on the page; every column goes to the CSV and XLSX exports

    @property
    def figure(self) -> str | None:
        """The kind of figure of formatting.KINDS (None: text, or a free float column)."""
        if self.kind in ("text", "float"):
            return None
        return ALIASES.get(self.kind, self.kind)

    @property
    def number_shape(self) -> tuple[int, str, float] | None:
        """(decimals, unit, multiplier) of a numeric column, None for text."""
        if self.kind == "text":
            return None
        if self.kind == "float":
            return (self.decimals, "", 1)
        return KINDS[self.figure]


@dataclass
class Table:
    name: str  # file name stem and sheet title
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    @property
    def screen_columns(self) -> list[Column]:
        return [column for column in self.columns if column.screen]

    @property
    def export_only(self) -> int:
        """How many columns are in the exports only."""
        return len(self.columns) - len(self.screen_columns)


# First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would evaluate `text` instead of showing it."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralised(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text: a leading `'` when formula-like."""
    return "'" + text if is_formula_like(text) else text


def _csv_cell(value, column: Column) -> str:
    if value is None:
        return ""
    shape = column.number_shape
    if shape is None:
        return neutralised(str(value))
    decimals, _unit, multiplier = shape
    # A number Excel-FR reads as such: decimal comma, no thousands separator, plain minus.
    # Rate columns hold fractions; « 87,0 » is read as the number 87.0 (%).
    return f"{value * multiplier:.{decimals}f}".replace(".", ",")


def _csv_header(column: Column) -> str:
    shape = column.number_shape
    if shape and shape[1] == "%":
        return f"{column.header} (%)"
    return neutralised(str(column.header))


def to_csv(table: Table) -> bytes:
    """`;`-separated, comma decimals, UTF-8 with BOM: opens as numbers in French Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_header(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(column.key), column) for column in table.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value, column: Column):
    """Numbers, dates and times stay what they are; anything else (lazy translations included)
    becomes a string."""
    if value is None or column.kind != "text" or isinstance(value, int | float | dt.date):
        return value
    return str(value)


# Characters a spreadsheet refuses in a sheet name, and its length limit.
SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "\\/?*[]:"})
SHEET_MAX = 31


def sheet_title(title) -> str:
    """`title` as a valid sheet name: forbidden characters become « - », cut to 31 characters."""
    return " ".join(str(title).translate(SHEET_FORBIDDEN).split())[:SHEET_MAX] or "-"


def _xlsx_format(column: Column) -> str | None:
    """Excel number format with the column's decimals; rates as Excel percentages."""
    shape = column.number_shape
    if shape is None:
        return None
    decimals, unit, multiplier = shape
    digits = "0" + ("." + "0" * decimals if decimals else "")
    return digits + "%" if unit == "%" and multiplier == 100 else digits


def to_xlsx(table: Table) -> bytes:
    """One sheet, real numbers with French-readable formats (percentages as percentages)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(table.title)
    sheet.append([str(column.header) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(row.get(column.key), column) for column in table.columns])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                # openpyxl stores a string starting with "=" as a formula: force a text cell.
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, column in enumerate(table.columns, start=1):
        number_format = _xlsx_format(column)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(str(column.header)) + 2)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
