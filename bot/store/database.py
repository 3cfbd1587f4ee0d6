"""The one SQLite connection every part of Taakbot's state shares (ledger, subscriptions,
broadcasts, people, figures, access requests): opened where TAAKBOT_DB says or refused with a
Dutch line, one lock for all threads, and a check that the file was not swapped underneath."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any


class StoreError(RuntimeError):
    """The database cannot be used: the message is one Dutch line that says what to fix."""


class Database:
    """Thread-safe: commands run in worker threads, jobs on the event loop. Every part takes
    the same lock, so a transaction of one part never interleaves with another's statement."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path, self.clock = str(path), clock
        self.lock = threading.RLock()
        self._identity: tuple[int, int] | None = None
        self.connection = _connect(self.path)
        if self.path != ":memory:":
            self._identity = _identity(self.path)

    def check(self) -> None:
        """Raise StoreError when the file was deleted or replaced while Taakbot runs."""
        if self._identity is not None and _identity(self.path) != self._identity:
            raise StoreError(
                f"De database {self.path} is verwijderd of vervangen terwijl Taakbot draaide; "
                "abonnementen gaan zo verloren. Zet een backup terug (taakbot backup) en start "
                "Taakbot opnieuw."
            )

    def run(self, sql: str, args: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """One statement, committed by itself (autocommit) unless inside `transaction`."""
        with self.lock:
            self.check()
            return self.connection.execute(sql, args if isinstance(args, dict) else tuple(args))

    def run_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> sqlite3.Cursor:
        with self.lock:
            self.check()
            return self.connection.executemany(sql, [tuple(r) for r in rows])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any exception): the write lock is taken at
        once, so a racing process waits instead of failing halfway."""
        with self.lock:
            self.check()
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def tables(self) -> set[str]:
        return {r[0] for r in self.run("SELECT name FROM sqlite_master WHERE type='table'")}

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's online backup) at `target`."""
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} bestaat al; kies een nieuwe naam")
        if not target.parent.is_dir():
            raise StoreError(f"De map {target.parent} bestaat niet; maak hem eerst aan.")
        copy = sqlite3.connect(target)
        try:
            with self.lock:
                self.connection.backup(copy)
        finally:
            copy.close()
        return target

    def close(self) -> None:
        with self.lock:
            self.connection.close()


def _connect(path: str) -> sqlite3.Connection:
    """Open the file where it is configured, or say exactly why not; never create it elsewhere."""
    if path != ":memory:":
        file = Path(path)
        folder = file.parent if str(file.parent) else Path(".")
        if not folder.is_dir():
            raise StoreError(
                f"De map {folder} voor TAAKBOT_DB bestaat niet. Maak hem aan (in productie: "
                "een blijvend volume) of wijs TAAKBOT_DB naar een bestaande map."
            )
        if file.exists() and not os.access(file, os.R_OK | os.W_OK):
            raise StoreError(
                f"De database {file} is niet schrijfbaar voor deze gebruiker; pas de rechten aan "
                "of wijs TAAKBOT_DB naar een schrijfbaar bestand."
            )
        if not file.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(
                f"In de map {folder} kan Taakbot geen database aanmaken (geen schrijfrechten); "
                "pas de rechten aan of wijs TAAKBOT_DB naar een schrijfbare map."
            )
    try:
        db = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        if path != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise StoreError(explain(path, exc)) from None
    return db


def explain(path: str, exc: sqlite3.DatabaseError) -> str:
    """One Dutch line for a file SQLite cannot use."""
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text:
        return (
            f"{path} is geen (gave) SQLite-database. Zet een backup terug (zie README, "
            "'Backup en herstel') of wijs TAAKBOT_DB naar een nieuw bestand."
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"De database {path} is alleen-lezen; pas de rechten aan of wijs TAAKBOT_DB naar "
            "een schrijfbaar bestand."
        )
    return f"De database {path} kan niet worden geopend ({exc}); controleer TAAKBOT_DB."


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:  # gone, or its volume is: either way the file we opened is not there
        return None
    return st.st_dev, st.st_ino
