"""Record ladder decisions in an .ods with odfpy: every other table, style and formula kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheets.sources.ladder.base import (
    LadderRow,
    Layout,
    Reading,
    Written,
    ladder_title,
    layout,
    sort_out,
)
from sheets.sources.ladder.files import as_is, held, refuse_if_busy, replace_file, shown


def append(path: Path, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
    """With odfpy, the library the file format is written in: every other table, style and
    formula stays as it was. Under the file's lock from reading to replacing."""
    with held(path):
        return _append(path, rows, reading)


def _append(path: Path, rows: Sequence[LadderRow], reading: Reading | None) -> Written:
    from odf import opendocument, table, text

    refuse_if_busy(path)
    doc = opendocument.load(str(path))
    tables = {t.getAttribute("name"): t for t in doc.spreadsheet.getElementsByType(table.Table)}
    title = ladder_title(list(tables))
    created = title is None
    if created:
        title = "ladder"
        tables[title] = table.Table(name=title)
        doc.spreadsheet.addElement(tables[title])
    sheet = tables[title]
    raw = _ods_rows(sheet)
    lay = layout(title, raw)
    out = sort_out(rows, raw, lay, reading, created)
    if not out.added:
        return out

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            c = table.TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds"))
        elif isinstance(value, date):
            c = table.TableCell(valuetype="date", datevalue=value.isoformat())
        elif isinstance(value, int):
            c = table.TableCell(valuetype="float", value=value)
        else:
            c = table.TableCell(valuetype="string")
        if value != "":
            c.addElement(text.P(text=shown(value)))
        return c

    if created or lay.new_headers:
        header = [""] * lay.width
        for key, column in lay.columns.items():
            header[column] = key
        if created or not raw:  # a new tab, or one without a header row yet
            _ods_append(sheet, table, [cell(h) for h in header])
        else:
            _ods_extend_header(sheet, table, lay, cell)
    for row in out.added:
        _ods_append(sheet, table, [cell(v) for v in lay.cells(row, as_is)])
    first = len(raw) + 1 + (1 if created or not raw else 0)
    out.landed(first, lay.width)
    replace_file(path, lambda tmp: doc.save(str(tmp)))
    return out


def _ods_rows(sheet: Any) -> list[list[Any]]:
    """The table's rows as values (repeated rows and cells expanded, trailing blanks dropped)."""
    from odf import table
    from odf.namespaces import OFFICENS

    out: list[list[Any]] = []
    for row in sheet.getElementsByType(table.TableRow):
        cells: list[Any] = []
        for c in row.childNodes:
            if c.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = int(c.attributes.get((c.qname[0], "number-columns-repeated"), 1) or 1)
            date_value = c.attributes.get((OFFICENS, "date-value"))
            value = date_value or str(c).strip() or None
            cells += [value] * min(repeat, 64)
        while cells and cells[-1] is None:
            cells.pop()
        repeat = int(row.attributes.get((row.qname[0], "number-rows-repeated"), 1) or 1)
        out += [cells] * (1 if not cells else min(repeat, 1))
    while out and not out[-1]:
        out.pop()
    return out


def _ods_append(sheet: Any, table: Any, cells: list[Any]) -> None:
    """After the last row with content: trailing empty (repeated) rows are dropped first."""
    rows = sheet.getElementsByType(table.TableRow)
    while rows and not str(rows[-1]).strip():
        sheet.removeChild(rows.pop())
    row = table.TableRow()
    for c in cells:
        row.addElement(c)
    sheet.addElement(row)


def _ods_extend_header(sheet: Any, table: Any, lay: Layout, cell: Callable) -> None:
    rows = sheet.getElementsByType(table.TableRow)
    header = rows[lay.header_row - 1]
    kept = [c for c in header.childNodes if str(c).strip()]
    for c in list(header.childNodes):
        header.removeChild(c)
    for c in kept:
        header.addElement(c)
    while len(kept) < min(lay.new_headers):
        header.addElement(cell(""))
        kept.append(None)
    for _column, name in sorted(lay.new_headers.items()):
        header.addElement(cell(name))
