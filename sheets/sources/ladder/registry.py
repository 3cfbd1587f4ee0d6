"""Which writer records in which source: one entry per kind, so the next source is one more
module and one more line here.

A writer's module is imported when it writes: gspread, google-auth, msal and requests are
0.1 s of start-up that a bot on a local workbook never needs (`taakbot` starts in every
container restart and every scheduled command)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sheets.sources.ladder.base import LadderRow, Reading, WriteError, Written
from sheets.sources.ladder.files import held

_LOCK = threading.Lock()  # one round writes at a time in this process


def locked(source: Any) -> contextlib.AbstractContextManager[None]:
    """Hold a local workbook's lock over more than one write's own span (the round reads the
    whole sheet again and writes under it); Google has no lock to take."""
    if getattr(source, "kind", "") in ("google", "m365"):
        return contextlib.nullcontext()
    path = Path(getattr(source, "path", "") or "")
    if not str(path) or not path.exists():
        return contextlib.nullcontext()
    _refuse_sample(path)  # before a lock file would be made beside it
    return held(path)


def _refuse_sample(path: Path) -> None:
    from sheets.sources.local import SAMPLE

    if path.exists() and path.samefile(SAMPLE):  # also as a relative path or a link
        raise WriteError(
            "De meegeleverde voorbeeldwerkmap wordt niet gewijzigd. Kopieer hem (cp "
            f"{SAMPLE} mijn-sheet.xlsx) en zet TAAKBOT_SOURCE op de kopie."
        )


def append(source: Any, rows: Sequence[LadderRow], reading: Reading | None = None) -> Written:
    """Record `rows` in the source's ladder tab, one round at a time; raises WriteError."""
    with _LOCK:
        kind = getattr(source, "kind", "")
        if kind == "google":
            from sheets.sources.ladder import google

            return google.append(source, rows, reading)
        if kind == "m365":  # Microsoft 365 through Microsoft Graph
            from sheets.sources.ladder import graph

            return graph.append(source, rows, reading)
        path = Path(getattr(source, "path", ""))
        _refuse_sample(path)
        if path.is_dir():
            from sheets.sources.ladder import csv_folder

            return csv_folder.append(path, rows, reading)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            from sheets.sources.ladder import xlsx

            return xlsx.append(path, rows, reading)
        if suffix == ".ods":
            from sheets.sources.ladder import ods

            return ods.append(path, rows, reading)
        raise WriteError(f"{path.name or source}: in deze bron kan Taakbot niets vastleggen")
