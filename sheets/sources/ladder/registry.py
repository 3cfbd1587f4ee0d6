"""Which writer records in which source: one entry per kind, so the next source is one more
module and one more line here."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sheets.sources.gsheet import GoogleSheetSource
from sheets.sources.ladder import csv_folder, google, graph, ods, xlsx
from sheets.sources.ladder.base import LadderRow, Reading, WriteError, Written
from sheets.sources.ladder.files import held

_LOCK = threading.Lock()  # one round writes at a time in this process


def locked(source: Any) -> contextlib.AbstractContextManager[None]:
    """Hold a local workbook's lock over more than one write's own span (the round reads the
    whole sheet again and writes under it); Google has no lock to take."""
    if isinstance(source, GoogleSheetSource) or getattr(source, "kind", "") == "m365":
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
        if isinstance(source, GoogleSheetSource):
            return google.append(source, rows, reading)
        if getattr(source, "kind", "") == "m365":  # Microsoft 365 through Microsoft Graph
            return graph.append(source, rows, reading)
        path = Path(getattr(source, "path", ""))
        _refuse_sample(path)
        if path.is_dir():
            return csv_folder.append(path, rows, reading)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return xlsx.append(path, rows, reading)
        if suffix == ".ods":
            return ods.append(path, rows, reading)
        raise WriteError(f"{path.name or source}: in deze bron kan Taakbot niets vastleggen")
