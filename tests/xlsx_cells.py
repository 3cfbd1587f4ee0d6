"""A workbook's cells as Excel stores them, read with openpyxl (not the product's calamine reader,
so a test sees what another program would). Read-only mode: half the time of a full load, which
builds every cell's style; dozens of tests read a workbook after each round."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

Cells = list[tuple[Any, ...]]


def _book(source: Path | bytes) -> Any:
    return load_workbook(
        io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True
    )


def tab(source: Path | bytes, title: str | None = None) -> Cells:
    """One tab's rows (the active tab when no title is given), formulas as formulas."""
    book = _book(source)
    try:
        sheet = book[title] if title is not None else book.active
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def tabs(source: Path | bytes) -> dict[str, Cells]:
    """Every tab's rows, in the workbook's order."""
    book = _book(source)
    try:
        return {
            ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets
        }
    finally:
        book.close()
