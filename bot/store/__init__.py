"""SQLite state that outlives the process, in parts over one connection (bot.store.database):

- `ledger` (bot.store.ledger): the send ledger that makes every push at-most-once;
- `subscriptions`: what each chat follows;
- `broadcasts`: /herinnering's manual reminders from preview to done;
- `people`: /taal choices and /vergeet; `figures`: what last week's overview showed.

The schema and its migrations are in bot.store.schema; access requests (bot.access) share the
same connection. Commands get the parts through `Front.with_store` (commands.context).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bot.lease import LEASE_SECONDS, Process, runs
from bot.store.broadcasts import Broadcasts
from bot.store.database import Database, StoreError, explain
from bot.store.figures import WeeklyFigures
from bot.store.ledger import (
    BLOCKED,
    CRASHED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNCERTAIN,
    SendLedger,
)
from bot.store.people import FORGET, People
from bot.store.schema import MIGRATIONS, migrate, version
from bot.store.subscriptions import Subscriptions
from commands.records import Broadcast, Key, Subscription

__all__ = [
    "BLOCKED", "CRASHED", "FAILED", "FORGET", "MIGRATIONS", "PENDING", "SENDING", "SENT",
    "UNCERTAIN", "Broadcast", "Broadcasts", "Database", "Key", "People", "SendLedger", "Store",
    "StoreError", "Subscription", "Subscriptions", "WeeklyFigures", "explain",
]  # fmt: skip


class Store:
    """The state database opened, migrated, and split into its parts; `close` gives up this
    process's ledger lease before the connection closes."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        max_attempts: int = 3,
        process: Process | None = None,
        runs: Callable[[Process], bool | None] = runs,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.path = str(path)
        self.db = Database(path, clock=clock)
        try:
            migrate(self.db)
        except StoreError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as exc:  # not a database, read-only, …
            self.db.close()
            raise StoreError(explain(self.path, exc)) from None
        self.subscriptions = Subscriptions(self.db)
        self.broadcasts = Broadcasts(self.db)
        self.people = People(self.db)
        self.figures = WeeklyFigures(self.db)
        self.ledger = SendLedger(
            self.db,
            max_attempts=max_attempts,
            process=process,
            runs=runs,
            lease_seconds=lease_seconds,
        )

    @property
    def version(self) -> int:
        return version(self.db)

    def check(self) -> None:
        """Raise StoreError when the file was deleted or replaced while Taakbot runs."""
        self.db.check()

    def backup(self, target: str | Path) -> Path:
        return self.db.backup(target)

    def purge(self, older_than: float) -> int:
        """Retention: settled ledger rows and finished broadcasts older than `older_than` s."""
        cutoff = self.db.clock() - older_than
        with self.db.lock:
            return self.ledger.purge(cutoff) + self.broadcasts.purge(cutoff)

    def close(self) -> None:
        """Give up the lease (unsent rows claimable, rows in flight uncertain), then close."""
        with self.db.lock:
            self.ledger.close()
            self.db.close()
