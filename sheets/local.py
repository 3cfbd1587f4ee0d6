"""A workbook on disk (.xlsx, .ods, or a folder of `<tab>.csv`) with GoogleSheetSource's API.

Cells come back as the file holds them (date cells stay datetime), so sheets.values reads a local
workbook exactly as it reads a Google one.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

RawWorkbook = dict[str, list[list[Any]]]
SAMPLE = Path(__file__).with_name("data") / "voorbeeld.xlsx"


class LocalSourceError(OSError):
    """The workbook could not be read; the message is Dutch and names the file."""


class LocalSource:
    def __init__(self, path: str | Path, pause: Callable[[], None] = lambda: None) -> None:
        """`pause`: called every few rows while reading, so a reply goes first (the bot passes
        sheets.courtesy's)."""
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
    """The bundled sample workbook (sheets/data/voorbeeld.xlsx)."""
    return LocalSource(SAMPLE)


def _trimmed(rows: Iterable[Sequence[Any]], pause: Callable[[], None]) -> list[list[Any]]:
    """Rows as lists without trailing empty cells. openpyxl parses in Python as it is
    iterated, row by row: every 64 rows a reply being computed goes first (`pause`)."""
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
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: _trimmed(ws.iter_rows(values_only=True), pause) for ws in book}
    finally:
        book.close()


def _ods(path: Path, pause: Callable[[], None]) -> RawWorkbook:
    import pandas as pd

    frames = pd.read_excel(path, engine="odf", header=None, dtype=object, sheet_name=None)
    out: RawWorkbook = {}
    for title, frame in frames.items():
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        out[str(title)] = _trimmed(([_plain(c) for c in row] for row in rows), pause)
    return out


def _plain(cell: Any) -> Any:
    """pandas Timestamps → datetime, so every reader hands out the same types."""
    to_pydatetime = getattr(cell, "to_pydatetime", None)
    return to_pydatetime() if to_pydatetime is not None else cell


def _csv_folder(path: Path, pause: Callable[[], None]) -> RawWorkbook:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise LocalSourceError(f"{path} bevat geen .csv-bestanden (één per tabblad)")
    return {p.stem: _csv_rows(p, pause) for p in files}


def _csv_rows(path: Path, pause: Callable[[], None]) -> list[list[Any]]:
    """UTF-8 (with or without BOM); `;` (Dutch Excel) or `,`: whichever the header row uses."""
    content = path.read_text(encoding="utf-8-sig")
    header = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return _trimmed(csv.reader(io.StringIO(content), delimiter=delimiter), pause)
