"""A workbook's cells as Excel stores them, read with openpyxl (not the product's calamine reader,
so a test sees what another program would). Read-only mode: half the time of a full load, which
builds every cell's style; and the same bytes are read once per process (tests read the same
untouched copy of the sample before and after each round)."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

Cells = list[tuple[Any, ...]]


def tab(source: Path | bytes, title: str | None = None) -> Cells:
    """One tab's rows (the active tab when no title is given), formulas as formulas."""
    content = source if isinstance(source, bytes) else source.read_bytes()
    return list(_tab(content, title))


def tabs(source: Path | bytes) -> dict[str, Cells]:
    """Every tab's rows, in the workbook's order."""
    content = source if isinstance(source, bytes) else source.read_bytes()
    return {title: list(rows) for title, rows in _tabs(content)}


@functools.lru_cache(maxsize=32)
def _tab(content: bytes, title: str | None) -> tuple[tuple[Any, ...], ...]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        sheet = book[title] if title is not None else book.active
        return tuple(tuple(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


@functools.lru_cache(maxsize=32)
def _tabs(content: bytes) -> tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return tuple(
            (ws.title, tuple(tuple(r) for r in ws.iter_rows(values_only=True)))
            for ws in book.worksheets
        )
    finally:
        book.close()
