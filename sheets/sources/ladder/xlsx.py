"""Record ladder decisions in an .xlsx with openpyxl: formulas, styles and other tabs kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sheets.sources.ladder.base import (
    LadderRow,
    Reading,
    WriteError,
    Written,
    ladder_title,
    layout,
    sort_out,
)
from sheets.sources.ladder.files import as_is, held, refuse_if_busy, replace_file
from sheets.tabs.values import runs_as_formula

_UNKEPT = ("xl/charts/", "xl/drawings/", "xl/pivotCache", "xl/pivotTables/", "xl/media/")


def _openpyxl_would_drop(path: Path) -> list[str]:
    """Parts of an .xlsx that openpyxl does not write back (pitfalls.md): refuse rather than
    lose a province's chart or pivot table."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        names = book.namelist()
    return sorted({p for p in _UNKEPT for n in names if n.startswith(p)})


def append(path: Path, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
    """Under the workbook's lock from reading the ladder tab to replacing the file."""
    with held(path):
        return _append(path, rows, reading)


def _append(path: Path, rows: Sequence[LadderRow], reading: Reading | None) -> Written:
    from openpyxl import load_workbook

    refuse_if_busy(path)
    dropped = _openpyxl_would_drop(path)
    if dropped:
        raise WriteError(
            f"{path.name} bevat onderdelen die bij opslaan verloren zouden gaan "
            f"({', '.join(dropped)}); leg de besluiten vast in een kopie zonder grafieken of "
            "draaitabellen, of in Google Sheets. Er is niets geschreven."
        )
    book = load_workbook(path)  # not data_only: formulas stay formulas
    title = ladder_title(book.sheetnames)
    created = title is None
    if created:
        title = "ladder"
        book.create_sheet(title)
    sheet = book[title]
    raw = [list(r) for r in sheet.iter_rows(values_only=True)]
    lay = layout(title, raw)
    out = sort_out(rows, raw, lay, reading, created)
    if not out.added:
        return out
    for column, name in lay.new_headers.items():
        sheet.cell(lay.header_row, column + 1, name)
    first = max(sheet.max_row if raw else 0, lay.header_row) + 1
    for offset, row in enumerate(out.added):
        for column, value in enumerate(lay.cells(row, as_is), start=1):
            if value == "":
                continue
            cell = sheet.cell(first + offset, column, value)
            if runs_as_formula(value):
                cell.data_type = "s"  # typed text is never run as a formula (as in Google)
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    out.landed(first, lay.width)
    replace_file(path, book.save)
    return out
