"""Helpers the local-file writers share: one writer at a time across processes, refuse a file
someone has open, replace a file whole through a temporary file no reader looks at.

Exactly once for a file: every Taakbot process takes the same lock file beside the workbook
(`filelock`, `flock` on Linux: the lock goes with the process, so a killed holder never leaves
it taken) before it reads the ladder tab, and holds it until `os.replace` has put the new file
in place. Whoever comes second reads what the first wrote and leaves it out. `flock` holds
between processes on one machine; on an SMB or NFS share another machine may not see it
(README: "Vastleggen: precies één keer").
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from sheets.sources.ladder.base import NoWriteAccess, WriteError

TEMP_PREFIX = ".~taakbot-"  # temporary files and the lock: hidden, and never '*.csv'
TEMP_SUFFIX = ".tmp"
WAIT = 60.0  # seconds another process's write may take before we give up


def lock_path(path: Path) -> Path:
    """The lock file beside a workbook, or inside a CSV folder."""
    if path.is_dir():
        return path / f"{TEMP_PREFIX}ladder.lock"
    return path.with_name(f"{TEMP_PREFIX}{path.name}.lock")


@contextlib.contextmanager
def held(path: Path) -> Iterator[None]:
    """Hold the workbook's lock (re-entrant in one thread) and clear temporary files a
    crashed writer left; WriteError when another process keeps it longer than WAIT."""
    if path.is_dir():
        if not os.access(path, os.W_OK):
            raise NoWriteAccess(f"de map {path} is alleen-lezen. Er is niets geschreven.")
    else:
        refuse_if_busy(path)  # before the lock: a refused write leaves no lock file behind
    lock = FileLock(str(lock_path(path)), timeout=WAIT, is_singleton=True)
    try:
        lock.acquire()
    except Timeout:
        raise WriteError(
            f"{path.name}: een ander Taakbot-proces legt al vast en is na {WAIT:.0f} seconden "
            "nog bezig; probeer het zo opnieuw. Er is niets geschreven."
        ) from None
    except OSError as exc:
        raise NoWriteAccess(
            f"{path.name}: het slotbestand {lock_path(path).name} kan niet worden gemaakt "
            f"({exc.strerror or exc}); geef schrijfrechten op de map. Er is niets geschreven."
        ) from None
    try:
        remove_stale(path if path.is_dir() else path.parent)
        yield
    except OSError as exc:  # a full disk, a file taken away: os.replace never happened
        raise WriteError(
            f"{path.name}: opslaan mislukte ({exc.strerror or exc}); het bestand is niet "
            "veranderd. Er is niets geschreven."
        ) from exc
    finally:
        lock.release()


def remove_stale(folder: Path) -> list[Path]:
    """Temporary files of a writer that crashed before its os.replace (only called with the
    lock held, or at start when it is free)."""
    gone = []
    for tmp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            gone.append(tmp)
    return gone


def clean_at_start(path: Path) -> None:
    """Remove what a crashed writer left, if no other process is writing right now."""
    folder = path if path.is_dir() else path.parent
    if not path.exists() or not any(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")):
        return
    lock = FileLock(str(lock_path(path)), timeout=0, is_singleton=True)
    with contextlib.suppress(Timeout, OSError), lock:
        remove_stale(folder)


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
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.stem}-", suffix=TEMP_SUFFIX,
                               dir=path.parent)  # fmt: skip
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_is(key: str, value: Any) -> Any:
    """Cells as they are (a writer whose library keeps types)."""
    return value
