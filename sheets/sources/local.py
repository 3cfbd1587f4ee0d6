"""A workbook on disk (.xlsx, .ods, or a folder of `<tab>.csv`) with GoogleSheetSource's API.

Cells come back as the file holds them (date cells stay datetime), so sheets.tabs.values reads a local
workbook exactly as it reads a Google one. .xlsx and .ods are read with python-calamine; they come
back exactly as openpyxl read them before (tests/test_local_readers.py compares the two).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheets.sources.error_cells import ErrorCells, UnplacedError, ods_error_cells, xlsx_error_cells

RawWorkbook = dict[str, list[list[Any]]]
SAMPLE = Path(__file__).with_name("data") / "voorbeeld.xlsx"


class LocalSourceError(OSError):
    """The workbook could not be read; the message is Dutch and names the file."""


class LocalSource:
    def __init__(self, path: str | Path, pause: Callable[[], None] = lambda: None) -> None:
        """`pause`: called every few rows while reading, so a reply goes first (the bot passes
        sheets.runtime.courtesy's)."""
        self.path, self.pause = Path(path), pause

    def describe(self) -> str:
        kind = "CSV-map" if self.path.is_dir() else "werkmap"
        return f"{kind} {self.path.name}"

    def fetch(self) -> RawWorkbook:
        """Return `{tab: rows}`, header row first; trailing empty cells dropped (each reader
        trims its rows as it reads them)."""
        readers = {".xlsx": _xlsx, ".xlsm": _xlsx, ".ods": _ods}
        if self.path.is_dir():
            reader = _csv_folder
        elif not self.path.exists():
            raise LocalSourceError(f"{self.path} bestaat niet")
        else:
            reader = readers.get(self.path.suffix.lower())
            if reader is None:
                known = ", ".join(sorted(readers))
                raise LocalSourceError(
                    f"{self.path.name}: onbekend bestandstype (verwacht {known} of een CSV-map)"
                )
        try:
            return reader(self.path, self.pause)
        except LocalSourceError:
            raise
        except Exception as exc:  # a corrupt zip, an unreadable ODS, a permission error
            raise LocalSourceError(f"{self.path.name} kon niet worden gelezen: {exc}") from exc

    def close(self) -> None:
        """Nothing to release; here for symmetry with GoogleSheetSource."""


def default_source() -> LocalSource:
    """The bundled sample workbook (sheets/sources/data/voorbeeld.xlsx)."""
    return LocalSource(SAMPLE)


def _trimmed(rows: Iterable[Sequence[Any]], pause: Callable[[], None]) -> list[list[Any]]:
    """Rows as lists without trailing empty cells; every 64 rows a reply being computed goes
    first (`pause`)."""
    out = []
    for i, row in enumerate(rows):
        if not i & 63:
            pause()
        out.append(_trim(row))
    return out


def _trim(row: list[Any] | tuple[Any, ...]) -> list[Any]:
    cells = [None if _empty(c) else c for c in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == ""


def _xlsx(path: Path, pause: Callable[[], None]) -> RawWorkbook:
    """python-calamine (Rust, about 12× openpyxl), with the formula errors it leaves out put
    back from the sheet XML (sheets.sources.error_cells); openpyxl only for an error cell without a
    cell reference, which the XML allows and nothing we know writes."""
    try:
        errors = xlsx_error_cells(path)
    except UnplacedError:
        return openpyxl_xlsx(path, pause)
    return _calamine(path, errors, 2**53, pause)


def _ods(path: Path, pause: Callable[[], None]) -> RawWorkbook:
    """pandas, which read .ods before, made every whole number an int, however large."""
    return _calamine(path, ods_error_cells(path), math.inf, pause)


def _calamine(
    path: Path, errors: ErrorCells, whole_below: float, pause: Callable[[], None]
) -> RawWorkbook:
    """Every worksheet, cells as openpyxl gives them (see _openpyxl_rows).

    calamine parses a sheet without holding the GIL, so replies go on meanwhile; the rows
    are then converted here, pausing for replies like the other readers."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    out: RawWorkbook = {}
    with CalamineWorkbook.from_path(str(path)) as book:
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:  # chart sheets: openpyxl skips them too
                continue
            grid = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            for (row, column), error in errors.get(meta.name, {}).items():
                while len(grid) <= row:
                    grid.append([])
                cells = grid[row]
                cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = error
            out[meta.name] = _openpyxl_rows(grid, whole_below, pause)
    return out


def _openpyxl_rows(
    grid: list[list[Any]], whole_below: float, pause: Callable[[], None]
) -> list[list[Any]]:
    """calamine's cells as openpyxl (and pandas, for .ods) gave them, so nothing downstream
    can tell the readers apart: a whole number is an int (openpyxl: a number written without
    '.' or 'E', which is how Excel, LibreOffice and openpyxl write whole numbers; beyond 2**53
    a float is not exact), a date cell a datetime at midnight, an empty cell None; trailing
    empty cells dropped as _trimmed does. One loop over 300,000 cells at country size,
    written out without a call per cell."""
    stamps: dict[date, datetime] = {}
    out = []
    for i, row in enumerate(grid):
        if not i & 63:
            pause()
        cells = []
        for cell in row:
            kind = type(cell)
            if kind is float:
                if cell.is_integer() and -whole_below < cell < whole_below:
                    cell = int(cell)
                elif cell != cell:  # NaN, as _empty reads it
                    cell = None
            elif kind is str:
                if not cell:
                    cell = None
            elif kind is date:
                stamp = stamps.get(cell)
                if stamp is None:
                    stamp = stamps[cell] = datetime(cell.year, cell.month, cell.day)
                cell = stamp
            cells.append(cell)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    return out


def openpyxl_xlsx(path: Path, pause: Callable[[], None] = lambda: None) -> RawWorkbook:
    """The .xlsx reader before python-calamine: the fallback above, and the baseline of the
    tests and benchmarks that show calamine reads the same."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: _trimmed(ws.iter_rows(values_only=True), pause) for ws in book}
    finally:
        book.close()


def tab_files(folder: Path) -> list[Path]:
    """The folder's tabs: `<tab>.csv`, skipping hidden files (a writer's temporary file, a
    lock) and an office program's lock files (`~$…`, `.~lock.…#`)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == ".csv" and not p.name.startswith((".", "~")) and p.is_file()
    )


def _csv_folder(path: Path, pause: Callable[[], None]) -> RawWorkbook:
    files = tab_files(path)
    if not files:
        raise LocalSourceError(f"{path} bevat geen .csv-bestanden (één per tabblad)")
    return {p.stem: _csv_rows(p, pause) for p in files}


def _csv_rows(path: Path, pause: Callable[[], None]) -> list[list[Any]]:
    """UTF-8 (with or without BOM); `;` (Dutch Excel) or `,`: whichever the header row uses."""
    content = path.read_text(encoding="utf-8-sig")
    header = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return _trimmed(csv.reader(io.StringIO(content), delimiter=delimiter), pause)
