"""Access requests from onboarding links, and who decided them: its own table in Taakbot's SQLite.

A request names the Telegram user, the scope the link was for and when it was asked; a decision
adds who decided, when, and whether access was granted. The `gebruikers` tab still wins: a grant
is only consulted for users the tab does not list (commands.onboarding).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

from bot.store.database import Database
from commands.records import Request

PENDING, GRANTED, REFUSED = "open", "toegestaan", "geweigerd"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS access_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    user_name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,            -- the role asked for: 'gemeente' or 'coordinator'
    scope TEXT NOT NULL,           -- a gemeente or regio of the sheet
    asked_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    decided_by INTEGER,
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at REAL
);
CREATE INDEX IF NOT EXISTS access_requests_user ON access_requests (user_id, status);
"""
_BOOKS: weakref.WeakKeyDictionary[Any, AccessBook] = weakref.WeakKeyDictionary()  # per store


class AccessBook:
    """Thread-safe: commands run in worker threads."""

    def __init__(self, db: Database | str, clock: Callable[[], float] | None = None) -> None:
        """On the store's connection (`book_for`), or on a file of its own (a path)."""
        self._own = not isinstance(db, Database)
        self.db = Database(db, clock=clock or time.time) if self._own else db
        self.clock = clock or self.db.clock
        self._lock = self.db.lock
        self._db = self.db.connection
        with self._lock:
            self._db.executescript(_SCHEMA)

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Request]:
        with self._lock:
            return [Request(*row) for row in self._db.execute(sql, args).fetchall()]

    def ask(self, user_id: int, user_name: str, kind: str, scope: str) -> tuple[Request, bool]:
        """The open request for this user and scope, made now unless it was already asked."""
        with self._lock:
            open_ = self._rows(
                "SELECT * FROM access_requests WHERE user_id = ? AND kind = ? AND scope = ? "
                "AND status = ?",
                (user_id, kind, scope, PENDING),
            )
            if open_:
                return open_[0], False
            cur = self._db.execute(
                "INSERT INTO access_requests (user_id, user_name, kind, scope, asked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (user_id, user_name, kind, scope, self.clock()),
            )
            return self.get(cur.lastrowid), True

    def get(self, request_id: int) -> Request | None:
        rows = self._rows("SELECT * FROM access_requests WHERE id = ?", (request_id,))
        return rows[0] if rows else None

    def decide(self, request_id: int, granted: bool, by: int, by_name: str) -> Request | None:
        """Record the decision once; a second tap (or a second approver) changes nothing."""
        with self._lock:
            self._db.execute(
                "UPDATE access_requests SET status = ?, decided_by = ?, decided_by_name = ?, "
                "decided_at = ? WHERE id = ? AND status = ?",
                (GRANTED if granted else REFUSED, by, by_name, self.clock(), request_id, PENDING),
            )
            return self.get(request_id)

    def granted(self, user_id: int) -> Request | None:
        """The latest grant for a user (a later refusal of the same scope does not undo it)."""
        rows = self._rows(
            "SELECT * FROM access_requests WHERE user_id = ? AND status = ? "
            "ORDER BY decided_at DESC, id DESC LIMIT 1",
            (user_id, GRANTED),
        )
        return rows[0] if rows else None

    def decided(self, limit: int = 25) -> list[Request]:
        return self._rows(
            "SELECT * FROM access_requests WHERE status != ? ORDER BY decided_at DESC LIMIT ?",
            (PENDING, limit),
        )

    def pending(self) -> list[Request]:
        return self._rows(
            "SELECT * FROM access_requests WHERE status = ? ORDER BY asked_at", (PENDING,)
        )

    def forget(self, user_id: int) -> int:
        """/vergeet: a user's requests go (decisions they took for others keep only their id)."""
        with self._lock:
            cur = self._db.execute("DELETE FROM access_requests WHERE user_id = ?", (user_id,))
            self._db.execute(
                "UPDATE access_requests SET decided_by_name = '' WHERE decided_by = ?", (user_id,)
            )
            return cur.rowcount

    def close(self) -> None:
        """Closes the file only when the book opened it (the store closes its own)."""
        if self._own:
            self.db.close()


def book_for(store: Any) -> AccessBook | None:
    """The access book on a store's connection (the same database file), or None."""
    db = getattr(store, "db", None)
    if db is None:
        return None
    book = _BOOKS.get(store)
    if book is None:
        book = _BOOKS[store] = AccessBook(db)
    return book
