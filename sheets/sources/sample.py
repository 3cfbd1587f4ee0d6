"""The bundled sample workbook, built only from figures in public records (see the `info` tab).

The rows live in sheets/sources/sample_data.py, each citing its source; this module lays them out as the
workbook convert reads. Regenerate the committed file with `python -m sheets.sources.sample`; the bytes
are reproducible (fixed timestamps), so a regenerated file shows no diff unless the data changed.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from sheets.sources import sample_data as data
from sheets.tabs.layout import INFO_TAB, TABS

SAMPLE_PATH = Path(__file__).with_name("data") / "voorbeeld.xlsx"
_FIXED_TIME = (2022, 11, 10, 0, 0, 0)  # zip entry times and document dates: reproducible bytes
_ROWS = {
    "taakstelling": data.TAAKSTELLING,
    "realisatie": data.REALISATIE,
    "ladder": data.LADDER,
    "beleid": data.BELEID,
    "deadlines": data.DEADLINES,
    "gebruikers": data.GEBRUIKERS,
}


def tables() -> dict[str, list[list[Any]]]:
    """The sample as raw tabs (header row first), exactly what the workbook will hold."""
    out: dict[str, list[list[Any]]] = {INFO_TAB: [[line] for line in data.INFO]}
    for tab in TABS:
        header = [c.key for c in tab.columns if not c.own]
        rows = _ROWS.get(tab.name) or [
            dict(gemeente=name, provincie=prov, regio=regio, aliassen=data.ALIASES.get(name),
                 bron=data.B_ZH if prov == "Zuid-Holland" else data.B_UT)
            for prov, regions in data.REGIONS.items()
            for regio, members in regions.items()
            for name in members
        ]  # fmt: skip
        unknown = {k for row in rows for k in row} - set(header)
        assert not unknown, f"{tab.name}: onbekende kolommen {unknown}"
        out[tab.name] = [header] + [[row.get(key) for key in header] for row in rows]
    return out


def workbook() -> Workbook:
    """An openpyxl workbook of `tables()`: real date cells, bold frozen header rows."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in tables().items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "d-m-yyyy"
                elif isinstance(cell.value, float):
                    cell.number_format = "0%"  # the share columns of `beleid`
        if title != INFO_TAB:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        for index, width in enumerate(_widths(rows)):
            sheet.column_dimensions[chr(65 + index)].width = width
    book.properties.creator = "Taakbot"
    book.properties.created = datetime(*_FIXED_TIME)
    return book


def _widths(rows: list[list[Any]]) -> list[float]:
    columns = max(len(r) for r in rows)
    return [
        min(60, max([8, *(len(str(r[i])) + 2 for r in rows if i < len(r) and r[i])]))
        for i in range(columns)
    ]


def write(path: Path = SAMPLE_PATH) -> Path:
    """Save the workbook with fixed timestamps, so regenerating gives identical bytes."""
    buffer = io.BytesIO()
    workbook().save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime(*_FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return path


if __name__ == "__main__":
    print(f"geschreven: {write()}")
