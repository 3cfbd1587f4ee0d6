"""The state database's schema: each migration moves a file one version up (PRAGMA
user_version); a file's pending migrations run in one write transaction, so two processes
starting at once migrate once."""

from __future__ import annotations

import functools
import sqlite3

from bot.store.database import Database, StoreError

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


def version(db: Database) -> int:
    return db.run("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> None:
    """Bring the file to the newest schema in one transaction: all of it or none; the write
    lock makes a racing process wait and then find the work done. A new file gets at once the
    schema the migrations end in (`newest`): replaying them rebuilt the ledger table twice, 2 ms
    for every store a test or a process opens."""
    with db.transaction() as c:
        current = c.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{db.path} heeft schemaversie {current}; deze Taakbot kent er "
                f"{len(MIGRATIONS)}. Werk Taakbot bij of kies een ander TAAKBOT_DB."
            )
        if current == len(MIGRATIONS):
            return
        fresh = current == 0 and not c.execute("SELECT 1 FROM sqlite_master").fetchone()
        for statement in newest() if fresh else _statements(MIGRATIONS[current:]):
            c.execute(statement)
        c.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def _statements(migrations: tuple[str, ...]) -> list[str]:
    return [s for m in migrations for s in m.split(";") if s.strip()]


@functools.cache
def newest() -> tuple[str, ...]:
    """The CREATE statements of the schema the migrations end in, read back from an in-memory
    database they ran in: one source, the migrations; tables before their indexes."""
    memory = sqlite3.connect(":memory:")
    try:
        for statement in _statements(MIGRATIONS):
            memory.execute(statement)
        rows = memory.execute(
            "SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid"
        ).fetchall()
    finally:
        memory.close()
    return tuple(sql for _, sql in rows)
