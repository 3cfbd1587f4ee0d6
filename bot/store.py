"""SQLite state that outlives the process: subscriptions, the send ledger, weekly figures.

The ledger is what makes pushes at-most-once: a row keyed by (kind, scope, due, chat) is claimed
('pending', with its owner) under a UNIQUE constraint, marked 'sending' right before the HTTP
request, and settled from the answer ('sent', 'failed', 'blocked', 'uncertain'). A restart, a
second process or a retried job cannot send the same thing twice. Rows of a process that died
are taken over at once (bot.lease tells a dead process from a live one): 'pending' rows were never
sent and are sent; 'sending' rows may have been delivered and become 'uncertain', never resent
unless a person asks.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.lease import LEASE_SECONDS, Process, runs, this_process
from commands.records import Broadcast, Key, Subscription

PENDING, SENT, FAILED, BLOCKED = "pending", "sent", "failed", "blocked"
SENDING = "sending"  # in flight: marked right before the request, until its answer settles it
CRASHED = "proces gestopt tijdens het versturen"  # the error of a 'sending' row taken over
# A send that timed out after the request went out: Telegram may have delivered it. Settled
# (never resent by itself); `release_uncertain` makes such rows sendable again, on purpose.
UNCERTAIN = "uncertain"

# Each entry moves the schema one version up; PRAGMA user_version records how far a file is.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL,
        user_id INTEGER NOT NULL,  -- who subscribed: their role is checked again at push time
        lang TEXT NOT NULL DEFAULT 'nl', active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL, stopped_reason TEXT,
        PRIMARY KEY (chat_id, kind, scope)
    );
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL, scope TEXT NOT NULL, due TEXT NOT NULL, chat_id INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'blocked')),
        attempts INTEGER NOT NULL DEFAULT 1, claimed_at REAL NOT NULL, settled_at REAL,
        error TEXT,
        UNIQUE (kind, scope, due, chat_id)
    );
    CREATE TABLE weekly_figures (
        chat_id INTEGER NOT NULL, gemeente TEXT NOT NULL, period TEXT NOT NULL,
        realised INTEGER, trede TEXT NOT NULL, week TEXT NOT NULL,
        PRIMARY KEY (chat_id, gemeente)
    );
    """,
    """
    CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL, user_id INTEGER NOT NULL,  -- the requester gets the report
        lang TEXT NOT NULL DEFAULT 'nl', soort TEXT NOT NULL, scope TEXT NOT NULL,
        due TEXT NOT NULL, text TEXT NOT NULL,
        recipients TEXT NOT NULL,  -- JSON list of chat ids, fixed at preview time
        status TEXT NOT NULL DEFAULT 'preview'
            CHECK (status IN ('preview', 'confirmed', 'cancelled', 'done')),
        created_at REAL NOT NULL, report TEXT
    );
    CREATE INDEX ledger_status ON ledger (status, claimed_at);
    """,
    """
    ALTER TABLE broadcasts ADD COLUMN texts TEXT;  -- JSON {chat id: text}: rendered per recipient
    CREATE TABLE preferences (
        user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL, updated_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE ledger_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL, scope TEXT NOT NULL, due TEXT NOT NULL, chat_id INTEGER NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 1, claimed_at REAL NOT NULL, settled_at REAL,
        error TEXT,
        UNIQUE (kind, scope, due, chat_id)
    );
    INSERT INTO ledger_new (id, kind, scope, due, chat_id, status, attempts, claimed_at,
        settled_at, error)
        SELECT id, kind, scope, due, chat_id, status, attempts, claimed_at, settled_at, error
        FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_new RENAME TO ledger;
    CREATE INDEX ledger_status ON ledger (status, claimed_at);
    """,
    """
    CREATE TABLE ledger_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL, scope TEXT NOT NULL, due TEXT NOT NULL, chat_id INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN
            ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 1, claimed_at REAL NOT NULL, settled_at REAL,
        error TEXT,
        owner TEXT,  -- the lease of the process that claimed it (NULL: nobody's, claimable)
        UNIQUE (kind, scope, due, chat_id)
    );
    INSERT INTO ledger_new (id, kind, scope, due, chat_id, status, attempts, claimed_at,
        settled_at, error)
        SELECT id, kind, scope, due, chat_id, status, attempts, claimed_at, settled_at, error
        FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_new RENAME TO ledger;
    CREATE INDEX ledger_status ON ledger (status, claimed_at);
    CREATE INDEX ledger_owner ON ledger (owner, status);
    CREATE TABLE leases (
        owner TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,
        started TEXT NOT NULL, heartbeat REAL NOT NULL
    );
    """,
)
# What /vergeet erases for one Telegram user (an id appears as chat_id in their private chat).
# Tables other modules keep in the same file (access requests) are erased when present.
FORGET: tuple[tuple[str, str], ...] = (
    ("subscriptions", "chat_id=:id OR user_id=:id"),
    ("ledger", "chat_id=:id"),
    ("weekly_figures", "chat_id=:id"),
    ("broadcasts", "chat_id=:id OR user_id=:id"),
    ("preferences", "user_id=:id"),
    ("access_requests", "user_id=:id"),  # bot/access.py: onboarding requests with a name
)


class StoreError(RuntimeError):
    """The database cannot be used: the message is one Dutch line that says what to fix."""


class Store:
    """Thread-safe: commands run in worker threads, jobs on the event loop."""

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
        self.path, self.clock, self.max_attempts = str(path), clock, max_attempts
        self.process, self.runs, self.lease_seconds = (
            process or this_process(),
            runs,
            lease_seconds,
        )
        self.owner = uuid.uuid4().hex  # this Store's lease: its rows carry it
        self._lock = threading.RLock()
        self._identity: tuple[int, int] | None = None
        self._db = _connect(self.path)
        try:
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(_explain(self.path, exc)) from None
        if self.path != ":memory:":
            self._identity = _identity(self.path)
        p = self.process
        self._run(
            "INSERT INTO leases (owner, host, pid, started, heartbeat) VALUES (?, ?, ?, ?, ?)",
            (self.owner, p.host, p.pid, p.started, self.clock()),
        )
        self.recover()  # a process that died mid-send: its rows are taken over at once

    def check(self) -> None:
        """Raise StoreError when the file was deleted or replaced while Taakbot runs."""
        if self._identity is not None and _identity(self.path) != self._identity:
            raise StoreError(
                f"De database {self.path} is verwijderd of vervangen terwijl Taakbot draaide; "
                "abonnementen gaan zo verloren. Zet een backup terug (taakbot backup) en start "
                "Taakbot opnieuw."
            )

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's online backup) at `target`."""
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} bestaat al; kies een nieuwe naam")
        if not target.parent.is_dir():
            raise StoreError(f"De map {target.parent} bestaat niet; maak hem eerst aan.")
        copy = sqlite3.connect(target)
        try:
            with self._lock:
                self._db.backup(copy)
        finally:
            copy.close()
        return target

    # -- schema ----------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Bring the file to the newest schema; the write lock makes a racing process wait."""
        with self._lock:
            while True:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    current = self.version
                    if current > len(MIGRATIONS):
                        raise StoreError(
                            f"{self.path} heeft schemaversie {current}; deze Taakbot kent er "
                            f"{len(MIGRATIONS)}. Werk Taakbot bij of kies een ander TAAKBOT_DB."
                        )
                    if current == len(MIGRATIONS):
                        self._db.execute("COMMIT")
                        return
                    for statement in MIGRATIONS[current].split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {current + 1}")
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        """Give up the lease: unsent rows become claimable, rows in flight uncertain."""
        with self._lock:
            with contextlib.suppress(sqlite3.Error):  # a closed file: nothing to release
                self._give_up([self.owner])
            self._db.close()

    def _run(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            self.check()
            return self._db.execute(sql, tuple(args))

    # -- people ----------------------------------------------------------------------------
    def set_language(self, user_id: int, lang: str) -> None:
        """/taal: kept across restarts."""
        self._run(
            "INSERT INTO preferences (user_id, lang, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET lang=excluded.lang, updated_at=excluded.updated_at",
            (user_id, lang, self.clock()),
        )

    def language(self, user_id: int) -> str | None:
        row = self._run("SELECT lang FROM preferences WHERE user_id=?", (user_id,)).fetchone()
        return row[0] if row else None

    def forget(self, user_id: int) -> int:
        """/vergeet: erase every row about this Telegram user; the number of rows removed."""
        removed = 0
        with self._lock:
            self.check()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                tables = {
                    r[0]
                    for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                for table, where in FORGET:
                    if table in tables:
                        sql = f"DELETE FROM {table} WHERE {where}"  # noqa: S608 - constants
                        removed += self._db.execute(sql, {"id": user_id}).rowcount
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return removed

    def purge(self, older_than: float) -> int:
        """Delete settled ledger rows and finished broadcasts older than `older_than` seconds."""
        cutoff = self.clock() - older_than
        with self._lock:
            n = self._run(
                "DELETE FROM ledger WHERE status NOT IN ('pending', 'sending') AND claimed_at < ?",
                (cutoff,),
            ).rowcount
            n += self._run(
                "DELETE FROM broadcasts WHERE status IN ('done', 'cancelled', 'preview') "
                "AND created_at < ?",
                (cutoff,),
            ).rowcount
        return n

    # -- subscriptions ---------------------------------------------------------------------
    def subscribe(self, chat_id: int, kind: str, scope: str, user_id: int, lang: str) -> bool:
        """Follow a scope; True when it is new (or active again after a block)."""
        with self._lock:
            row = self._run(
                "SELECT active FROM subscriptions WHERE chat_id=? AND kind=? AND scope=?",
                (chat_id, kind, scope),
            ).fetchone()
            self._run(
                "INSERT INTO subscriptions (chat_id, kind, scope, user_id, lang, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, kind, scope) DO UPDATE SET "
                "active=1, stopped_reason=NULL, user_id=excluded.user_id, lang=excluded.lang",
                (chat_id, kind, scope, user_id, lang, self.clock()),
            )
            return row is None or not row[0]

    def unsubscribe(self, chat_id: int, kind: str | None = None, scope: str | None = None) -> int:
        """Stop following one scope, or everything when no scope is given."""
        if scope is None:
            return self._run("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount
        return self._run(
            "DELETE FROM subscriptions WHERE chat_id=? AND kind=? AND scope=?",
            (chat_id, kind, scope),
        ).rowcount

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        """Active subscriptions, of one chat or of all."""
        sql = "SELECT chat_id, kind, scope, user_id, lang, created_at FROM subscriptions "
        sql += "WHERE active=1" + (" AND chat_id=?" if chat_id is not None else "")
        rows = self._run(
            sql + " ORDER BY chat_id, kind, scope", () if chat_id is None else (chat_id,)
        )
        return [Subscription(*row) for row in rows.fetchall()]

    def deactivate_chat(self, chat_id: int, reason: str) -> int:
        """A chat that blocked or removed the bot gets nothing more until it follows again."""
        return self._run(
            "UPDATE subscriptions SET active=0, stopped_reason=? WHERE chat_id=? AND active=1",
            (reason, chat_id),
        ).rowcount

    def migrate_chat(self, old: int, new: int) -> None:
        """A group upgraded to a supergroup keeps its subscriptions under the new id."""
        self._run("UPDATE OR IGNORE subscriptions SET chat_id=? WHERE chat_id=?", (new, old))

    # -- ledger ----------------------------------------------------------------------------
    def claim(self, keys: Iterable[Key]) -> bool:
        """Claim every key or none: insert 'pending', or take over a row nobody holds.

        A 'pending' row without an owner was never sent (its process died before marking it,
        see `recover`); a 'failed' row is retried until `max_attempts`.
        """
        keys = list(keys)
        now = self.clock()
        with self._lock:
            self.check()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for key in keys:
                    if not self._claim_one(key, now):
                        self._db.execute("ROLLBACK")
                        return False
                self._db.execute("COMMIT")
                return True
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _claim_one(self, key: Key, now: float) -> bool:
        cur = self._db.execute(
            "INSERT INTO ledger (kind, scope, due, chat_id, status, claimed_at, owner) "
            "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
            (*key, now, self.owner),
        )
        if cur.rowcount == 1:
            return True
        cur = self._db.execute(
            "UPDATE ledger SET status='pending', attempts=attempts+1, claimed_at=?, error=NULL, "
            "owner=? WHERE kind=? AND scope=? AND due=? AND chat_id=? AND ("
            "(status='pending' AND owner IS NULL) OR (status='failed' AND attempts < ?))",
            (now, self.owner, *key, self.max_attempts),
        )
        return cur.rowcount == 1

    def mark(self, keys: Iterable[Key]) -> bool:
        """Right before the HTTP request: the claimed rows are in flight ('sending'). False,
        and nothing marked, when a row is no longer this process's claim: then do not send."""
        keys = list(keys)
        with self._lock:
            self.check()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for key in keys:
                    cur = self._db.execute(
                        "UPDATE ledger SET status='sending' WHERE kind=? AND scope=? AND due=? "
                        "AND chat_id=? AND status='pending' AND owner=?",
                        (*key, self.owner),
                    )
                    if cur.rowcount != 1:
                        self._db.execute("ROLLBACK")
                        return False
                self._db.execute("COMMIT")
                return True
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def settle(self, keys: Iterable[Key], status: str, error: str | None = None) -> None:
        """Record how a send ended (from its answer); a row another live process holds is
        left alone."""
        if status not in (SENT, FAILED, BLOCKED, UNCERTAIN):
            raise ValueError(status)
        now = self.clock()
        with self._lock:
            self.check()
            self._db.executemany(
                "UPDATE ledger SET status=?, settled_at=?, error=? "
                "WHERE kind=? AND scope=? AND due=? AND chat_id=? AND NOT ("
                "status IN ('pending', 'sending') AND owner IS NOT NULL AND owner != ?)",
                [(status, now, error, *key, self.owner) for key in keys],
            )

    # -- leases ----------------------------------------------------------------------------
    def heartbeat(self) -> tuple[int, int]:
        """The periodic pass: renew this lease, then take over the rows of dead processes."""
        self._run("UPDATE leases SET heartbeat=? WHERE owner=?", (self.clock(), self.owner))
        return self.recover()

    def recover(self) -> tuple[int, int]:
        """Take over the rows of every process that is gone: its 'pending' rows (never sent)
        become claimable, its 'sending' rows (maybe delivered) 'uncertain'. A live process's
        rows are never touched. Returns (rows to send, rows now uncertain)."""
        with self._lock:
            self.check()
            leases = self._db.execute(
                "SELECT owner, host, pid, started, heartbeat FROM leases"
            ).fetchall()
            now = self.clock()
            live = [
                owner
                for owner, host, pid, started, beat in leases
                if owner == self.owner or self._alive(Process(host, pid, started), beat, now)
            ]
            return self._give_up(live, keep=True)

    def _alive(self, process: Process, heartbeat: float, now: float) -> bool:
        verdict = self.runs(process)
        return verdict if verdict is not None else heartbeat > now - self.lease_seconds

    def _give_up(self, owners: list[str], keep: bool = False) -> tuple[int, int]:
        """Release the rows of `owners` (or, with `keep`, of every owner but those) and drop
        their leases, in one transaction."""
        marks = ", ".join("?" * len(owners))
        which = f"owner {'NOT ' if keep else ''}IN ({marks})"
        self._db.execute("BEGIN IMMEDIATE")
        try:
            uncertain = self._db.execute(
                f"UPDATE ledger SET status='uncertain', settled_at=?, error=? "  # noqa: S608
                f"WHERE status='sending' AND owner IS NOT NULL AND {which}",
                (self.clock(), CRASHED, *owners),
            ).rowcount
            unsent = self._db.execute(
                f"UPDATE ledger SET owner=NULL "  # noqa: S608 - placeholders only
                f"WHERE status='pending' AND owner IS NOT NULL AND {which}",
                owners,
            ).rowcount
            self._db.execute(f"DELETE FROM leases WHERE {which}", owners)  # noqa: S608
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return unsent, uncertain

    def is_settled(self, key: Key) -> bool:
        """True when the key needs no (further) send: done, blocked, busy or out of tries."""
        row = self._run(
            "SELECT status, attempts, owner FROM ledger "
            "WHERE kind=? AND scope=? AND due=? AND chat_id=?",
            key,
        ).fetchone()
        if row is None:
            return False
        status, attempts, owner = row
        if status == PENDING:
            return owner is not None  # claimed by a process (until `recover` finds it gone)
        return status != FAILED or attempts >= self.max_attempts

    def release_uncertain(
        self, kind: str, due: str | None = None, scope: str | None = None
    ) -> int:
        """Make timed-out ('uncertain') sends of `kind` (and `due`, and `scope`) sendable again:
        someone decided a possible duplicate is better than a possible loss. Returns the rows
        freed."""
        return self._run(
            "UPDATE ledger SET status='failed', attempts=0, error='opnieuw: onzeker' "
            "WHERE status='uncertain' AND kind=? AND (? IS NULL OR due=?) "
            "AND (? IS NULL OR scope=?)",
            (kind, due, due, scope, scope),
        ).rowcount

    def uncertain_automatic(self) -> list[tuple[str, str, int]]:
        """(kind, due, chats) of timed-out scheduled reminders and weekly overviews, oldest due
        first; /herinnering's own ('manual:') are resent per broadcast instead."""
        rows = self._run(
            "SELECT kind, due, COUNT(DISTINCT chat_id) FROM ledger "
            "WHERE status='uncertain' AND kind NOT LIKE 'manual:%' "
            "GROUP BY kind, due ORDER BY due, kind"
        )
        return [(kind, due, n) for kind, due, n in rows.fetchall()]

    def ledger(self, kind_prefix: str = "") -> list[tuple[Key, str, int]]:
        rows = self._run(
            "SELECT kind, scope, due, chat_id, status, attempts FROM ledger "
            "WHERE kind LIKE ? ORDER BY id",
            (kind_prefix + "%",),
        ).fetchall()
        return [(Key(*r[:4]), r[4], r[5]) for r in rows]

    # -- weekly figures --------------------------------------------------------------------
    def last_figures(self, chat_id: int) -> dict[str, tuple[str, int | None, str]]:
        """gemeente → (period, realised, trede) as last week's push showed them."""
        rows = self._run(
            "SELECT gemeente, period, realised, trede FROM weekly_figures WHERE chat_id=?",
            (chat_id,),
        ).fetchall()
        return {g: (p, r, t) for g, p, r, t in rows}

    def save_figures(
        self, chat_id: int, week: str, figures: dict[str, tuple[str, int | None, str]]
    ) -> None:
        with self._lock:
            self.check()
            self._db.executemany(
                "INSERT INTO weekly_figures (chat_id, gemeente, period, realised, trede, week) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, gemeente) DO UPDATE SET "
                "period=excluded.period, realised=excluded.realised, trede=excluded.trede, "
                "week=excluded.week",
                [(chat_id, g, p, r, t, week) for g, (p, r, t) in figures.items()],
            )

    # -- manual broadcasts -----------------------------------------------------------------
    def create_broadcast(self, draft: Broadcast) -> int:
        """Keep a previewed manual reminder until it is confirmed or cancelled."""
        d = draft
        cur = self._run(
            "INSERT INTO broadcasts (chat_id, user_id, lang, soort, scope, due, text, "
            "recipients, created_at, texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d.chat_id, d.user_id, d.lang, d.soort, d.scope, d.due, d.text,
             json.dumps(sorted(set(d.recipients))), self.clock(),
             json.dumps({str(k): v for k, v in d.texts.items()}) if d.texts else None),
        )  # fmt: skip
        return int(cur.lastrowid)

    def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = self._run(
            "SELECT id, chat_id, user_id, lang, soort, scope, due, text, recipients, status, "
            "texts FROM broadcasts WHERE id=?",
            (broadcast_id,),
        ).fetchone()
        if row is None:
            return None
        texts = {int(k): v for k, v in json.loads(row[10] or "{}").items()}
        return Broadcast(*row[:8], tuple(json.loads(row[8])), row[9], texts)

    def move_broadcast(self, broadcast_id: int, old: str, new: str, report: str = "") -> bool:
        """Change state only from `old`: a double-tapped button confirms once."""
        cur = self._run(
            "UPDATE broadcasts SET status=?, report=? WHERE id=? AND status=?",
            (new, report or None, broadcast_id, old),
        )
        return cur.rowcount == 1

    def unfinished_broadcasts(self) -> list[int]:
        """Confirmed but not reported done: resumed at start-up (the ledger skips the sent)."""
        rows = self._run("SELECT id FROM broadcasts WHERE status='confirmed' ORDER BY id")
        return [r[0] for r in rows.fetchall()]


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
        raise StoreError(_explain(path, exc)) from None
    return db


def _explain(path: str, exc: sqlite3.DatabaseError) -> str:
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
