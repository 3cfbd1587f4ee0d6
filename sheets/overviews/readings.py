"""How the sheet was read, for `taakbot check` and /controle: every header and its reading, and
the staff-only notes of overview tabs. Lines are Dutch, like the other data-check messages."""

from __future__ import annotations

from typing import Any

from sheets.overviews.facts import Note


def header_readings(data: Any, *, brief: bool = False) -> list[str]:
    """`'Tab'!C3 "Stand op 1 juli 2022 (achterstand)" → saldo per 1 juli 2022 …`, one per column.

    `brief` (for a chat message) leaves out the columns of the one-tab-per-fact layout that
    were read as the column they are named after; ignored columns and overview tabs stay.
    """
    out = []
    for column in getattr(data, "readings", ()):
        if brief and column.layout:  # read as the column it is named after
            continue
        out.append(str(column))
    return out


def staff_notes(data: Any, gemeente: str) -> list[Note]:
    """The `opmerkingen` of a municipality in overview tabs (province staff only)."""
    return list(getattr(data, "notes", {}).get(gemeente, ()))
