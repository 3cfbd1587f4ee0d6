"""Helpers the local-file writers share: refuse a file someone has open, replace a file whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheets.sources.ladder.base import NoWriteAccess, WriteError


def refuse_if_busy(path: Path) -> None:
    """A lock file of LibreOffice or Excel beside the workbook: someone has it open."""
    for lock in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if lock.exists():
            raise WriteError(
                f"{path.name} is geopend in een ander programma ({lock.name}); sluit het bestand "
                "en probeer het opnieuw. Er is niets geschreven."
            )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise NoWriteAccess(
            f"{path.name} is alleen-lezen (of de map {path.parent} is dat); geef schrijfrechten "
            "of werk in een kopie. Er is niets geschreven."
        )


def replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then move it into place: a crash never leaves
    half a workbook."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_UNKEPT = ("xl/charts/", "xl/drawings/", "xl/pivotCache", "xl/pivotTables/", "xl/media/")


def _openpyxl_would_drop(path: Path) -> list[str]:
    """Parts of an .xlsx that openpyxl does not write back (pitfalls.md): refuse rather than
    lose a province's chart or pivot table."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        names = book.namelist()
    return sorted({p for p in _UNKEPT for n in names if n.startswith(p)})


def shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_is(key: str, value: Any) -> Any:
    """Cells as they are (a writer whose library keeps types)."""
    return value
